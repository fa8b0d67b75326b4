package content

import (
	"bytes"
	"fmt"
	"strconv"
)

// TokenKind classifies a lexical token of a content stream.
type TokenKind uint8

// Token kinds, one per lexical form of ISO 32000-1 §7.2 and §7.3.
const (
	TokenEOF        TokenKind = iota // end of input
	TokenNumber                      // integer or real
	TokenString                      // literal string ( … )
	TokenHexString                   // hexadecimal string < … >
	TokenName                        // /Name
	TokenBool                        // true or false
	TokenNull                        // null
	TokenArrayStart                  // [
	TokenArrayEnd                    // ]
	TokenDictStart                   // <<
	TokenDictEnd                     // >>
	TokenOperator                    // any other run of regular characters
)

// Token is one lexical token. Bytes may alias the lexer's input.
type Token struct {
	Kind   TokenKind
	Offset int // byte offset of the token's first byte in the input
	Len    int // length of the token in the input, in bytes
	// Num is the value of a TokenNumber.
	Num float64
	// Bool is the value of a TokenBool.
	Bool bool
	// Bytes is the decoded value of a string or name, or the raw text of an
	// operator. It aliases the input when no decoding was needed.
	Bytes []byte
}

// Lexer splits a content stream into tokens. It never panics and always
// advances, so a caller looping until TokenEOF or an error terminates.
type Lexer struct {
	data []byte
	pos  int
}

// NewLexer returns a Lexer positioned at the start of data.
func NewLexer(data []byte) *Lexer { return &Lexer{data: data} }

// Offset returns the byte offset of the next unread byte.
func (l *Lexer) Offset() int { return l.pos }

// charClass values: regular, whitespace or delimiter (§7.2.2).
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

func isSpace(c byte) bool   { return charClass[c] == classSpace }
func isRegular(c byte) bool { return charClass[c] == classRegular }
func isDelim(c byte) bool   { return charClass[c] == classDelim }

func syntaxErr(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// skipSpace skips white space and comments.
func (l *Lexer) skipSpace() {
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if isSpace(c) {
			l.pos++
			continue
		}
		if c == '%' {
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
			continue
		}
		return
	}
}

// Next returns the next token, TokenEOF at the end of input, or an error
// wrapping ErrSyntax.
func (l *Lexer) Next() (Token, error) {
	l.skipSpace()
	start := l.pos
	if start >= len(l.data) {
		return Token{Kind: TokenEOF, Offset: start}, nil
	}
	c := l.data[start]
	tok := Token{Offset: start}
	var err error
	switch c {
	case '[':
		l.pos++
		tok.Kind = TokenArrayStart
	case ']':
		l.pos++
		tok.Kind = TokenArrayEnd
	case '<':
		if start+1 < len(l.data) && l.data[start+1] == '<' {
			l.pos += 2
			tok.Kind = TokenDictStart
		} else {
			tok.Kind = TokenHexString
			tok.Bytes, err = l.hexString()
		}
	case '>':
		if start+1 < len(l.data) && l.data[start+1] == '>' {
			l.pos += 2
			tok.Kind = TokenDictEnd
		} else {
			l.pos++
			err = syntaxErr(start, "unexpected '>'")
		}
	case '(':
		tok.Kind = TokenString
		tok.Bytes, err = l.literalString()
	case '/':
		tok.Kind = TokenName
		tok.Bytes = l.name()
	case ')', '{', '}':
		l.pos++
		err = syntaxErr(start, "unexpected %q", c)
	default:
		end := start
		for end < len(l.data) && isRegular(l.data[end]) {
			end++
		}
		l.pos = end
		run := l.data[start:end]
		switch {
		case string(run) == "true":
			tok.Kind, tok.Bool = TokenBool, true
		case string(run) == "false":
			tok.Kind = TokenBool
		case string(run) == "null":
			tok.Kind = TokenNull
		default:
			if f, ok, nerr := parseNumber(run); ok {
				if nerr != nil {
					err = syntaxErr(start, "number %q out of range", run)
				}
				if f == 0 {
					f = 0 // no negative zero
				}
				tok.Kind, tok.Num = TokenNumber, f
			} else {
				tok.Kind, tok.Bytes = TokenOperator, run
			}
		}
	}
	tok.Len = l.pos - start
	if err != nil {
		return Token{Kind: TokenEOF, Offset: start, Len: tok.Len}, err
	}
	return tok, nil
}

