package font

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/cmap"
	"github.com/releasegate/releasegate/internal/pdf/font/fontfile"
	"github.com/releasegate/releasegate/internal/pdf/font/glyph"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
)

// Limits bound what one font may cost.
const (
	maxProgramBytes = 32 << 20 // an embedded font program or CMap, decoded
	maxWidthEntries = 1 << 20  // entries of /W, /W2 or /Widths
)

// Loader loads the fonts of one document, each font object once. It is not
// safe for concurrent use (the document's stream decoder is not).
type Loader struct {
	doc   *ingest.Document
	cache map[int]*Font
}

// NewLoader returns a Loader for doc.
func NewLoader(doc *ingest.Document) *Loader {
	return &Loader{doc: doc, cache: map[int]*Font{}}
}

// Load loads the font dictionary o refers to. name is the resource name,
// used for fonts without /BaseFont. A font that cannot be read fails with
// an error wrapping ErrFont (or ingest's limit errors).
func (l *Loader) Load(o types.Object, name string) (*Font, error) {
	objNr := -1
	if ir, ok := o.(types.IndirectRef); ok {
		objNr = ir.ObjectNumber.Value()
		if f, ok := l.cache[objNr]; ok {
			return f, nil
		}
	}
	d, err := l.dict(o)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, fontErr("font %s is missing", name)
	}
	var f *Font
	switch st := nameOf(d["Subtype"]); st {
	case "Type0":
		f, err = l.loadType0(d)
	case "Type3":
		f, err = l.loadType3(d, name)
	default:
		f, err = l.loadSimple(d, st)
	}
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	if objNr >= 0 {
		l.cache[objNr] = f
	}
	return f, nil
}

func (l *Loader) deref(o types.Object) types.Object {
	v, err := l.doc.Ctx.Dereference(o)
	if err != nil {
		return nil
	}
	return v
}

func (l *Loader) dict(o types.Object) (types.Dict, error) {
	switch v := l.deref(o).(type) {
	case types.Dict:
		return v, nil
	case types.StreamDict:
		return v.Dict, nil
	case nil:
		return nil, nil
	default:
		return nil, fontErr("expected a dictionary, found %T", v)
	}
}

func (l *Loader) array(o types.Object) types.Array {
	a, _ := l.deref(o).(types.Array)
	return a
}

func (l *Loader) num(o types.Object) (float64, bool) {
	switch v := l.deref(o).(type) {
	case types.Integer:
		return float64(v), true
	case types.Float:
		return float64(v), true
	}
	return 0, false
}

func nameOf(o types.Object) string {
	if n, ok := o.(types.Name); ok {
		return string(n)
	}
	return ""
}

// stream decodes a font program or CMap stream; nil when absent.
func (l *Loader) stream(o types.Object) ([]byte, types.Dict, error) {
	if o == nil {
		return nil, nil, nil
	}
	b, sd, err := l.doc.Stream(o, maxProgramBytes)
	if err != nil {
		return nil, nil, err
	}
	if sd == nil {
		return nil, nil, nil
	}
	return b, sd.Dict, nil
}

// program is what the embedded font program tells.
type program struct {
	sfnt    *fontfile.SFNT
	cff     *fontfile.CFF
	builtin *[256]string // Type 1 or CFF built-in encoding
}

func (l *Loader) loadProgram(fd types.Dict) (program, error) {
	var p program
	if fd == nil {
		return p, nil
	}
	if o, ok := fd["FontFile2"]; ok {
		b, _, err := l.stream(o)
		if err != nil {
			return p, err
		}
		if b != nil {
			p.sfnt, _ = fontfile.ParseSFNT(b) // a broken program still has a usable dictionary
		}
		return p, nil
	}
	if o, ok := fd["FontFile3"]; ok {
		b, sd, err := l.stream(o)
		if err != nil || b == nil {
			return p, err
		}
		switch nameOf(sd["Subtype"]) {
		case "OpenType":
			p.sfnt, _ = fontfile.ParseSFNT(b)
		default: // Type1C, CIDFontType0C
			if c, err := fontfile.ParseCFF(b); err == nil {
				p.cff = c
				if enc, ok := c.Encoding(); ok {
					p.builtin = enc
				}
			}
		}
		return p, nil
	}
	if o, ok := fd["FontFile"]; ok {
		b, sd, err := l.stream(o)
		if err != nil || b == nil {
			return p, err
		}
		clear := b
		if n, ok := l.num(sd["Length1"]); ok && n > 0 && int(n) < len(b) {
			clear = b[:int(n)]
		}
		enc, std, err := fontfile.Type1Encoding(clear)
		if err == nil {
			if std {
				enc, _ = glyph.Encoding("StandardEncoding")
			}
			p.builtin = enc
		}
	}
	return p, nil
}

