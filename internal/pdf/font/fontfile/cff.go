package fontfile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/releasegate/releasegate/internal/pdf/font/glyph"
)

// Limits on CFF structures beyond the bounds the data imposes.
const (
	maxDictOperands = 48 // the CFF specification's operand stack limit
	maxRealLen      = 64 // nibbles of a real operand turned into text
)

// Top DICT operators this package reads; two-byte operators are 1200+b1.
const (
	opCharset     = 15
	opEncoding    = 16
	opCharStrings = 17
	opFontMatrix  = 1207
	opROS         = 1230
)

// CFF is a parsed bare CFF font (FontFile3 /Type1C or /CIDFontType0C),
// holding only what text extraction needs. Like SFNT it keeps slices of the
// caller's data, which must not change.
type CFF struct {
	// IsCID reports a CID-keyed font (the Top DICT has ROS); its charset
	// maps glyphs to CIDs, so it has no glyph names or encoding.
	IsCID bool
	// FontMatrix is the Top DICT's FontMatrix, 0.001 0 0 0.001 0 0 when
	// absent or unusable.
	FontMatrix [6]float64

	data      []byte
	strings   cffIndex
	nGlyphs   int
	sids      []uint16 // glyph id to SID for custom and ISOAdobe charsets
	charset   []string // glyph names of a predefined Expert charset
	encOffset int
}

// ParseCFF parses the header, Name, Top DICT and String INDEXes, the
// charset and the CharStrings count of the first font of a CFF program.
// Structural damage gives an error wrapping ErrMalformed; a CFF2 program
// gives ErrUnsupported. A charset that cannot be read leaves the font
// without glyph names rather than failing.
func ParseCFF(data []byte) (*CFF, error) {
	if err := checkSize(data); err != nil {
		return nil, err
	}
	major, ok1 := u8(data, 0)
	hdrSize, ok2 := u8(data, 2)
	if !ok1 || !ok2 {
		return nil, malformed("cff: header")
	}
	if major != 1 {
		return nil, fmt.Errorf("cff: major version %d: %w", major, ErrUnsupported)
	}
	names, err := readIndex(data, int(hdrSize))
	if err != nil {
		return nil, fmt.Errorf("cff: name index: %w", err)
	}
	if names.count == 0 {
		return nil, malformed("cff: no fonts")
	}
	tops, err := readIndex(data, names.end)
	if err != nil {
		return nil, fmt.Errorf("cff: top dict index: %w", err)
	}
	strs, err := readIndex(data, tops.end)
	if err != nil {
		return nil, fmt.Errorf("cff: string index: %w", err)
	}
	top, ok := tops.item(data, 0)
	if !ok {
		return nil, malformed("cff: no top dict")
	}
	dict, err := parseDict(top)
	if err != nil {
		return nil, fmt.Errorf("cff: top dict: %w", err)
	}
	c := &CFF{
		FontMatrix: [6]float64{0.001, 0, 0, 0.001, 0, 0},
		data:       data,
		strings:    strs,
	}
	_, c.IsCID = dict[opROS]
	if m := dict[opFontMatrix]; len(m) == 6 && (m[0] != 0 || m[1] != 0) && (m[2] != 0 || m[3] != 0) {
		copy(c.FontMatrix[:], m)
	}
	cs := dict[opCharStrings]
	if len(cs) != 1 || !offsetOK(cs[0], data) {
		return nil, malformed("cff: CharStrings offset")
	}
	chars, err := readIndex(data, int(cs[0]))
	if err != nil {
		return nil, fmt.Errorf("cff: CharStrings: %w", err)
	}
	c.nGlyphs = chars.count
	if e := dict[opEncoding]; len(e) == 1 && offsetOK(e[0], data) {
		c.encOffset = int(e[0])
	}
	charset := 0
	if v := dict[opCharset]; len(v) == 1 && offsetOK(v[0], data) {
		charset = int(v[0])
	}
	c.readCharset(charset)
	return c, nil
}

// offsetOK reports whether a DICT operand is an integer offset inside data.
func offsetOK(v float64, data []byte) bool {
	return v >= 0 && v < float64(len(data)) && v == float64(int(v))
}

