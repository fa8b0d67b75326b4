package sanitize

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/text/unicode/norm"
)

// maxStreamBytes bounds a decoded metadata, JavaScript or rich-text stream.
const maxStreamBytes = 64 << 20

// textBytes returns the bytes of a string object (literal or hex) and
// whether o is one.
func textBytes(o types.Object) ([]byte, bool) {
	switch v := o.(type) {
	case types.StringLiteral:
		b, err := types.Unescape(v.Value())
		if err != nil {
			return []byte(v.Value()), true
		}
		return b, true
	case types.HexLiteral:
		b, err := v.Bytes()
		if err != nil {
			// An odd number of digits: the last one is read as if followed by 0.
			b, err = types.HexLiteral(v.Value() + "0").Bytes()
			if err != nil {
				return nil, true
			}
		}
		return b, true
	}
	return nil, false
}

// decodeText decodes a PDF text string (ISO 32000-2 §7.9.2.2): UTF-16BE
// with a byte order mark, UTF-8 with a byte order mark (PDF 2.0), or
// PDFDocEncoding. It is lenient where readers are: a broken surrogate or an
// odd trailing byte becomes U+FFFD rather than an error, and a string
// marked little-endian is read as such. alt is a second reading worth
// checking (the bytes as unmarked UTF-8, which many producers write), or ""
// when there is none.
func decodeText(b []byte) (s, alt string) {
	switch {
	case len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF:
		return utf16Text(b[2:], true), ""
	case len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE:
		return utf16Text(b[2:], false), ""
	case len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF:
		return strings.ToValidUTF8(string(b[3:]), "\uFFFD"), ""
	}
	s = pdfDocText(b)
	if utf8.Valid(b) && !isASCII(b) {
		return s, string(b)
	}
	return s, ""
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func utf16Text(b []byte, bigEndian bool) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		if bigEndian {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	s := string(utf16.Decode(u))
	if len(b)%2 == 1 {
		s += "\uFFFD"
	}
	return s
}

// pdfDocHigh maps the bytes of PDFDocEncoding that differ from Latin-1
// (ISO 32000-2 Table D.2).
var pdfDocHigh = map[byte]rune{
	0x18: 0x02d8, 0x19: 0x02c7, 0x1a: 0x02c6, 0x1b: 0x02d9,
	0x1c: 0x02dd, 0x1d: 0x02db, 0x1e: 0x02da, 0x1f: 0x02dc,
	0x80: 0x2022, 0x81: 0x2020, 0x82: 0x2021, 0x83: 0x2026,
	0x84: 0x2014, 0x85: 0x2013, 0x86: 0x0192, 0x87: 0x2044,
	0x88: 0x2039, 0x89: 0x203a, 0x8a: 0x2212, 0x8b: 0x2030,
	0x8c: 0x201e, 0x8d: 0x201c, 0x8e: 0x201d, 0x8f: 0x2018,
	0x90: 0x2019, 0x91: 0x201a, 0x92: 0x2122, 0x93: 0xfb01,
	0x94: 0xfb02, 0x95: 0x0141, 0x96: 0x0152, 0x97: 0x0160,
	0x98: 0x0178, 0x99: 0x017d, 0x9a: 0x0131, 0x9b: 0x0142,
	0x9c: 0x0153, 0x9d: 0x0161, 0x9e: 0x017e, 0xa0: 0x20ac,
}

func pdfDocText(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		if r, ok := pdfDocHigh[c]; ok {
			sb.WriteRune(r)
			continue
		}
		sb.WriteRune(rune(c)) // Latin-1 elsewhere; undefined bytes kept as their code point
	}
	return sb.String()
}

// nameText returns the text of a name object, #xx escapes decoded.
func nameText(n types.Name) string {
	s := string(n)
	if strings.IndexByte(s, '#') >= 0 {
		if d, err := types.DecodeName(s); err == nil {
			s = d
		}
	}
	return s
}

// textOf returns the readings of o when it is a string or a name.
func textOf(o types.Object) []string {
	if n, ok := o.(types.Name); ok {
		return []string{nameText(n)}
	}
	b, ok := textBytes(o)
	if !ok {
		return nil
	}
	s, alt := decodeText(b)
	if alt != "" && alt != s {
		return []string{s, alt}
	}
	return []string{s}
}

// blockTag matches markup that separates words when rendered.
var (
	blockTag = regexp.MustCompile(`(?i)<\s*/?\s*(p|br|div|li|ul|ol|tr|td|th|h[1-6]|body|html|table|rdf:li|rdf:bag|rdf:seq|rdf:alt)\b[^>]*>`)
	anyTag   = regexp.MustCompile(`<[^>]*>`)
)

// markupText returns the text an XML or XHTML fragment shows: block tags
// become spaces, other tags vanish (so "<b>Jo</b>hn" reads "John"), and
// character references are decoded.
func markupText(s string) string {
	s = blockTag.ReplaceAllString(s, " ")
	s = anyTag.ReplaceAllString(s, "")
	return html.UnescapeString(s)
}

// streamText decodes a stream of text (XMP, JavaScript, rich text) as
// UTF-8 or UTF-16 with a byte order mark, else PDFDocEncoding.
func streamText(b []byte) string {
	if len(b) >= 2 && (b[0] == 0xFE && b[1] == 0xFF || b[0] == 0xFF && b[1] == 0xFE) ||
		len(b) >= 3 && bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		s, _ := decodeText(b)
		return s
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return pdfDocText(b)
}

// fold returns the comparable form of s: NFKC (ligatures expanded), lower
// case, format characters (soft hyphens, zero-width spaces and joiners)
// removed, every run of white space one space.
func fold(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// matcher tells whether a text holds one of the redaction terms.
type matcher struct {
	terms []string // folded, non-empty
}

func newMatcher(terms []string) *matcher {
	m := &matcher{}
	for _, t := range terms {
		if f := fold(t); f != "" {
			m.terms = append(m.terms, f)
		}
	}
	return m
}

// match reports whether any of texts holds a term.
func (m *matcher) match(texts ...string) bool {
	if len(m.terms) == 0 {
		return false
	}
	for _, s := range texts {
		f := fold(s)
		for _, t := range m.terms {
			if strings.Contains(f, t) {
				return true
			}
		}
	}
	return false
}

// markupRaw returns an XML or XHTML text as written, character references
// decoded.
func markupRaw(s string) string { return html.UnescapeString(s) }