// parseNumber reports whether run has the form of a PDF number,
// [+-]? (digits [. digits*] | . digits+), and its value.
func parseNumber(run []byte) (float64, bool, error) {
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
			return 0, false, nil
		}
	}
	if digits == 0 {
		return 0, false, nil
	}
	// Fast path for short plain integers.
	if !dot && len(run) <= 15 {
		var n int64
		neg := false
		j := 0
		if run[0] == '+' || run[0] == '-' {
			neg = run[0] == '-'
			j = 1
		}
		for ; j < len(run); j++ {
			n = n*10 + int64(run[j]-'0')
		}
		if neg {
			return -float64(n), true, nil
		}
		return float64(n), true, nil
	}
	s := run
	if s[0] == '+' {
		s = s[1:]
	}
	f, err := strconv.ParseFloat(string(s), 64)
	return f, true, err
}

// name lexes /Name, decoding #xx escapes. l.pos is at the '/'.
func (l *Lexer) name() []byte {
	start := l.pos + 1
	end := start
	hasEsc := false
	for end < len(l.data) && isRegular(l.data[end]) {
		if l.data[end] == '#' {
			hasEsc = true
		}
		end++
	}
	l.pos = end
	raw := l.data[start:end]
	if !hasEsc {
		return raw
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) {
			h, ok1 := unhex(raw[i+1])
			lo, ok2 := unhex(raw[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|lo)
				i += 2
				continue
			}
		}
		out = append(out, raw[i])
	}
	return out
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// hexString lexes < … >. l.pos is at the '<'.
func (l *Lexer) hexString() ([]byte, error) {
	start := l.pos
	i := start + 1
	end := bytes.IndexByte(l.data[i:], '>')
	if end < 0 {
		l.pos = len(l.data)
		return nil, syntaxErr(start, "unterminated hex string")
	}
	end += i
	out := make([]byte, 0, (end-i+1)/2)
	var cur byte
	half := false
	for ; i < end; i++ {
		c := l.data[i]
		if isSpace(c) {
			continue
		}
		v, ok := unhex(c)
		if !ok {
			l.pos = end + 1
			return nil, syntaxErr(i, "invalid hex digit %q", c)
		}
		if half {
			out = append(out, cur<<4|v)
		} else {
			cur = v
		}
		half = !half
	}
	if half {
		out = append(out, cur<<4)
	}
	l.pos = end + 1
	return out, nil
}

// literalString lexes ( … ) with nested parentheses and escapes. l.pos is at
// the '('. The result aliases the input when it holds no escape or CR.
func (l *Lexer) literalString() ([]byte, error) {
	start := l.pos
	d := l.data
	depth := 1
	i := start + 1
	plain := true
	for ; i < len(d); i++ {
		c := d[i]
		if c == '\\' || c == '\r' {
			plain = false
			break
		}
		if c == '(' {
			depth++
		} else if c == ')' {
			depth--
			if depth == 0 {
				l.pos = i + 1
				return d[start+1 : i], nil
			}
		}
	}
	if plain {
		l.pos = len(d)
		return nil, syntaxErr(start, "unterminated literal string")
	}
	out := make([]byte, 0, i-start+16)
	out = append(out, d[start+1:i]...)
	for i < len(d) {
		c := d[i]
		switch c {
		case '(':
			depth++
			out = append(out, c)
			i++
		case ')':
			depth--
			if depth == 0 {
				l.pos = i + 1
				return out, nil
			}
			out = append(out, c)
			i++
		case '\r':
			// An end-of-line marker in a string is read as LF (§7.3.4.2).
			out = append(out, '\n')
			i++
			if i < len(d) && d[i] == '\n' {
				i++
			}
		case '\\':
			i++
			if i >= len(d) {
				break
			}
			e := d[i]
			i++
			switch e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\r':
				if i < len(d) && d[i] == '\n' {
					i++
				}
			case '\n':
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && i < len(d) && d[i] >= '0' && d[i] <= '7'; k++ {
						v = v*8 + int(d[i]-'0')
						i++
					}
					out = append(out, byte(v))
				} else {
					// \( \) \\ and any other escaped byte stand for themselves.
					out = append(out, e)
				}
			}
		default:
			out = append(out, c)
			i++
		}
	}
	l.pos = len(d)
	return nil, syntaxErr(start, "unterminated literal string")
}