// readCharset fills sids or charset; on damage both stay nil.
func (c *CFF) readCharset(off int) {
	switch off {
	case 0: // ISOAdobe: glyph id i is SID i
		return
	case 1:
		c.charset = cffExpertCharset[:]
		return
	case 2:
		c.charset = cffExpertSubsetCharset[:]
		return
	}
	if c.nGlyphs == 0 {
		return
	}
	format, ok := u8(c.data, off)
	if !ok {
		return
	}
	sids := make([]uint16, 1, c.nGlyphs)
	p := off + 1
	switch format {
	case 0:
		for len(sids) < c.nGlyphs {
			s, ok := u16(c.data, p)
			if !ok {
				return
			}
			sids = append(sids, s)
			p += 2
		}
	case 1, 2:
		for len(sids) < c.nGlyphs {
			first, ok1 := u16(c.data, p)
			var left int
			var ok2 bool
			if format == 1 {
				var l uint8
				l, ok2 = u8(c.data, p+2)
				left, p = int(l), p+3
			} else {
				var l uint16
				l, ok2 = u16(c.data, p+2)
				left, p = int(l), p+4
			}
			if !ok1 || !ok2 {
				return
			}
			for i := 0; i <= left && len(sids) < c.nGlyphs; i++ {
				sids = append(sids, first+uint16(i))
			}
		}
	default:
		return
	}
	c.sids = sids
}

// GlyphName returns the name of glyph gid from the charset. CID-keyed fonts
// have none; ok is false for them and for gid outside the font.
func (c *CFF) GlyphName(gid int) (string, bool) {
	if c.IsCID || gid < 0 || gid >= c.nGlyphs {
		return "", false
	}
	switch {
	case c.charset != nil:
		if gid < len(c.charset) {
			return c.charset[gid], true
		}
		return "", false
	case c.sids != nil:
		return c.sidName(int(c.sids[gid]))
	default: // ISOAdobe
		if gid < 229 {
			return cffStandardStrings[gid], true
		}
		return "", false
	}
}

// sidName resolves a string id: the standard strings, then the String
// INDEX.
func (c *CFF) sidName(sid int) (string, bool) {
	if sid < len(cffStandardStrings) {
		return cffStandardStrings[sid], true
	}
	b, ok := c.strings.item(c.data, sid-len(cffStandardStrings))
	if !ok || len(b) == 0 {
		return "", false
	}
	return string(b), true
}

// Encoding returns the font's built-in encoding, code to glyph name: the
// predefined Standard (id 0) or Expert (id 1) encoding, or a custom
// encoding of format 0 or 1 with its supplements, names coming from the
// charset and the String INDEX. ok is false for CID-keyed fonts and for an
// encoding that cannot be read.
func (c *CFF) Encoding() (*[256]string, bool) {
	if c.IsCID {
		return nil, false
	}
	switch c.encOffset {
	case 0:
		return glyph.Encoding(glyph.Standard)
	case 1:
		t := cffExpertEncoding
		return &t, true
	}
	var t [256]string
	p := c.encOffset
	format, ok1 := u8(c.data, p)
	n, ok2 := u8(c.data, p+1)
	if !ok1 || !ok2 {
		return nil, false
	}
	p += 2
	gid := 1
	switch format & 0x7F {
	case 0:
		for i := 0; i < int(n); i++ {
			code, ok := u8(c.data, p+i)
			if !ok {
				return nil, false
			}
			if name, ok := c.GlyphName(gid); ok {
				t[code] = name
			}
			gid++
		}
		p += int(n)
	case 1:
		for i := 0; i < int(n); i++ {
			first, ok1 := u8(c.data, p+2*i)
			left, ok2 := u8(c.data, p+2*i+1)
			if !ok1 || !ok2 {
				return nil, false
			}
			for code := int(first); code <= int(first)+int(left) && code < 256; code++ {
				if name, ok := c.GlyphName(gid); ok {
					t[code] = name
				}
				gid++
			}
		}
		p += 2 * int(n)
	default:
		return nil, false
	}
	if format&0x80 != 0 {
		ns, ok := u8(c.data, p)
		if !ok {
			return nil, false
		}
		for i := 0; i < int(ns); i++ {
			code, ok1 := u8(c.data, p+1+3*i)
			sid, ok2 := u16(c.data, p+2+3*i)
			if !ok1 || !ok2 {
				return nil, false
			}
			if name, ok := c.sidName(int(sid)); ok {
				t[code] = name
			}
		}
	}
	return &t, true
}

// cffIndex is a CFF INDEX whose offsets are read on demand.
type cffIndex struct {
	count   int
	offSize int
	offsets int // position of the offset array
	base    int // position before the first data byte (offsets are 1-based)
	end     int // position after the INDEX
}

