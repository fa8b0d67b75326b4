package fontfile

import (
	"fmt"
	"sort"
)

// Limits on counts read from an sfnt, beyond the bounds the data imposes.
const (
	maxTables    = 1024
	maxCmapRecs  = 1024
	maxPostNames = 65536
)

// SFNT is a parsed TrueType or OpenType font (FontFile2, or FontFile3
// /OpenType). The exported fields are read once by ParseSFNT; the methods
// read the cmap, post and hmtx tables on demand, bounds-checking each read,
// so a parsed SFNT holds slices of the caller's data, which must not change.
type SFNT struct {
	// UnitsPerEm is head.unitsPerEm, the scale of every other metric.
	UnitsPerEm int
	// Ascender and Descender come from hhea, or from OS/2's typographic
	// values when hhea is missing or both are zero; Descender is negative.
	Ascender, Descender int
	// BBox is head's xMin, yMin, xMax, yMax in font units.
	BBox [4]int
	// NumGlyphs is maxp.numGlyphs, 0 when maxp is missing.
	NumGlyphs int

	cmaps       []cmapRecord
	post        []byte
	postVersion uint32
	postNames   []int32 // offsets in post of the Pascal strings of format 2
	hmtx        []byte
	numHMetrics int
	cff         []byte
}

// cmapRecord is one encoding record of the cmap table; sub runs from the
// subtable's start to the end of its declared length or of the cmap table.
type cmapRecord struct {
	platform, encoding uint16
	sub                []byte
}

// ParseSFNT parses the table directory and the head, hhea, maxp, OS/2,
// cmap, post and hmtx tables, and finds the CFF table if there is one. Only head is required; a table whose record
// lies outside the data, or a required field cut short, gives an error
// wrapping ErrMalformed. For a TrueType collection the first font is used.
func ParseSFNT(data []byte) (*SFNT, error) {
	if err := checkSize(data); err != nil {
		return nil, err
	}
	dir := 0
	tag, ok := u32(data, 0)
	if !ok {
		return nil, malformed("sfnt: %d bytes", len(data))
	}
	if tag == 0x74746366 { // 'ttcf'
		n, ok1 := u32(data, 8)
		off, ok2 := u32(data, 12)
		if !ok1 || !ok2 || n == 0 || int64(off) >= int64(len(data)) {
			return nil, malformed("sfnt: collection header")
		}
		dir = int(off)
		if tag, ok = u32(data, dir); !ok {
			return nil, malformed("sfnt: collection offset %d", dir)
		}
	}
	switch tag {
	case 0x00010000, 0x74727565, 0x4F54544F: // 1.0, 'true', 'OTTO'
	default:
		return nil, malformed("sfnt: version %#08x", tag)
	}
	tables, err := readTableDir(data, dir)
	if err != nil {
		return nil, err
	}
	f := &SFNT{}
	if err := f.readHead(tables["head"]); err != nil {
		return nil, err
	}
	if t := tables["maxp"]; len(t) >= 6 {
		n, _ := u16(t, 4)
		f.NumGlyphs = int(n)
	}
	if t := tables["hhea"]; len(t) >= 36 {
		a, _ := i16(t, 4)
		d, _ := i16(t, 6)
		n, _ := u16(t, 34)
		f.Ascender, f.Descender, f.numHMetrics = int(a), int(d), int(n)
	}
	if t := tables["OS/2"]; len(t) >= 72 && f.Ascender == 0 && f.Descender == 0 {
		a, _ := i16(t, 68)
		d, _ := i16(t, 70)
		f.Ascender, f.Descender = int(a), int(d)
	}
	if t := tables["hmtx"]; t != nil {
		f.hmtx = t
		if max := len(t) / 4; f.numHMetrics > max {
			f.numHMetrics = max
		}
	} else {
		f.numHMetrics = 0
	}
	f.cff = tables["CFF "]
	f.readCmap(tables["cmap"])
	f.readPost(tables["post"])
	return f, nil
}

