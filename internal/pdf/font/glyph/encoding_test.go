package glyph

import "testing"

func TestEncodingCounts(t *testing.T) {
	tests := []struct {
		name string
		want int
	}{
		{Standard, 149},
		{WinAnsi, 218}, // 0x20-0x7E, 0x80-0x9F less five unused, 0xA0-0xFF
		{MacRoman, 223},
		{MacExpert, 165},
		{PDFDoc, 229},
		{Symbol, 189},
		{ZapfDingbats, 202},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, ok := Encoding(tt.name)
			if !ok {
				t.Fatalf("Encoding(%q) not found", tt.name)
			}
			n := 0
			for c, g := range enc {
				if g == "" {
					continue
				}
				n++
				if _, ok := ToUnicode(g); !ok {
					t.Errorf("code 0x%02X: glyph %q has no Unicode mapping", c, g)
				}
			}
			if n != tt.want {
				t.Errorf("%d mapped codes, want %d", n, tt.want)
			}
		})
	}
}

func TestEncodingValues(t *testing.T) {
	tests := []struct {
		enc  string
		code byte
		want string
	}{
		{Standard, 0x27, "quoteright"},
		{Standard, 0x60, "quoteleft"},
		{Standard, 0xAE, "fi"},
		{Standard, 0x80, ""},
		{WinAnsi, 0x27, "quotesingle"},
		{WinAnsi, 0x80, "Euro"},
		{WinAnsi, 0x95, "bullet"},
		{WinAnsi, 0x7F, ""},
		{WinAnsi, 0x81, ""},
		{WinAnsi, 0x8D, ""},
		{WinAnsi, 0x8F, ""},
		{WinAnsi, 0x90, ""},
		{WinAnsi, 0x9D, ""},
		{WinAnsi, 0xA0, "space"},
		{WinAnsi, 0xAD, "hyphen"},
		{WinAnsi, 0xE9, "eacute"},
		{MacRoman, 0x8E, "eacute"},
		{MacRoman, 0xCA, "space"},
		{MacRoman, 0xDB, "currency"},
		{MacRoman, 0xAD, "notequal"},
		{MacRoman, 0xF0, "apple"},
		{MacExpert, 0x21, "exclamsmall"},
		{PDFDoc, 0x18, "breve"},
		{PDFDoc, 0x80, "bullet"},
		{PDFDoc, 0xA0, "Euro"},
		{PDFDoc, 0xAD, ""},
		{Symbol, 0x61, "alpha"},
		{Symbol, 0xA0, "Euro"},
		{ZapfDingbats, 0x21, "a1"},
		{ZapfDingbats, 0x2B, "a12"},
		{ZapfDingbats, 0x80, "a89"},
	}
	for _, tt := range tests {
		enc, ok := Encoding(tt.enc)
		if !ok {
			t.Fatalf("Encoding(%q) not found", tt.enc)
		}
		if got := enc[tt.code]; got != tt.want {
			t.Errorf("%s[0x%02X] = %q, want %q", tt.enc, tt.code, got, tt.want)
		}
	}
}

func TestEncodingUnknownAndCopy(t *testing.T) {
	if _, ok := Encoding("Identity-H"); ok {
		t.Error("Encoding(Identity-H) ok, want not found")
	}
	a, _ := Encoding(Standard)
	a['A'] = "changed"
	b, _ := Encoding(Standard)
	if b['A'] != "A" {
		t.Errorf("Encoding shares its table: got %q after a caller's change", b['A'])
	}
}