// substituteMetrics holds the vertical extent (FontBBox lower and upper y,
// in units of 1/1000 em) of the URW base35 fonts that Ghostscript, poppler
// and MuPDF draw the standard 14 with when a PDF does not embed them, from
// the FontBBox lines of Debian's fonts-urw-base35 AFM files
// (/usr/share/fonts/type1/urw-base35/*.afm; TestSubstituteMetrics checks
// the table against them when they are installed).
var substituteMetrics = map[string][2]float64{
	"Helvetica":             {-299, 1075}, // NimbusSans-Regular
	"Helvetica-Bold":        {-307, 1070}, // NimbusSans-Bold
	"Helvetica-Oblique":     {-284, 1070}, // NimbusSans-Italic
	"Helvetica-BoldOblique": {-309, 1073}, // NimbusSans-BoldItalic
	"Times-Roman":           {-281, 1053}, // NimbusRoman-Regular
	"Times-Bold":            {-341, 1044}, // NimbusRoman-Bold
	"Times-Italic":          {-270, 951},  // NimbusRoman-Italic
	"Times-BoldItalic":      {-324, 972},  // NimbusRoman-BoldItalic
	"Courier":               {-317, 933},  // NimbusMonoPS-Regular
	"Courier-Bold":          {-393, 1007}, // NimbusMonoPS-Bold
	"Courier-Oblique":       {-317, 933},  // NimbusMonoPS-Italic
	"Courier-BoldOblique":   {-393, 997},  // NimbusMonoPS-BoldItalic
	"Symbol":                {-293, 1010}, // StandardSymbolsPS
	"ZapfDingbats":          {-144, 819},  // D050000L
}

// verticalMetrics sets f.Ascent and f.Descent the way the font's glyphs are
// drawn: from the embedded program's metrics (TrueType hhea, or the font
// bounding box of Type 1 and CFF programs, as FreeType reports them), else
// for a standard 14 font the box of the font readers substitute, else the
// descriptor's /Ascent and /Descent, else 0.8 and -0.2 of an em.
func (l *Loader) verticalMetrics(f *Font, fd types.Dict, p program, std string) {
	f.Ascent, f.Descent = 0.8, -0.2
	switch {
	case p.sfnt != nil && p.sfnt.UnitsPerEm > 0 && (p.sfnt.Ascender != 0 || p.sfnt.Descender != 0):
		u := float64(p.sfnt.UnitsPerEm)
		f.Ascent, f.Descent = float64(p.sfnt.Ascender)/u, float64(p.sfnt.Descender)/u
		return
	case p.cff != nil || p.builtin != nil:
		if bb := l.array(fd["FontBBox"]); len(bb) == 4 {
			y0, ok0 := l.num(bb[1])
			y1, ok1 := l.num(bb[3])
			if ok0 && ok1 && y1 > y0 {
				f.Ascent, f.Descent = y1/1000, y0/1000
				return
			}
		}
	case std != "":
		// Not embedded: readers draw it with the metric-compatible URW
		// fonts, whose boxes are taller than Adobe's AFM ones.
		if m, ok := substituteMetrics[std]; ok {
			f.Ascent, f.Descent = m[1]/1000, m[0]/1000
			return
		}
	}
	if fd == nil {
		return
	}
	a, okA := l.num(fd["Ascent"])
	d, okD := l.num(fd["Descent"])
	if okA && okD && a > d && a != 0 {
		f.Ascent, f.Descent = a/1000, d/1000
		if f.Descent > 0 {
			f.Descent = -f.Descent
		}
	}
}

