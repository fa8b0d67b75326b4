package cmap

import "fmt"

// tokKind classifies a token of the PostScript subset CMap programs use.
type tokKind uint8

const (
	tokEOF        tokKind = iota
	tokNumber             // integer or real; num and numOK for integers
	tokString             // literal string ( … ); contents are not kept
	tokHex                // hexadecimal string < … >; b is the decoded bytes
	tokName               // /Name; b is the decoded name
	tokArrayStart         // [
	tokArrayEnd           // ]
	tokDictStart          // <<
	tokDictEnd            // >>
	tokProcStart          // {
	tokProcEnd            // }
	tokKeyword            // any other run of regular characters; b is its text
	tokStray              // a lone ">" or ")": ignored
)

// token is one lexical token. b aliases the lexer's scratch buffer for hex
// strings and names with escapes, and its input otherwise; it is valid only
// until the next call to next.
type token struct {
	kind  tokKind
	off   int
	b     []byte
	num   int64 // value of an integer tokNumber
	numOK bool  // the tokNumber is an integer in [0, 1<<32)
}

// lexer splits a CMap program into tokens. Every call to next consumes at
// least one byte or returns tokEOF, so the number of tokens is bounded by the
// length of the input.
type lexer struct {
	data    []byte
	pos     int
	scratch []byte
}

// charClass values: regular, white space or delimiter (ISO 32000-1 §7.2.2).
const (
	classRegular = iota
	classSpace
	classDelim
)

var charClass = func() (t [256]uint8) {
	for _, c := range []byte{0, '\t', '\n', '\f', '\r', ' '} {
		t[c] = classSpace
	}
	for _, c := range []byte("()<>[]{}/%") {
		t[c] = classDelim
	}
	return t
}()

// hexValue maps a hexadecimal digit to its value and anything else to 0xff.
var hexValue = func() (t [256]uint8) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = uint8(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = uint8(c - 'a' + 10)
		t[c-'a'+'A'] = uint8(c - 'a' + 10)
	}
	return t
}()

func syntaxErr(off int, format string, args ...any) error {
	return fmt.Errorf("%w at offset %d: %s", ErrSyntax, off, fmt.Sprintf(format, args...))
}

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		switch {
		case charClass[c] == classSpace:
			l.pos++
		case c == '%':
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// next returns the next token, tokEOF at the end of input, or an error
// wrapping ErrSyntax for an unterminated or invalid string.
func (l *lexer) next() (token, error) {
	l.skipSpace()
	start := l.pos
	if start >= len(l.data) {
		return token{kind: tokEOF, off: start}, nil
	}
	tok := token{off: start}
	c := l.data[start]
	l.pos++
	switch c {
	case '[':
		tok.kind = tokArrayStart
	case ']':
		tok.kind = tokArrayEnd
	case '{':
		tok.kind = tokProcStart
	case '}':
		tok.kind = tokProcEnd
	case ')':
		tok.kind = tokStray
	case '<':
		if l.pos < len(l.data) && l.data[l.pos] == '<' {
			l.pos++
			tok.kind = tokDictStart
			break
		}
		tok.kind = tokHex
		b, err := l.hexString(start)
		if err != nil {
			return token{kind: tokEOF, off: start}, err
		}
		tok.b = b
	case '>':
		if l.pos < len(l.data) && l.data[l.pos] == '>' {
			l.pos++
			tok.kind = tokDictEnd
		} else {
			tok.kind = tokStray
		}
	case '(':
		if err := l.literalString(start); err != nil {
			return token{kind: tokEOF, off: start}, err
		}
		tok.kind = tokString
	case '/':
		tok.kind = tokName
		tok.b = l.name()
	default:
		for l.pos < len(l.data) && charClass[l.data[l.pos]] == classRegular {
			l.pos++
		}
		run := l.data[start:l.pos]
		if isNumber(run) {
			tok.kind = tokNumber
			tok.num, tok.numOK = parseUint32(run)
		} else {
			tok.kind = tokKeyword
			tok.b = run
		}
	}
	return tok, nil
}

// hexString decodes a hexadecimal string whose "<" is at start; white space
// inside is ignored and an odd final digit is completed with 0 (§7.3.4.3).
func (l *lexer) hexString(start int) ([]byte, error) {
	out := l.scratch[:0]
	var hi uint8
	half := false
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		if c == '>' {
			if half {
				out = append(out, hi<<4)
			}
			l.scratch = out
			return out, nil
		}
		v := hexValue[c]
		if v == 0xff {
			if charClass[c] == classSpace {
				continue
			}
			return nil, syntaxErr(l.pos-1, "invalid character %q in hexadecimal string", c)
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return nil, syntaxErr(start, "unterminated hexadecimal string")
}

// literalString skips a literal string whose "(" is at start, honouring
// balanced parentheses and backslash escapes. CMaps use literal strings
// only in /CIDSystemInfo, which is ignored, so the contents are not decoded.
func (l *lexer) literalString(start int) error {
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '\\':
			l.pos++ // the escaped byte, whatever it is
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return nil
			}
		}
	}
	l.pos = len(l.data)
	return syntaxErr(start, "unterminated literal string")
}

// name reads the name after "/", decoding #xx escapes (§7.3.5). A "#" not
// followed by two hexadecimal digits is kept literally.
func (l *lexer) name() []byte {
	start := l.pos
	for l.pos < len(l.data) && charClass[l.data[l.pos]] == classRegular {
		l.pos++
	}
	raw := l.data[start:l.pos]
	hash := false
	for _, c := range raw {
		if c == '#' {
			hash = true
			break
		}
	}
	if !hash {
		return raw
	}
	out := l.scratch[:0]
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) && hexValue[raw[i+1]] != 0xff && hexValue[raw[i+2]] != 0xff {
			out = append(out, hexValue[raw[i+1]]<<4|hexValue[raw[i+2]])
			i += 2
			continue
		}
		out = append(out, raw[i])
	}
	l.scratch = out
	return out
}

// isNumber reports whether run has the form of a PostScript integer or real,
// [+-]? (digits [. digits*] | . digits+).
func isNumber(run []byte) bool {
	i := 0
	if i < len(run) && (run[i] == '+' || run[i] == '-') {
		i++
	}
	digits, dot := 0, false
	for ; i < len(run); i++ {
		switch c := run[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// parseUint32 returns the value of a number token that is an integer in
// [0, 1<<32); ok is false for reals, negative numbers and larger values.
func parseUint32(run []byte) (int64, bool) {
	if len(run) > 0 && run[0] == '+' {
		run = run[1:]
	}
	var n int64
	for _, c := range run {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
		if n >= 1<<32 {
			return 0, false
		}
	}
	return n, true
}
