package fontfile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Type1Encoding reads the built-in encoding of a Type 1 font program
// (FontFile); the cleartext part, /Length1 bytes, is enough, and reading
// stops at eexec. "/Encoding StandardEncoding def" gives std=true and a nil
// table (glyph.Encoding(glyph.Standard) has it); "/Encoding 256 array ...
// dup 65 /A put ... readonly def" gives the table, "" marking unused codes
// as in package glyph. A program without /Encoding gives ErrNoEncoding; one
// naming another encoding gives ErrUnsupported.
func Type1Encoding(cleartext []byte) (enc *[256]string, std bool, err error) {
	if err := checkSize(cleartext); err != nil {
		return nil, false, err
	}
	s := psScanner{data: cleartext}
	if !s.seekName("Encoding") {
		return nil, false, ErrNoEncoding
	}
	tok, ok := s.next()
	if !ok {
		return nil, false, malformed("type1: /Encoding at end")
	}
	switch {
	case tok == "StandardEncoding":
		return nil, true, nil
	case !isNumber(tok):
		return nil, false, fmt.Errorf("type1: encoding %.40q: %w", tok, ErrUnsupported)
	}
	var (
		t     [256]string
		depth int
		win   [3]string // the three tokens before the current one
	)
	for {
		tok, ok := s.next()
		if !ok || tok == "eexec" {
			break
		}
		switch tok {
		case "{":
			depth++
		case "}":
			depth = max(depth-1, 0)
		case "def":
			if depth == 0 {
				return &t, false, nil
			}
		case "put":
			if depth == 0 && win[0] == "dup" && strings.HasPrefix(win[2], "/") {
				if code, ok := psInt(win[1]); ok && code >= 0 && code < 256 {
					if name := win[2][1:]; name != ".notdef" {
						t[code] = name
					} else {
						t[code] = ""
					}
				}
			}
		}
		win = [3]string{win[1], win[2], tok}
	}
	// An encoding cut short by /Length1 still says what it said.
	return &t, false, nil
}

// Type1FontMatrix reads /FontMatrix [a b c d e f] from a Type 1 program's
// cleartext; ok is false when it is absent or not six numbers.
func Type1FontMatrix(cleartext []byte) (m [6]float64, ok bool) {
	if len(cleartext) > MaxSize {
		return m, false
	}
	s := psScanner{data: cleartext}
	if !s.seekName("FontMatrix") {
		return m, false
	}
	if tok, ok := s.next(); !ok || (tok != "[" && tok != "{") {
		return m, false
	}
	for i := range m {
		tok, ok := s.next()
		if !ok {
			return m, false
		}
		v, err := strconv.ParseFloat(tok, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return m, false
		}
		m[i] = v
	}
	tok, ok := s.next()
	return m, ok && (tok == "]" || tok == "}")
}

// psScanner splits PostScript text into tokens: names keep their '/',
// delimiters [ ] { } are tokens of their own, strings and comments are
// skipped. Every call consumes at least one byte, so loops over it end.
type psScanner struct {
	data []byte
	pos  int
}

// seekName advances past the first /name token equal to name, stopping at
// eexec.
func (s *psScanner) seekName(name string) bool {
	for {
		tok, ok := s.next()
		if !ok || tok == "eexec" {
			return false
		}
		if len(tok) == len(name)+1 && tok[0] == '/' && tok[1:] == name {
			return true
		}
	}
}

// next returns the next token; ok is false at the end of the data.
func (s *psScanner) next() (string, bool) {
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case isPSSpace(c):
			s.pos++
		case c == '%':
			for s.pos < len(s.data) && s.data[s.pos] != '\n' && s.data[s.pos] != '\r' {
				s.pos++
			}
		case c == '(':
			s.skipString()
		case c == '<':
			// Hex strings and dictionary brackets carry nothing needed.
			s.pos++
			if s.pos < len(s.data) && s.data[s.pos] == '<' {
				s.pos++
				return "<<", true
			}
			for s.pos < len(s.data) && s.data[s.pos] != '>' {
				s.pos++
			}
			s.pos++
		case c == '>':
			s.pos++
		case c == '[' || c == ']' || c == '{' || c == '}':
			s.pos++
			return string(c), true
		default:
			start := s.pos
			s.pos++ // a leading '/' or any regular character
			for s.pos < len(s.data) && !isPSSpace(s.data[s.pos]) && !isPSDelim(s.data[s.pos]) {
				s.pos++
			}
			return string(s.data[start:s.pos]), true
		}
	}
	return "", false
}

// skipString moves past a (string), with nested parentheses and escapes.
func (s *psScanner) skipString() {
	depth := 0
	for ; s.pos < len(s.data); s.pos++ {
		switch s.data[s.pos] {
		case '\\':
			s.pos++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				s.pos++
				return
			}
		}
	}
}

func isPSSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == 0
}

func isPSDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// isNumber reports whether tok is a PostScript integer or real.
func isNumber(tok string) bool {
	if _, ok := psInt(tok); ok {
		return true
	}
	_, err := strconv.ParseFloat(tok, 64)
	return err == nil
}

// psInt reads a decimal or radix (8#377) integer.
func psInt(tok string) (int, bool) {
	if b, digits, ok := strings.Cut(tok, "#"); ok {
		base, err := strconv.Atoi(b)
		if err != nil || base < 2 || base > 36 {
			return 0, false
		}
		v, err := strconv.ParseInt(digits, base, 32)
		return int(v), err == nil
	}
	v, err := strconv.ParseInt(tok, 10, 32)
	return int(v), err == nil
}
