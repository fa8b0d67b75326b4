// Package font turns the bytes of a shown string into characters: their
// codes, Unicode text, advances and vertical metrics, for every kind of PDF
// font (ISO 32000-1 §9.6–9.10):
//
//   - simple fonts (Type1, MMType1, TrueType): /Widths with /FirstChar and
//     /MissingWidth, or when /Widths is absent the standard 14 widths
//     (Adobe's AFM files as pdfcpu ships them); base encodings,
//     /Differences, the font program's built-in encoding (Type 1, CFF), and glyph names to Unicode by the
//     Adobe Glyph List rules; symbolic TrueType without /Encoding through
//     the embedded font's cmap;
//   - Type0 fonts: CIDFontType0 and CIDFontType2 with /W, /W2, /DW, /DW2,
//     predefined (Identity-H/V) and embedded CMaps (with usecmap), and
//     multi-byte codespace ranges; without a ToUnicode CMap, Unicode comes
//     from the embedded TrueType font's cmap through /CIDToGIDMap;
//   - Type3 fonts: /FontMatrix, /Widths, /Encoding, /FontBBox.
//
// A ToUnicode CMap, when present, decides the text first. A code that maps
// to nothing gives U+FFFD, so that a character is never silently dropped.
//
// Fonts are loaded from pdfcpu's object model; callers outside internal/pdf
// never see those types.
package font

//go:generate go run ./internal/genstd14

import (
	"errors"
	"fmt"
	"strings"

	"github.com/releasegate/releasegate/internal/pdf/cmap"
)

// ErrFont is wrapped by every error about a font that cannot be used.
var ErrFont = errors.New("unusable font")

// Replacement is the text of a character whose Unicode value is unknown.
const Replacement = "\uFFFD"

type kind uint8

const (
	kindSimple kind = iota
	kindType0
	kindType3
)

// Font is a loaded font resource. It is immutable after Load and safe for
// concurrent use.
type Font struct {
	// Name is /BaseFont without a subset tag ("ABCDEF+"), or the resource
	// name for Type3 fonts without one.
	Name string
	// Subtype is the font dictionary's /Subtype (Type0's is "Type0").
	Subtype string
	// Matrix maps glyph space to text space: [0.001 0 0 0.001 0 0] for
	// everything but Type3 fonts.
	Matrix [6]float64
	// Ascent and Descent bound glyphs vertically, in text space units per
	// unit of font size (so 0.9 and -0.2 for a typical font).
	Ascent, Descent float64

	kind     kind
	vertical bool

	// simple and Type3 fonts
	text  [256]string
	width [256]float64 // in glyph space units (1000 per em for non-Type3)

	// Type0 fonts
	enc    *cmap.CMap
	dw     float64
	w      []cidWidth
	dw2    [2]float64 // position vector y and vertical advance for vertical writing
	w2     []cidVMetric
	cidUni func(cid uint32) (string, bool) // from the embedded font when no ToUnicode

	toUni *cmap.CMap
}

// cidWidth gives CIDs first..last the width w.
type cidWidth struct {
	first, last uint32
	w           float64
}

// cidVMetric gives CIDs first..last the vertical metrics w1y, vx, vy.
type cidVMetric struct {
	first, last uint32
	w1y, vx, vy float64
}

// Char is one character decoded from a shown string.
type Char struct {
	Code uint32
	CID  uint32 // the CID for Type0 fonts, else the code
	Len  int    // bytes of the string it used
	Text string // its Unicode text, Replacement when unknown
	// W0 is the horizontal advance in text space units per unit of font
	// size (so 0.5 for a glyph half an em wide); W1 the vertical advance
	// (negative: downwards) for vertical writing.
	W0, W1 float64
	// VX and VY are the position vector of vertical writing (§9.7.4.3), in
	// text space units per unit of font size: the glyph is drawn with its
	// vertical origin at the current point.
	VX, VY float64
	// Space reports a single-byte code 32, to which word spacing applies.
	Space bool
}

// Extent returns how far a glyph box reaches above and below the baseline
// in horizontal writing, in text space units per unit of font size. A
// font whose ascent and descent span less than one em (a Type3 font with
// a tight /FontBBox, a font that reports no ascender) gets boxes one em
// tall in the same proportions, or 0.9 and -0.1 when the ascent is zero:
// the rule MuPDF's text extraction applies, and the safer one when the box
// decides what a redaction removes.
func (f *Font) Extent() (ascent, descent float64) {
	a, d := f.Ascent, f.Descent
	h := a - d + 1e-5
	if h >= 1 {
		return a, d
	}
	if a < 1e-3 {
		return 0.9, -0.1
	}
	return a / h, d / h
}

// Vertical reports vertical writing mode.
func (f *Font) Vertical() bool { return f.vertical }

// Type3 reports a Type3 font.
func (f *Font) Type3() bool { return f.kind == kindType3 }

// Next decodes the first character of s. len(s) must be > 0; the Char's
// Len is at least 1.
func (f *Font) Next(s []byte) Char {
	if f.kind != kindType0 {
		c := s[0]
		ch := Char{Code: uint32(c), CID: uint32(c), Len: 1, Space: c == ' '}
		// For Type3 fonts the width is a vector in glyph space; its x
		// part, through the font matrix, moves the text position.
		ch.W0 = f.width[c] * f.Matrix[0]
		ch.Text = f.simpleText(uint32(c))
		return ch
	}
	code, n, _ := f.enc.Next(s)
	if n <= 0 {
		n = 1
	}
	cid, _ := f.enc.CID(code, n)
	ch := Char{Code: code, CID: cid, Len: n, Space: n == 1 && code == 32}
	ch.W0 = f.cidWidth(cid) / 1000
	if f.vertical {
		w1y, vx, vy := f.cidVMetric(cid, ch.W0*1000)
		ch.W1, ch.VX, ch.VY = w1y/1000, vx/1000, vy/1000
	}
	ch.Text = f.cidText(code, n, cid)
	return ch
}