// readTableDir returns the tables this package reads, keyed by tag. A
// record of one of those tables that lies outside data is an error; other
// records are not looked at beyond the directory itself.
func readTableDir(data []byte, dir int) (map[string][]byte, error) {
	n, ok := u16(data, dir+4)
	if !ok || n > maxTables {
		return nil, malformed("sfnt: table count")
	}
	recs, ok := span(data, dir+12, int(n)*16)
	if !ok {
		return nil, malformed("sfnt: table directory of %d records", n)
	}
	tables := map[string][]byte{}
	for i := 0; i < int(n); i++ {
		r := recs[i*16 : i*16+16]
		tag := string(r[:4])
		switch tag {
		case "head", "hhea", "maxp", "OS/2", "cmap", "post", "hmtx", "CFF ":
		default:
			continue
		}
		if _, dup := tables[tag]; dup {
			continue
		}
		off, _ := u32(r, 8)
		length, _ := u32(r, 12)
		if int64(off)+int64(length) > int64(len(data)) {
			return nil, malformed("sfnt: table %q at %d+%d outside %d bytes", tag, off, length, len(data))
		}
		tables[tag] = data[off : int64(off)+int64(length)]
	}
	return tables, nil
}

// readHead reads unitsPerEm and the bounding box.
func (f *SFNT) readHead(t []byte) error {
	if len(t) < 54 {
		return malformed("sfnt: head table of %d bytes", len(t))
	}
	upem, _ := u16(t, 18)
	if upem == 0 {
		return malformed("sfnt: unitsPerEm 0")
	}
	f.UnitsPerEm = int(upem)
	for i := range f.BBox {
		v, _ := i16(t, 36+2*i)
		f.BBox[i] = int(v)
	}
	return nil
}

// readCmap records the encoding records whose subtables start inside the
// table; a broken cmap just leaves the font without mappings.
func (f *SFNT) readCmap(t []byte) {
	n, ok := u16(t, 2)
	if !ok {
		return
	}
	if n > maxCmapRecs {
		n = maxCmapRecs
	}
	for i := 0; i < int(n); i++ {
		p, ok1 := u16(t, 4+8*i)
		e, ok2 := u16(t, 6+8*i)
		off, ok3 := u32(t, 8+8*i)
		if !ok1 || !ok2 || !ok3 {
			return
		}
		if int64(off) >= int64(len(t)) {
			continue
		}
		sub := t[off:]
		if l, ok := subtableLen(sub); ok && l >= 4 && l < len(sub) {
			sub = sub[:l]
		}
		f.cmaps = append(f.cmaps, cmapRecord{p, e, sub})
	}
}

// subtableLen reads a cmap subtable's declared length. Producers often
// write a wrong one, so callers only ever shorten to it, never grow.
func subtableLen(sub []byte) (int, bool) {
	format, ok := u16(sub, 0)
	if !ok {
		return 0, false
	}
	switch format {
	case 0, 2, 6:
		l, ok := u16(sub, 2)
		return int(l), ok
	case 4:
		// Format 4 tables over 64 KiB cannot state their length, and
		// producers write wrong ones; the arrays bound themselves.
		return 0, false
	case 8, 10, 12, 13, 14:
		l, ok := u32(sub, 4)
		if !ok || int64(l) > int64(len(sub)) {
			return 0, false
		}
		return int(l), true
	}
	return 0, false
}

// readPost records the post table and, for format 2, where each of its
// Pascal strings starts.
func (f *SFNT) readPost(t []byte) {
	v, ok := u32(t, 0)
	if !ok || len(t) < 32 {
		return
	}
	f.post, f.postVersion = t, v
	if v != 0x00020000 {
		return
	}
	n, ok := u16(t, 32)
	if !ok {
		f.post = nil
		return
	}
	off := 34 + 2*int(n)
	for off < len(t) && len(f.postNames) < maxPostNames {
		f.postNames = append(f.postNames, int32(off))
		off += 1 + int(t[off])
	}
}