func (l *Loader) loadSimple(d types.Dict, subtype string) (*Font, error) {
	base := nameOf(l.deref(d["BaseFont"]))
	f := &Font{Name: stripSubset(base), Subtype: subtype, kind: kindSimple, Matrix: [6]float64{0.001, 0, 0, 0.001, 0, 0}}
	fd, err := l.dict(d["FontDescriptor"])
	if err != nil {
		return nil, err
	}
	p, err := l.loadProgram(fd)
	if err != nil {
		return nil, err
	}
	std := standardName(base)
	flags, _ := l.num(fd["Flags"])
	symbolic := int(flags)&4 != 0 && int(flags)&32 == 0
	if std == "Symbol" || std == "ZapfDingbats" {
		symbolic = true
	}

	names, fromCmap := l.simpleEncoding(d, subtype, std, symbolic, p)
	for c := 0; c < 256; c++ {
		if t, ok := nameText(names[c], std == "ZapfDingbats"); ok {
			f.text[c] = t
		}
		if f.text[c] == "" && fromCmap != nil {
			f.text[c] = fromCmap[c]
		}
	}
	l.simpleWidths(f, d, fd, names, std, p)
	l.verticalMetrics(f, fd, p, std)
	if err := l.loadToUnicode(f, d); err != nil {
		return nil, err
	}
	return f, nil
}

// simpleEncoding returns the glyph name of every code, and for symbolic
// TrueType fonts without names the text found through the font's cmap.
func (l *Loader) simpleEncoding(d types.Dict, subtype, std string, symbolic bool, p program) (names [256]string, cmapText *[256]string) {
	var base *[256]string
	encObj := l.deref(d["Encoding"])
	var diffs types.Array
	switch e := encObj.(type) {
	case types.Name:
		base, _ = glyph.Encoding(string(e))
	case types.Dict:
		if b := nameOf(l.deref(e["BaseEncoding"])); b != "" {
			base, _ = glyph.Encoding(b)
		}
		diffs = l.array(e["Differences"])
	}
	if base == nil {
		switch {
		case std == "Symbol":
			base, _ = glyph.Encoding("SymbolEncoding")
		case std == "ZapfDingbats":
			base, _ = glyph.Encoding("ZapfDingbatsEncoding")
		case p.builtin != nil:
			base = p.builtin
		case subtype == "TrueType" && symbolic && p.sfnt != nil:
			cmapText = symbolicTrueTypeText(p.sfnt)
		case subtype == "TrueType" && p.sfnt != nil && encObj == nil:
			// A non-symbolic TrueType font without /Encoding: Standard,
			// unless the font's (3,1) cmap says more.
			base, _ = glyph.Encoding("StandardEncoding")
		default:
			base, _ = glyph.Encoding("StandardEncoding")
		}
	}
	if base != nil {
		names = *base
	}
	code := -1
	for i, o := range diffs {
		if i >= maxWidthEntries {
			break
		}
		switch v := l.deref(o).(type) {
		case types.Integer:
			code = int(v)
		case types.Float:
			code = int(v)
		case types.Name:
			if code >= 0 && code < 256 {
				names[code] = string(v)
			}
			if code >= 0 {
				code++
			}
		}
	}
	return names, cmapText
}

// nameText maps a glyph name to text by the Adobe Glyph List rules. The
// Zapf Dingbats names ("a1" to "a191") count only in the ZapfDingbats font,
// as the AGL specification says: elsewhere they are producer names.
func nameText(name string, zapf bool) (string, bool) {
	if name == "" {
		return "", false
	}
	if !zapf && len(name) > 1 && name[0] == 'a' && strings.Trim(name[1:], "0123456789") == "" {
		return "", false
	}
	return glyph.ToUnicode(name)
}

// symbolicTrueTypeText reads the text of codes 0-255 of a symbolic TrueType
// font through its (3,0) cmap (codes at 0xF000+code, or the code itself) or
// its (1,0) cmap, and the glyph's post-table name.
func symbolicTrueTypeText(s *fontfile.SFNT) *[256]string {
	var out [256]string
	for c := uint32(0); c < 256; c++ {
		var gid uint16
		var ok bool
		for _, code := range []uint32{0xF000 + c, c} {
			if gid, ok = s.Lookup(3, 0, code); ok && gid != 0 {
				break
			}
		}
		if !ok || gid == 0 {
			gid, ok = s.Lookup(1, 0, c)
		}
		if !ok || gid == 0 {
			if gid, ok = s.Lookup(3, 1, c); ok && gid != 0 {
				out[c] = string(rune(c))
				continue
			}
		}
		if ok && gid != 0 {
			if n, ok := s.GlyphName(gid); ok {
				if t, ok := nameText(n, false); ok {
					out[c] = t
				}
			}
		}
	}
	return &out
}

