package content

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

func lexAll(t *testing.T, in string) []Token {
	t.Helper()
	lx := NewLexer([]byte(in))
	var toks []Token
	for {
		tok, err := lx.Next()
		if err != nil {
			t.Fatalf("lex %q: %v", in, err)
		}
		if tok.Kind == TokenEOF {
			return toks
		}
		toks = append(toks, tok)
	}
}

func TestLexerTokens(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		kind  TokenKind
		num   float64
		bytes string
		off   int
		len   int
	}{
		{"int", "123", TokenNumber, 123, "", 0, 3},
		{"neg int", "-17", TokenNumber, -17, "", 0, 3},
		{"plus int", "+1", TokenNumber, 1, "", 0, 2},
		{"real", "34.5", TokenNumber, 34.5, "", 0, 4},
		{"leading dot", ".5", TokenNumber, 0.5, "", 0, 2},
		{"neg leading dot", "-.002", TokenNumber, -0.002, "", 0, 5},
		{"trailing dot", "-3.", TokenNumber, -3, "", 0, 3},
		{"zero", "0", TokenNumber, 0, "", 0, 1},
		{"leading zeros", "007", TokenNumber, 7, "", 0, 3},
		{"long int", "12345678901234567890", TokenNumber, 12345678901234567890, "", 0, 20},
		{"after space", "  \t 4", TokenNumber, 4, "", 4, 1},
		{"literal", "(Hello)", TokenString, 0, "Hello", 0, 7},
		{"empty literal", "()", TokenString, 0, "", 0, 2},
		{"nested", "(a(b(c))d)", TokenString, 0, "a(b(c))d", 0, 10},
		{"esc n", `(\n)`, TokenString, 0, "\n", 0, 4},
		{"esc r", `(\r)`, TokenString, 0, "\r", 0, 4},
		{"esc t", `(\t)`, TokenString, 0, "\t", 0, 4},
		{"esc b", `(\b)`, TokenString, 0, "\b", 0, 4},
		{"esc f", `(\f)`, TokenString, 0, "\f", 0, 4},
		{"esc parens", `(\(\))`, TokenString, 0, "()", 0, 6},
		{"esc unbalanced", `(\()`, TokenString, 0, "(", 0, 4},
		{"esc backslash", `(\\)`, TokenString, 0, `\`, 0, 4},
		{"octal 3", `(\101)`, TokenString, 0, "A", 0, 6},
		{"octal 1", `(\0)`, TokenString, 0, "\x00", 0, 4},
		{"octal 2 then digit", `(\538)`, TokenString, 0, "+8", 0, 6},
		{"octal overflow", `(\777)`, TokenString, 0, "\xff", 0, 6},
		{"octal 4 digits", `(\1011)`, TokenString, 0, "A1", 0, 7},
		{"unknown escape", `(\q)`, TokenString, 0, "q", 0, 4},
		{"continuation LF", "(ab\\\ncd)", TokenString, 0, "abcd", 0, 8},
		{"continuation CR", "(ab\\\rcd)", TokenString, 0, "abcd", 0, 8},
		{"continuation CRLF", "(ab\\\r\ncd)", TokenString, 0, "abcd", 0, 9},
		{"raw CR is LF", "(a\rb)", TokenString, 0, "a\nb", 0, 5},
		{"raw CRLF is LF", "(a\r\nb)", TokenString, 0, "a\nb", 0, 6},
		{"raw LF", "(a\nb)", TokenString, 0, "a\nb", 0, 5},
		{"percent in string", "(100%)", TokenString, 0, "100%", 0, 6},
		{"hex", "<48656C6C6F>", TokenHexString, 0, "Hello", 0, 12},
		{"hex lower", "<48656c6c6f>", TokenHexString, 0, "Hello", 0, 12},
		{"hex spaces", "<48 65\n6C\t6C 6F>", TokenHexString, 0, "Hello", 0, 16},
		{"hex odd", "<901FA>", TokenHexString, 0, "\x90\x1f\xa0", 0, 7},
		{"hex empty", "<>", TokenHexString, 0, "", 0, 2},
		{"name", "/Name1", TokenName, 0, "Name1", 0, 6},
		{"name hash", "/A#20B", TokenName, 0, "A B", 0, 6},
		{"name hash lower", "/#2f", TokenName, 0, "/", 0, 4},
		{"name bad hash", "/A#zz", TokenName, 0, "A#zz", 0, 5},
		{"name short hash", "/A#2", TokenName, 0, "A#2", 0, 4},
		{"empty name", "/ ", TokenName, 0, "", 0, 1},
		{"name odd chars", "/;*!", TokenName, 0, ";*!", 0, 4},
		{"true", "true", TokenBool, 0, "", 0, 4},
		{"null", "null", TokenNull, 0, "", 0, 4},
		{"array start", "[", TokenArrayStart, 0, "", 0, 1},
		{"array end", "]", TokenArrayEnd, 0, "", 0, 1},
		{"dict start", "<<", TokenDictStart, 0, "", 0, 2},
		{"dict end", ">>", TokenDictEnd, 0, "", 0, 2},
		{"operator", "Tj", TokenOperator, 0, "Tj", 0, 2},
		{"operator star", "T*", TokenOperator, 0, "T*", 0, 2},
		{"quote operator", "'", TokenOperator, 0, "'", 0, 1},
		{"not a number", "1.2.3", TokenOperator, 0, "1.2.3", 0, 5},
		{"lone minus", "-", TokenOperator, 0, "-", 0, 1},
		{"comment then op", "% hi (\nBT", TokenOperator, 0, "BT", 7, 2},
		{"comment CR", "%x\rET", TokenOperator, 0, "ET", 3, 2},
		{"NUL space", "\x00\x00q", TokenOperator, 0, "q", 2, 1},
		{"FF space", "\fQ", TokenOperator, 0, "Q", 1, 1},
		{"CR alone", "\r\rQ", TokenOperator, 0, "Q", 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks := lexAll(t, tt.in)
			if len(toks) != 1 {
				t.Fatalf("got %d tokens, want 1: %+v", len(toks), toks)
			}
			tok := toks[0]
			if tok.Kind != tt.kind || tok.Offset != tt.off || tok.Len != tt.len {
				t.Fatalf("got kind %d off %d len %d, want %d %d %d", tok.Kind, tok.Offset, tok.Len, tt.kind, tt.off, tt.len)
			}
			if tok.Kind == TokenNumber && tok.Num != tt.num {
				t.Errorf("num = %v, want %v", tok.Num, tt.num)
			}
			if tok.Kind == TokenBool && !tok.Bool {
				t.Errorf("bool = false")
			}
			switch tok.Kind {
			case TokenString, TokenHexString, TokenName, TokenOperator:
				if string(tok.Bytes) != tt.bytes {
					t.Errorf("bytes = %q, want %q", tok.Bytes, tt.bytes)
				}
			}
		})
	}
}

func TestLexerSequence(t *testing.T) {
	in := "/F1 12 Tf[(A)-120(B)]TJ<</MCID 0>>BDC%c\n(x)'"
	want := []TokenKind{TokenName, TokenNumber, TokenOperator, TokenArrayStart, TokenString, TokenNumber, TokenString, TokenArrayEnd, TokenOperator,
		TokenDictStart, TokenName, TokenNumber, TokenDictEnd, TokenOperator, TokenString, TokenOperator}
	toks := lexAll(t, in)
	if len(toks) != len(want) {
		t.Fatalf("got %d tokens, want %d", len(toks), len(want))
	}
	for i, tok := range toks {
		if tok.Kind != want[i] {
			t.Errorf("token %d kind %d, want %d", i, tok.Kind, want[i])
		}
		if got := in[tok.Offset : tok.Offset+tok.Len]; tok.Kind == TokenOperator && got != string(tok.Bytes) {
			t.Errorf("token %d range %q, bytes %q", i, got, tok.Bytes)
		}
	}
}

func TestLexerErrors(t *testing.T) {
	tests := []struct {
		in  string
		off int
	}{
		{"(abc", 0},
		{"  (a\\", 2},
		{"(a(b)", 0},
		{"<48", 0},
		{"<4G>", 2},
		{")", 0},
		{"x >", 2},
		{"{", 0},
		{"}", 0},
		{"1" + strings.Repeat("0", 400), 0},
	}
	for _, tt := range tests {
		lx := NewLexer([]byte(tt.in))
		var err error
		for range 10 {
			var tok Token
			tok, err = lx.Next()
			if err != nil || tok.Kind == TokenEOF {
				break
			}
		}
		if !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: err = %v, want ErrSyntax", tt.in, err)
			continue
		}
		if want := "offset " + strconv.Itoa(tt.off); !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %q does not say %q", tt.in, err, want)
		}
	}
}