// readIndex reads the INDEX header at off and checks that its last offset
// lies inside data.
func readIndex(data []byte, off int) (cffIndex, error) {
	n, ok := u16(data, off)
	if !ok {
		return cffIndex{}, malformed("index at %d", off)
	}
	if n == 0 {
		return cffIndex{end: off + 2}, nil
	}
	os, ok := u8(data, off+2)
	if !ok || os < 1 || os > 4 {
		return cffIndex{}, malformed("index at %d: offset size %d", off, os)
	}
	x := cffIndex{count: int(n), offSize: int(os), offsets: off + 3}
	x.base = x.offsets + (x.count+1)*x.offSize - 1
	last, ok := x.offset(data, x.count)
	if !ok || last < 1 || last > len(data)-x.base {
		return cffIndex{}, malformed("index at %d: data past the end", off)
	}
	x.end = x.base + last
	return x, nil
}

// offset reads the i'th entry of the offset array.
func (x cffIndex) offset(data []byte, i int) (int, bool) {
	b, ok := span(data, x.offsets+i*x.offSize, x.offSize)
	if !ok {
		return 0, false
	}
	v := 0
	for _, c := range b {
		v = v<<8 | int(c)
	}
	return v, true
}

// item returns the i'th object of the INDEX.
func (x cffIndex) item(data []byte, i int) ([]byte, bool) {
	if i < 0 || i >= x.count {
		return nil, false
	}
	a, ok1 := x.offset(data, i)
	b, ok2 := x.offset(data, i+1)
	if !ok1 || !ok2 || a < 1 || b < a || x.base+b > x.end {
		return nil, false
	}
	return data[x.base+a : x.base+b], true
}

// parseDict reads a DICT into operator -> operands.
func parseDict(d []byte) (map[int][]float64, error) {
	out := map[int][]float64{}
	var ops []float64
	for i := 0; i < len(d); {
		b := d[i]
		switch {
		case b <= 21:
			op := int(b)
			i++
			if b == 12 {
				if i >= len(d) {
					return nil, malformed("dict: escape at end")
				}
				op = 1200 + int(d[i])
				i++
			}
			if _, dup := out[op]; !dup {
				out[op] = ops
			}
			ops = nil
			continue
		case b == 28 || b == 29 || b == 30 || (b >= 32 && b <= 254):
		default:
			return nil, malformed("dict: byte %d", b)
		}
		if len(ops) >= maxDictOperands {
			return nil, malformed("dict: over %d operands", maxDictOperands)
		}
		v, n, err := dictOperand(d[i:])
		if err != nil {
			return nil, err
		}
		ops = append(ops, v)
		i += n
	}
	return out, nil
}

// dictOperand reads one number at the start of d, returning its size.
func dictOperand(d []byte) (float64, int, error) {
	b := d[0]
	switch {
	case b >= 32 && b <= 246:
		return float64(int(b) - 139), 1, nil
	case b >= 247 && b <= 250:
		if len(d) < 2 {
			return 0, 0, malformed("dict: short operand")
		}
		return float64((int(b)-247)*256 + int(d[1]) + 108), 2, nil
	case b >= 251 && b <= 254:
		if len(d) < 2 {
			return 0, 0, malformed("dict: short operand")
		}
		return float64(-(int(b)-251)*256 - int(d[1]) - 108), 2, nil
	case b == 28:
		v, ok := i16(d, 1)
		if !ok {
			return 0, 0, malformed("dict: short operand")
		}
		return float64(v), 3, nil
	case b == 29:
		v, ok := u32(d, 1)
		if !ok {
			return 0, 0, malformed("dict: short operand")
		}
		return float64(int32(v)), 5, nil
	}
	return dictReal(d)
}

// dictReal reads a real operand (b0 = 30) of packed decimal nibbles.
func dictReal(d []byte) (float64, int, error) {
	var s strings.Builder
	for i := 1; i < len(d); i++ {
		for _, nib := range [2]byte{d[i] >> 4, d[i] & 0xF} {
			switch {
			case nib <= 9:
				s.WriteByte('0' + nib)
			case nib == 0xA:
				s.WriteByte('.')
			case nib == 0xB:
				s.WriteByte('E')
			case nib == 0xC:
				s.WriteString("E-")
			case nib == 0xE:
				s.WriteByte('-')
			case nib == 0xF:
				v, err := strconv.ParseFloat(s.String(), 64)
				if err != nil {
					return 0, 0, malformed("dict: real %q", s.String())
				}
				return v, i + 1, nil
			default:
				return 0, 0, malformed("dict: real nibble %#x", nib)
			}
			if s.Len() > maxRealLen {
				return 0, 0, malformed("dict: real too long")
			}
		}
	}
	return 0, 0, malformed("dict: unterminated real")
}