// simpleWidths sets the width of every code: /Widths from /FirstChar, else
// the standard 14 AFM widths by glyph name, else the embedded TrueType
// font's advances; /MissingWidth where none of these says.
func (l *Loader) simpleWidths(f *Font, d, fd types.Dict, names [256]string, std string, p program) {
	missing, _ := l.num(fd["MissingWidth"])
	if ws := l.array(d["Widths"]); ws != nil {
		first, _ := l.num(d["FirstChar"])
		for c := 0; c < 256; c++ {
			f.width[c] = missing
		}
		for i, o := range ws {
			c := int(first) + i
			if c < 0 || c > 255 {
				continue
			}
			if w, ok := l.num(o); ok {
				f.width[c] = w
			}
		}
		return
	}
	if ws, ok := std14Widths[std]; ok {
		for c := 0; c < 256; c++ {
			f.width[c] = missing
			if w, ok := ws[names[c]]; ok && names[c] != "" {
				f.width[c] = float64(w)
			}
		}
		return
	}
	if p.sfnt != nil && p.sfnt.UnitsPerEm > 0 {
		for c := 0; c < 256; c++ {
			gid, ok := p.sfnt.Lookup(3, 1, uint32(c))
			if !ok {
				gid, ok = p.sfnt.Lookup(1, 0, uint32(c))
			}
			if w, ok2 := p.sfnt.Advance(gid); ok && ok2 {
				f.width[c] = float64(w) * 1000 / float64(p.sfnt.UnitsPerEm)
			} else {
				f.width[c] = missing
			}
		}
		return
	}
	for c := 0; c < 256; c++ {
		f.width[c] = missing
	}
}

func (l *Loader) loadToUnicode(f *Font, d types.Dict) error {
	o, ok := d["ToUnicode"]
	if !ok {
		return nil
	}
	b, _, err := l.stream(o)
	if err != nil {
		var se *ingest.SizeLimitError
		if errors.As(err, &se) {
			return err
		}
		return nil // an unreadable ToUnicode: fall back to the encoding
	}
	if b == nil {
		return nil
	}
	cm, err := cmap.Parse(b, cmap.Options{Resolve: predefined})
	if err != nil {
		return nil // as above; the font's own encoding still gives text
	}
	f.toUni = cm
	return nil
}

func predefined(name string) (*cmap.CMap, error) {
	if c, ok := cmap.Predefined(name); ok {
		return c, nil
	}
	return nil, fontErr("predefined CMap %s is not supported", name)
}

func (l *Loader) loadType3(d types.Dict, name string) (*Font, error) {
	f := &Font{Name: name, Subtype: "Type3", kind: kindType3, Matrix: [6]float64{0.001, 0, 0, 0.001, 0, 0}}
	if n := nameOf(l.deref(d["Name"])); n != "" {
		f.Name = n
	}
	if m := l.array(d["FontMatrix"]); len(m) == 6 {
		for i, o := range m {
			v, ok := l.num(o)
			if !ok {
				return nil, fontErr("Type3 /FontMatrix has a non-number")
			}
			f.Matrix[i] = v
		}
	}
	names, _ := l.simpleEncoding(d, "Type3", "", false, program{builtin: &[256]string{}})
	for c := 0; c < 256; c++ {
		if t, ok := nameText(names[c], false); ok {
			f.text[c] = t
		} else if names[c] != "" && c >= 0x20 {
			// Type3 glyph names are the producer's own ("sqA", "a36"):
			// like poppler and MuPDF, take the code for the character,
			// which producers of such fonts keep ASCII.
			f.text[c] = string(rune(c))
		}
	}
	first, _ := l.num(d["FirstChar"])
	for i, o := range l.array(d["Widths"]) {
		c := int(first) + i
		if c < 0 || c > 255 {
			continue
		}
		if w, ok := l.num(o); ok {
			f.width[c] = w
		}
	}
	// The glyph box: /FontBBox through the font matrix, when it has
	// height; else an em-relative default.
	f.Ascent, f.Descent = 0.8, -0.2
	if bb := l.array(d["FontBBox"]); len(bb) == 4 {
		var v [4]float64
		ok := true
		for i := range v {
			var good bool
			v[i], good = l.num(bb[i])
			ok = ok && good
		}
		// The box's corners through the font matrix (which may flip y).
		m := f.Matrix
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range []float64{v[0], v[2]} {
			for _, y := range []float64{v[1], v[3]} {
				ty := m[1]*x + m[3]*y + m[5]
				lo, hi = min(lo, ty), max(hi, ty)
			}
		}
		if ok && hi > lo {
			f.Ascent, f.Descent = hi, lo
		}
	}
	if err := l.loadToUnicode(f, d); err != nil {
		return nil, err
	}
	return f, nil
}

