package glyph

import (
	"strings"
	"testing"
)

func TestToUnicode(t *testing.T) {
	tests := []struct {
		name   string
		want   string
		wantOK bool
	}{
		{"A", "A", true},
		{"space", " ", true},
		{"Euro", "€", true},
		{"fi", "\uFB01", true},
		{"ffi", "\uFB03", true},
		{"f_f_i", "ffi", true},
		{"T_h", "Th", true},
		{"uni0041", "A", true},
		{"uni00410042", "AB", true},
		{"uni20AC", "€", true},
		{"uni20ac", "", false},     // lowercase hex is not AGL
		{"uniD800", "", false},     // surrogate
		{"uni0041D800", "", false}, // any surrogate group spoils it
		{"uni004", "", false},      // not a multiple of four
		{"uni", "", false},         // no digits
		{"u1F600", "😀", true},      // five digits
		{"u0041", "A", true},       // four digits
		{"u10FFFF", "\U0010FFFF", true},
		{"u110000", "", false},  // past the last scalar value
		{"uD800", "", false},    // surrogate
		{"u041", "", false},     // too short
		{"u0000041", "", false}, // too long
		{"a12", "☞", true},      // ZDGL: a12 is U+261E
		{"a13", "✌", true},      // ZDGL: a13 is U+270C
		{"a191", "\u27BE", true},
		{"space.sc", " ", true},
		{"A.swash.alt", "A", true},
		{"f_i.liga", "fi", true},
		{"Lcommaaccent", "Ļ", true},
		{"dalethatafpatah", "\u05D3\u05B2", true}, // AGL entry of two characters
		{"g123", "", false},
		{"cid42", "", false},
		{"glyph7", "", false},
		{".notdef", "", false},
		{"", "", false},
		{"_", "", false},
		{"x_g12_y", "xy", true}, // unmapped components give nothing
		{"foo", "", false},
		{strings.Repeat("A_", 1000), "", false}, // over the length bound
	}
	for _, tt := range tests {
		got, ok := ToUnicode(tt.name)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ToUnicode(%.20q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestNamesSorted(t *testing.T) {
	for i := 1; i < len(names); i++ {
		if names[i-1].name >= names[i].name {
			t.Fatalf("names not sorted at %d: %q >= %q", i, names[i-1].name, names[i].name)
		}
	}
	// AGL 2.0 has 4281 names; the ZDGL adds 201.
	if got, want := len(names), 4281+201; got != want {
		t.Errorf("len(names) = %d, want %d", got, want)
	}
}

func BenchmarkToUnicode(b *testing.B) {
	for b.Loop() {
		ToUnicode("Lcommaaccent")
		ToUnicode("uni00410042")
		ToUnicode("f_f_i.liga")
	}
}