func (f *Font) simpleText(code uint32) string {
	if f.toUni != nil {
		if s, ok := f.toUni.Unicode(code, 1); ok && s != "" {
			return s
		}
	}
	if t := f.text[code]; t != "" {
		return t
	}
	return Replacement
}

func (f *Font) cidText(code uint32, n int, cid uint32) string {
	if f.toUni != nil {
		if s, ok := f.toUni.Unicode(code, n); ok && s != "" {
			return s
		}
	}
	if f.cidUni != nil {
		if s, ok := f.cidUni(cid); ok {
			return s
		}
	}
	return Replacement
}

func (f *Font) cidWidth(cid uint32) float64 {
	if r, ok := findCID(f.w, cid); ok {
		return r.w
	}
	return f.dw
}

// cidVMetric returns w1y, vx, vy for cid; w0 is its horizontal width in
// glyph space, whose half is the default vx.
func (f *Font) cidVMetric(cid uint32, w0 float64) (w1y, vx, vy float64) {
	if r, ok := findCID(f.w2, cid); ok {
		return r.w1y, r.vx, r.vy
	}
	return f.dw2[1], w0 / 2, f.dw2[0]
}

// cidRange is an entry of /W or /W2: CIDs first..last.
type cidRange interface {
	cidWidth | cidVMetric
	span() (first, last uint32)
}

func (r cidWidth) span() (uint32, uint32)   { return r.first, r.last }
func (r cidVMetric) span() (uint32, uint32) { return r.first, r.last }

// findCID finds the entry holding cid in rs, sorted and not overlapping.
func findCID[T cidRange](rs []T, cid uint32) (T, bool) {
	lo, hi := 0, len(rs)
	for lo < hi {
		m := (lo + hi) / 2
		first, last := rs[m].span()
		switch {
		case cid < first:
			hi = m
		case cid > last:
			lo = m + 1
		default:
			return rs[m], true
		}
	}
	var zero T
	return zero, false
}

// stripSubset removes a subset tag: six upper-case letters and "+".
func stripSubset(name string) string {
	if len(name) > 7 && name[6] == '+' {
		for i := 0; i < 6; i++ {
			if name[i] < 'A' || name[i] > 'Z' {
				return name
			}
		}
		return name[7:]
	}
	return name
}

// standardName maps the names producers use for the standard 14 fonts
// (ISO 32000-1 §9.6.2.2 and the aliases Acrobat accepts) to the canonical
// name, or "".
func standardName(base string) string {
	n := strings.ReplaceAll(stripSubset(base), " ", "")
	if s, ok := std14Alias[n]; ok {
		return s
	}
	// "Arial,Bold", "Arial-BoldMT", "TimesNewRomanPS-ItalicMT"…
	family, style := n, ""
	if i := strings.IndexAny(n, ",-"); i >= 0 {
		family, style = n[:i], n[i+1:]
	}
	family = strings.TrimSuffix(strings.TrimSuffix(family, "MT"), "PS")
	style = strings.TrimSuffix(style, "MT")
	bold := strings.Contains(style, "Bold")
	italic := strings.Contains(style, "Italic") || strings.Contains(style, "Oblique")
	var f string
	switch family {
	case "Helvetica", "Arial", "ArialNarrow", "LiberationSans", "NimbusSans", "NimbusSanL":
		f = "Helvetica"
	case "Times", "TimesNewRoman", "TimesRoman", "LiberationSerif", "NimbusRoman", "NimbusRomNo9L":
		f = "Times"
	case "Courier", "CourierNew", "LiberationMono", "NimbusMono", "NimbusMonoPS":
		f = "Courier"
	case "Symbol", "SymbolMT":
		return "Symbol"
	case "ZapfDingbats", "Dingbats":
		return "ZapfDingbats"
	default:
		return ""
	}
	switch {
	case f == "Times" && bold && italic:
		return "Times-BoldItalic"
	case f == "Times" && bold:
		return "Times-Bold"
	case f == "Times" && italic:
		return "Times-Italic"
	case f == "Times":
		return "Times-Roman"
	case bold && italic:
		return f + "-BoldOblique"
	case bold:
		return f + "-Bold"
	case italic:
		return f + "-Oblique"
	}
	return f
}

var std14Alias = map[string]string{
	"Helvetica": "Helvetica", "Helvetica-Bold": "Helvetica-Bold", "Helvetica-Oblique": "Helvetica-Oblique",
	"Helvetica-BoldOblique": "Helvetica-BoldOblique", "Times-Roman": "Times-Roman", "Times-Bold": "Times-Bold",
	"Times-Italic": "Times-Italic", "Times-BoldItalic": "Times-BoldItalic", "Courier": "Courier",
	"Courier-Bold": "Courier-Bold", "Courier-Oblique": "Courier-Oblique", "Courier-BoldOblique": "Courier-BoldOblique",
	"Symbol": "Symbol", "ZapfDingbats": "ZapfDingbats",
}

func fontErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrFont, fmt.Sprintf(format, args...))
}