func (l *Loader) loadType0(d types.Dict) (*Font, error) {
	base := nameOf(l.deref(d["BaseFont"]))
	f := &Font{Name: stripSubset(base), Subtype: "Type0", kind: kindType0, Matrix: [6]float64{0.001, 0, 0, 0.001, 0, 0}}
	switch e := l.deref(d["Encoding"]).(type) {
	case types.Name:
		cm, ok := cmap.Predefined(string(e))
		if !ok {
			// A predefined CMap this engine does not carry (the Adobe
			// CJK ones): decode two-byte codes, without text unless the
			// font has a ToUnicode CMap.
			name := "Identity-H"
			if len(e) > 2 && e[len(e)-2:] == "-V" {
				name = "Identity-V"
			}
			cm, _ = cmap.Predefined(name)
		}
		f.enc = cm
	case types.StreamDict:
		b, _, err := l.stream(d["Encoding"])
		if err != nil {
			return nil, err
		}
		cm, err := cmap.Parse(b, cmap.Options{Resolve: predefined})
		if err != nil {
			return nil, fontErr("encoding CMap: %v", err)
		}
		f.enc = cm
	default:
		return nil, fontErr("Type0 font without an /Encoding CMap")
	}
	f.vertical = f.enc.WMode() == 1

	desc := l.array(d["DescendantFonts"])
	if len(desc) == 0 {
		return nil, fontErr("Type0 font without /DescendantFonts")
	}
	cd, err := l.dict(desc[0])
	if err != nil || cd == nil {
		return nil, fontErr("Type0 descendant font is missing")
	}
	f.Subtype = nameOf(cd["Subtype"])
	fd, err := l.dict(cd["FontDescriptor"])
	if err != nil {
		return nil, err
	}
	p, err := l.loadProgram(fd)
	if err != nil {
		return nil, err
	}
	f.dw = 1000
	if v, ok := l.num(cd["DW"]); ok {
		f.dw = v
	}
	f.w = l.cidWidths(l.array(cd["W"]))
	f.dw2 = [2]float64{880, -1000}
	if a := l.array(cd["DW2"]); len(a) == 2 {
		vy, ok1 := l.num(a[0])
		w1, ok2 := l.num(a[1])
		if ok1 && ok2 {
			f.dw2 = [2]float64{vy, w1}
		}
	}
	f.w2 = l.cidVMetrics(l.array(cd["W2"]))
	l.verticalMetrics(f, fd, p, "")
	if err := l.loadToUnicode(f, d); err != nil {
		return nil, err
	}
	if p.sfnt != nil {
		f.cidUni = l.cidToUnicode(cd, p.sfnt)
	}
	return f, nil
}

// cidWidths reads a /W array: c [w1 w2 …] and cfirst clast w.
func (l *Loader) cidWidths(a types.Array) []cidWidth {
	var out []cidWidth
	for i := 0; i < len(a) && len(out) < maxWidthEntries; {
		c, ok := l.num(a[i])
		if !ok || i+1 >= len(a) {
			break
		}
		if ws, isArr := l.deref(a[i+1]).(types.Array); isArr {
			for k, o := range ws {
				if w, ok := l.num(o); ok {
					cid := uint32(c) + uint32(k)
					out = append(out, cidWidth{cid, cid, w})
				}
			}
			i += 2
			continue
		}
		if i+2 >= len(a) {
			break
		}
		last, ok1 := l.num(a[i+1])
		w, ok2 := l.num(a[i+2])
		if ok1 && ok2 && last >= c {
			out = append(out, cidWidth{uint32(c), uint32(last), w})
		}
		i += 3
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].first < out[j].first })
	return dedupeWidths(out)
}