// HasCmap reports whether the font has a cmap subtable for (platform,
// encoding), such as (3, 1) Windows Unicode BMP, (3, 0) Windows symbol or
// (1, 0) Macintosh Roman.
func (f *SFNT) HasCmap(platform, encoding uint16) bool {
	for _, r := range f.cmaps {
		if r.platform == platform && r.encoding == encoding {
			return true
		}
	}
	return false
}

// Lookup maps a character code to a glyph id through the cmap subtable for
// (platform, encoding), reading formats 0, 2, 4, 6, 10, 12 and 13. ok is
// false when there is no such subtable or the code maps to glyph 0
// (.notdef). If several records name the same pair, the first whose format
// is read here is used.
func (f *SFNT) Lookup(platform, encoding uint16, code uint32) (gid uint16, ok bool) {
	for _, r := range f.cmaps {
		if r.platform != platform || r.encoding != encoding {
			continue
		}
		g, supported := lookupSubtable(r.sub, code)
		if supported {
			return g, g != 0
		}
	}
	return 0, false
}

// lookupSubtable maps code through one subtable; supported is false for
// formats it does not read.
func lookupSubtable(s []byte, code uint32) (gid uint16, supported bool) {
	format, ok := u16(s, 0)
	if !ok {
		return 0, false
	}
	switch format {
	case 0:
		if code > 0xFF {
			return 0, true
		}
		g, _ := u8(s, 6+int(code))
		return uint16(g), true
	case 2:
		return cmap2(s, code), true
	case 4:
		return cmap4(s, code), true
	case 6:
		first, ok1 := u16(s, 6)
		count, ok2 := u16(s, 8)
		if !ok1 || !ok2 || code < uint32(first) || code-uint32(first) >= uint32(count) {
			return 0, true
		}
		g, _ := u16(s, 10+2*int(code-uint32(first)))
		return g, true
	case 10:
		first, ok1 := u32(s, 12)
		count, ok2 := u32(s, 16)
		if !ok1 || !ok2 || code < first || code-first >= count {
			return 0, true
		}
		g, _ := u16(s, 20+2*int(code-first))
		return g, true
	case 12, 13:
		return cmap12(s, code, format == 13), true
	}
	return 0, false
}

// cmap2 reads the high-byte mapping of format 2, used by CJK fonts.
func cmap2(s []byte, code uint32) uint16 {
	var hi, lo uint32
	if code < 0x100 {
		hi, lo = 0, code
		if k, _ := u16(s, 6+2*int(code)); k != 0 {
			return 0 // a lead byte, not a character
		}
	} else if code <= 0xFFFF {
		hi, lo = code>>8, code&0xFF
	} else {
		return 0
	}
	key, ok := u16(s, 6+2*int(hi))
	if !ok || (hi != 0 && key == 0) {
		return 0
	}
	sh := 518 + int(key/8)*8
	first, ok1 := u16(s, sh)
	count, ok2 := u16(s, sh+2)
	delta, ok3 := u16(s, sh+4)
	ro, ok4 := u16(s, sh+6)
	if !ok1 || !ok2 || !ok3 || !ok4 || lo < uint32(first) || lo-uint32(first) >= uint32(count) {
		return 0
	}
	g, ok := u16(s, sh+6+int(ro)+2*int(lo-uint32(first)))
	if !ok || g == 0 {
		return 0
	}
	return g + delta
}

