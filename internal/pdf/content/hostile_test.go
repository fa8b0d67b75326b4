package content

import (
	"bytes"
	"errors"
	"testing"
)

// TestHostileInlineImage checks that data full of "EI" candidates whose
// tails lex badly is still scanned in linear time (the test would not finish
// otherwise) and that the real end is found.
func TestHostileInlineImage(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("BI /F /Fl ID ")
	b.Write(bytes.Repeat([]byte("\n EI zz ("), 100_000))
	b.WriteString("\nEI Q")
	ops, err := Parse(b.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 2 || ops[1].Operator != "Q" {
		t.Fatalf("got %d ops", len(ops))
	}
	// Without a terminator it is an error, not a hang.
	if _, err := Parse(b.Bytes()[:b.Len()-5], DefaultLimits()); !errors.Is(err, ErrSyntax) {
		t.Fatalf("err = %v", err)
	}
}

func TestHostileNesting(t *testing.T) {
	in := bytes.Repeat([]byte("["), 1_000_000)
	if _, err := Parse(in, DefaultLimits()); !errors.Is(err, ErrLimit) {
		t.Fatalf("err = %v", err)
	}
}

func TestPlausibleTail(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", true},
		{" Q q", true},
		{" (x) Tj 1 0 0 1 0 0 cm /F1 12 Tf BT ET q Q q Q q Q", true},
		{" \xff\xfe", false},
		{" zz", false},
		{" (unterminated", false},
	}
	for _, tt := range tests {
		if got, _ := plausibleTail([]byte(tt.in)); got != tt.want {
			t.Errorf("plausibleTail(%q) = %v", tt.in, got)
		}
	}
}

// TestInlineImageSearchBudget checks that many "EI" candidates each
// followed by an unterminated string end in ErrLimit rather than quadratic
// work.
func TestInlineImageSearchBudget(t *testing.T) {
	in := append([]byte("BI ID "), bytes.Repeat([]byte("\n EI ("), 400_000)...)
	if _, err := Parse(in, DefaultLimits()); !errors.Is(err, ErrLimit) {
		t.Fatalf("err = %v", err)
	}
}

// FuzzLexer checks that the lexer always terminates, keeps offsets inside
// the input and moves forward.
func FuzzLexer(f *testing.F) {
	for _, tt := range parseCases {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		lx := NewLexer(in)
		last := -1
		for range len(in) + 2 {
			tok, err := lx.Next()
			if err != nil || tok.Kind == TokenEOF {
				return
			}
			if tok.Offset <= last || tok.Len <= 0 || tok.Offset+tok.Len > len(in) {
				t.Fatalf("bad token %+v after offset %d", tok, last)
			}
			last = tok.Offset
		}
		t.Fatal("lexer did not reach EOF")
	})
}
