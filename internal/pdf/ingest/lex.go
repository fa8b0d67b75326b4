package ingest

import (
	"bytes"
	"strconv"
)

// lex.go is a small tokenizer for PDF object syntax, shared by the raw
// pre-scan (stream dictionaries) and the content-stream scan. It never
// allocates per token, always advances, and stops at the end of input.

type tokKind uint8

const (
	tokEOF        tokKind = iota
	tokNumber             // 12, -3.5
	tokName               // /Name
	tokString             // (literal)
	tokHex                // <hex>
	tokArrayOpen          // [
	tokArrayClose         // ]
	tokDictOpen           // <<
	tokDictClose          // >>
	tokKeyword            // operators, true, false, null, R, obj, stream, { } …
)

type token struct {
	kind       tokKind
	start, end int // bytes of the token in the input
	strLen     int // decoded length of a literal or hex string
}

type lexer struct {
	b   []byte
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isSpace(c) && !isDelim(c) }

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// next returns the next token.
func (l *lexer) next() token {
	l.skipSpace()
	if l.pos >= len(l.b) {
		return token{kind: tokEOF, start: len(l.b), end: len(l.b)}
	}
	start := l.pos
	c := l.b[l.pos]
	switch c {
	case '(':
		n := l.literal()
		return token{kind: tokString, start: start, end: l.pos, strLen: n}
	case '<':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '<' {
			l.pos += 2
			return token{kind: tokDictOpen, start: start, end: l.pos}
		}
		n := l.hex()
		return token{kind: tokHex, start: start, end: l.pos, strLen: n}
	case '>':
		if l.pos+1 < len(l.b) && l.b[l.pos+1] == '>' {
			l.pos += 2
			return token{kind: tokDictClose, start: start, end: l.pos}
		}
		l.pos++
		return token{kind: tokKeyword, start: start, end: l.pos}
	case '[':
		l.pos++
		return token{kind: tokArrayOpen, start: start, end: l.pos}
	case ']':
		l.pos++
		return token{kind: tokArrayClose, start: start, end: l.pos}
	case '{', '}', ')':
		l.pos++
		return token{kind: tokKeyword, start: start, end: l.pos}
	case '/':
		l.pos++
		for l.pos < len(l.b) && isRegular(l.b[l.pos]) {
			l.pos++
		}
		return token{kind: tokName, start: start, end: l.pos}
	}
	for l.pos < len(l.b) && isRegular(l.b[l.pos]) {
		l.pos++
	}
	kind := tokKeyword
	if isNumber(l.b[start:l.pos]) {
		kind = tokNumber
	}
	return token{kind: kind, start: start, end: l.pos}
}

// literal consumes a literal string starting at '(' and returns its decoded
// length. An unterminated string runs to the end of input.
func (l *lexer) literal() int {
	l.pos++ // (
	depth, n := 1, 0
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		switch c {
		case '\\':
			if l.pos >= len(l.b) {
				return n
			}
			e := l.b[l.pos]
			l.pos++
			switch {
			case e == '\r':
				if l.pos < len(l.b) && l.b[l.pos] == '\n' {
					l.pos++
				}
				continue // line continuation: no byte
			case e == '\n':
				continue
			case e >= '0' && e <= '7':
				for i := 0; i < 2 && l.pos < len(l.b) && l.b[l.pos] >= '0' && l.b[l.pos] <= '7'; i++ {
					l.pos++
				}
			}
			n++
		case '(':
			depth++
			n++
		case ')':
			depth--
			if depth == 0 {
				return n
			}
			n++
		default:
			n++
		}
	}
	return n
}

// hex consumes a hex string starting at '<' and returns its decoded length.
func (l *lexer) hex() int {
	l.pos++ // <
	digits := 0
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		if isHexDigit(c) {
			digits++
		}
	}
	return (digits + 1) / 2
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isNumber(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	i := 0
	if b[0] == '+' || b[0] == '-' {
		i++
	}
	digits, dots := 0, 0
	for ; i < len(b); i++ {
		switch {
		case b[i] >= '0' && b[i] <= '9':
			digits++
		case b[i] == '.':
			dots++
		default:
			return false
		}
	}
	return digits > 0 && dots <= 1
}

// nameValue decodes a name token's #xx escapes, without the leading slash.
func nameValue(raw []byte) string {
	raw = bytes.TrimPrefix(raw, []byte("/"))
	if bytes.IndexByte(raw, '#') < 0 {
		return string(raw)
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) && isHexDigit(raw[i+1]) && isHexDigit(raw[i+2]) {
			v, _ := strconv.ParseUint(string(raw[i+1:i+3]), 16, 8)
			out = append(out, byte(v))
			i += 2
			continue
		}
		out = append(out, raw[i])
	}
	return string(out)
}

// pdfName, pdfRef and pdfString are the parsed forms of names, indirect
// references and strings; numbers are int64 or float64, dictionaries
// map[string]any, arrays []any, booleans bool and null nil.
type (
	pdfName   string
	pdfString struct{}
	pdfRef    struct{ num, gen int64 }
)

// maxParseDepth bounds nesting of arrays and dictionaries in parseValue.
const maxParseDepth = 32

// parseValue parses one direct object. ok is false at end of input, on a
// token that cannot start an object, or when nesting is too deep; the lexer
// has then still advanced past at least one byte unless it was at the end.
func (l *lexer) parseValue(depth int) (v any, ok bool) {
	if depth > maxParseDepth {
		return nil, false
	}
	t := l.next()
	switch t.kind {
	case tokNumber:
		raw := l.b[t.start:t.end]
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			f, _ := strconv.ParseFloat(string(raw), 64)
			return f, true
		}
		// An indirect reference is "num gen R".
		save := l.pos
		if t2 := l.next(); t2.kind == tokNumber {
			if t3 := l.next(); t3.kind == tokKeyword && string(l.b[t3.start:t3.end]) == "R" {
				g, _ := strconv.ParseInt(string(l.b[t2.start:t2.end]), 10, 64)
				return pdfRef{num: n, gen: g}, true
			}
		}
		l.pos = save
		return n, true
	case tokName:
		return pdfName(nameValue(l.b[t.start:t.end])), true
	case tokString, tokHex:
		return pdfString{}, true
	case tokArrayOpen:
		var a []any
		for {
			save := l.pos
			if t := l.next(); t.kind == tokArrayClose || t.kind == tokEOF {
				return a, true
			}
			l.pos = save
			v, ok := l.parseValue(depth + 1)
			if !ok {
				return a, false
			}
			a = append(a, v)
		}
	case tokDictOpen:
		d := map[string]any{}
		for {
			t := l.next()
			switch t.kind {
			case tokDictClose:
				return d, true
			case tokName:
				v, ok := l.parseValue(depth + 1)
				if !ok {
					return d, false
				}
				d[nameValue(l.b[t.start:t.end])] = v
			default:
				return d, false
			}
		}
	case tokKeyword:
		switch string(l.b[t.start:t.end]) {
		case "true":
			return true, true
		case "false":
			return false, true
		case "null":
			return nil, true
		}
	}
	return nil, false
}