// cmap4 reads the segment mapping of format 4, found in almost every
// TrueType font.
func cmap4(s []byte, code uint32) uint16 {
	if code > 0xFFFF {
		return 0
	}
	x2, ok := u16(s, 6)
	if !ok {
		return 0
	}
	seg := int(x2 / 2)
	ends, starts, deltas, ranges := 14, 16+2*seg, 16+4*seg, 16+6*seg
	// The segment is the first whose end code is >= code.
	i := sort.Search(seg, func(i int) bool {
		e, ok := u16(s, ends+2*i)
		return !ok || uint32(e) >= code
	})
	if i >= seg {
		return 0
	}
	start, ok1 := u16(s, starts+2*i)
	delta, ok2 := u16(s, deltas+2*i)
	ro, ok3 := u16(s, ranges+2*i)
	if !ok1 || !ok2 || !ok3 || code < uint32(start) {
		return 0
	}
	if ro == 0 {
		return uint16(code) + delta
	}
	g, ok := u16(s, ranges+2*i+int(ro)+2*int(code-uint32(start)))
	if !ok || g == 0 {
		return 0
	}
	return g + delta
}

// cmap12 reads the sequential (12) or many-to-one (13) groups.
func cmap12(s []byte, code uint32, constant bool) uint16 {
	n, ok := u32(s, 12)
	if !ok {
		return 0
	}
	if max := uint32((len(s) - 16) / 12); n > max {
		n = max
	}
	i := sort.Search(int(n), func(i int) bool {
		end, _ := u32(s, 16+12*i+4)
		return end >= code
	})
	if i >= int(n) {
		return 0
	}
	start, _ := u32(s, 16+12*i)
	g, _ := u32(s, 16+12*i+8)
	if code < start {
		return 0
	}
	if !constant {
		g += code - start
	}
	if g > 0xFFFF {
		return 0
	}
	return uint16(g)
}

// GlyphName returns glyph gid's name from the post table: formats 1, 2 and
// 2.5 carry names; format 3 and a missing table give ok=false.
func (f *SFNT) GlyphName(gid uint16) (string, bool) {
	switch f.postVersion {
	case 0x00010000:
		if int(gid) < len(macGlyphNames) {
			return macGlyphNames[gid], true
		}
	case 0x00020000:
		n, _ := u16(f.post, 32)
		if gid >= n {
			return "", false
		}
		idx, ok := u16(f.post, 34+2*int(gid))
		if !ok {
			return "", false
		}
		if int(idx) < len(macGlyphNames) {
			return macGlyphNames[idx], true
		}
		j := int(idx) - len(macGlyphNames)
		if j >= len(f.postNames) {
			return "", false
		}
		off := int(f.postNames[j])
		name, ok := span(f.post, off+1, int(f.post[off]))
		if !ok || len(name) == 0 {
			return "", false
		}
		return string(name), true
	case 0x00025000:
		n, _ := u16(f.post, 32)
		if gid >= n {
			return "", false
		}
		d, ok := u8(f.post, 34+int(gid))
		if !ok {
			return "", false
		}
		idx := int(gid) + int(int8(d))
		if idx >= 0 && idx < len(macGlyphNames) {
			return macGlyphNames[idx], true
		}
	}
	return "", false
}

// CFFTable returns the raw 'CFF ' table of an OpenType font with CFF
// outlines, for ParseCFF: such fonts usually carry a format 3 post table,
// so their glyph names live in the CFF charset.
func (f *SFNT) CFFTable() ([]byte, bool) {
	return f.cff, f.cff != nil
}

// Advance returns glyph gid's advance width in font units from hmtx; glyphs
// past the last long metric share its advance, as the format says.
func (f *SFNT) Advance(gid uint16) (int, bool) {
	if f.numHMetrics == 0 || (f.NumGlyphs > 0 && int(gid) >= f.NumGlyphs) {
		return 0, false
	}
	i := min(int(gid), f.numHMetrics-1)
	a, ok := u16(f.hmtx, 4*i)
	return int(a), ok
}

// String describes the font for logs and test failures.
func (f *SFNT) String() string {
	return fmt.Sprintf("sfnt{upem %d, %d glyphs, %d cmaps, post %#x}", f.UnitsPerEm, f.NumGlyphs, len(f.cmaps), f.postVersion)
}