// dedupeWidths keeps, where ranges overlap, the one that came first in
// sorted order, so binary search finds a single answer.
func dedupeWidths(in []cidWidth) []cidWidth {
	out := in[:0]
	for _, r := range in {
		if n := len(out); n > 0 && r.first <= out[n-1].last {
			if r.last <= out[n-1].last {
				continue
			}
			r.first = out[n-1].last + 1
		}
		out = append(out, r)
	}
	return out
}

// cidVMetrics reads a /W2 array: c [w1y vx vy …] and cfirst clast w1y vx vy.
func (l *Loader) cidVMetrics(a types.Array) []cidVMetric {
	var out []cidVMetric
	for i := 0; i < len(a) && len(out) < maxWidthEntries; {
		c, ok := l.num(a[i])
		if !ok || i+1 >= len(a) {
			break
		}
		if vs, isArr := l.deref(a[i+1]).(types.Array); isArr {
			for k := 0; k+2 < len(vs); k += 3 {
				w1, ok1 := l.num(vs[k])
				vx, ok2 := l.num(vs[k+1])
				vy, ok3 := l.num(vs[k+2])
				if ok1 && ok2 && ok3 {
					cid := uint32(c) + uint32(k/3)
					out = append(out, cidVMetric{cid, cid, w1, vx, vy})
				}
			}
			i += 2
			continue
		}
		if i+4 >= len(a) {
			break
		}
		last, ok0 := l.num(a[i+1])
		w1, ok1 := l.num(a[i+2])
		vx, ok2 := l.num(a[i+3])
		vy, ok3 := l.num(a[i+4])
		if ok0 && ok1 && ok2 && ok3 && last >= c {
			out = append(out, cidVMetric{uint32(c), uint32(last), w1, vx, vy})
		}
		i += 5
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].first < out[j].first })
	return out
}

// cidToUnicode returns the text of a CID of a CIDFontType2 font without a
// ToUnicode CMap: CID to glyph through /CIDToGIDMap, glyph to Unicode by
// inverting the font's Unicode cmap (built on first use), else the glyph's
// post-table name.
func (l *Loader) cidToUnicode(cd types.Dict, s *fontfile.SFNT) func(uint32) (string, bool) {
	var gidMap []byte // nil: identity
	if o, ok := cd["CIDToGIDMap"]; ok {
		if _, isName := l.deref(o).(types.Name); !isName {
			if b, _, err := l.stream(o); err == nil {
				gidMap = b
			}
		}
	}
	var once sync.Once
	var inv map[uint16]rune
	build := func() {
		inv = map[uint16]rune{}
		for _, pe := range [][2]uint16{{3, 10}, {3, 1}, {0, 3}, {0, 4}} {
			if !s.HasCmap(pe[0], pe[1]) {
				continue
			}
			ranges := [][2]rune{{1, 0xFFFF}}
			if pe[1] == 10 || pe[1] == 4 {
				ranges = append(ranges, [2]rune{0x10000, 0x1FFFF}) // plane 1 only
			}
			for _, rg := range ranges {
				for r := rg[0]; r <= rg[1]; r++ {
					if gid, ok := s.Lookup(pe[0], pe[1], uint32(r)); ok && gid != 0 {
						if _, seen := inv[gid]; !seen {
							inv[gid] = r
						}
					}
				}
			}
			break
		}
	}
	return func(cid uint32) (string, bool) {
		gid := cid
		if gidMap != nil {
			if int(2*cid+1) >= len(gidMap) {
				return "", false
			}
			gid = uint32(gidMap[2*cid])<<8 | uint32(gidMap[2*cid+1])
		}
		if gid == 0 || gid > 0xFFFF {
			return "", false
		}
		once.Do(build)
		if r, ok := inv[uint16(gid)]; ok {
			return string(r), true
		}
		if n, ok := s.GlyphName(uint16(gid)); ok {
			return glyph.ToUnicode(n)
		}
		return "", false
	}
}
