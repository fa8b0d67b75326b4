package glyph

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// maxNameLen bounds the work ToUnicode does on a hostile name; real glyph
// names are far shorter (the AGL specification suggests 63 bytes).
const maxNameLen = 1024

// nameEntry is one row of the generated names table.
type nameEntry struct {
	name, text string
}

// ToUnicode maps a glyph name to text following the Adobe Glyph List
// Specification: the part from the first '.' on is dropped, the rest is split
// into components on '_' (a ligature gives several characters), and each
// component is looked up in the Adobe Glyph List and the ITC Zapf Dingbats
// Glyph List, else read as "uniXXXX[XXXX...]" (groups of four uppercase hex
// digits, no surrogates) or "uXXXX" to "uXXXXXX" (a Unicode scalar value).
// Components that match none of these give nothing, as the specification
// says; ok is false when no component maps, so producer names such as "g12",
// "cid34" or "glyph56" report ok=false and the caller can try other means.
func ToUnicode(name string) (string, bool) {
	if len(name) > maxNameLen {
		return "", false
	}
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name = name[:i]
	}
	if name == "" {
		return "", false
	}
	if strings.IndexByte(name, '_') < 0 {
		return component(name)
	}
	var (
		b      strings.Builder
		mapped bool
	)
	for c := range strings.SplitSeq(name, "_") {
		if s, ok := component(c); ok {
			b.WriteString(s)
			mapped = true
		}
	}
	if !mapped {
		return "", false
	}
	return b.String(), true
}

// component maps one ligature component.
func component(c string) (string, bool) {
	if c == "" {
		return "", false
	}
	if s, ok := lookup(c); ok {
		return s, true
	}
	if s, ok := uniName(c); ok {
		return s, true
	}
	return uName(c)
}

// lookup finds c in the generated AGL and ZDGL table.
func lookup(c string) (string, bool) {
	i := sort.Search(len(names), func(i int) bool { return names[i].name >= c })
	if i < len(names) && names[i].name == c {
		return names[i].text, true
	}
	return "", false
}

// uniName reads "uni" followed by one or more groups of four uppercase hex
// digits, each a BMP code point outside the surrogate range.
func uniName(c string) (string, bool) {
	hex, ok := strings.CutPrefix(c, "uni")
	if !ok || hex == "" || len(hex)%4 != 0 {
		return "", false
	}
	buf := make([]byte, 0, len(hex)/4*3)
	for i := 0; i < len(hex); i += 4 {
		v, ok := upperHex(hex[i : i+4])
		if !ok || (v >= 0xD800 && v <= 0xDFFF) {
			return "", false
		}
		buf = utf8.AppendRune(buf, rune(v))
	}
	return string(buf), true
}

// uName reads "u" followed by four to six uppercase hex digits naming a
// Unicode scalar value.
func uName(c string) (string, bool) {
	hex, ok := strings.CutPrefix(c, "u")
	if !ok || len(hex) < 4 || len(hex) > 6 {
		return "", false
	}
	v, ok := upperHex(hex)
	if !ok || (v >= 0xD800 && v <= 0xDFFF) || v > utf8.MaxRune {
		return "", false
	}
	return string(rune(v)), true
}

// upperHex parses digits 0-9 and A-F only, as the specification requires.
func upperHex(s string) (uint32, bool) {
	var v uint32
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | uint32(c-'0')
		case c >= 'A' && c <= 'F':
			v = v<<4 | uint32(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
