package ingest

import "testing"

func TestScanContent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		text    bool
		image   bool
	}{
		{"Tj in BT", "BT /F1 12 Tf (Hello) Tj ET", true, false},
		{"Tj outside BT", "(Hello) Tj", false, false},
		{"empty literal", "BT () Tj ET", false, false},
		{"line continuation only", "BT (\\\n) Tj ET", false, false},
		{"escaped paren", "BT (\\)) Tj ET", true, false},
		{"nested parens", "BT ((a)) Tj ET", true, false},
		{"empty hex", "BT <> Tj ET", false, false},
		{"hex with spaces", "BT < 41 42 > Tj ET", true, false},
		{"TJ with text", "BT [(A) -120 (B)] TJ ET", true, false},
		{"TJ with only kerning", "BT [() -120 ()] TJ ET", false, false},
		{"quote", "BT (line) ' ET", true, false},
		{"double quote", "BT 1 2 (line) \" ET", true, false},
		{"string not shown", "BT (abc) Tf ET", false, false},
		{"operands reset by operator", "BT (abc) Tc Tj ET", false, false},
		{"text in a comment", "% BT (x) Tj ET\nq Q", false, false},
		{"inline image", "q BI /W 2 /H 1 /CS /G /BPC 8 ID \x01\x02 EI Q", false, true},
		{"inline image hiding text operators", "BI /W 9 /H 1 /BPC 8 /CS /G ID BT(x)Tj EI", false, true},
		{"inline image with length", "BI /W 4 /H 1 /BPC 8 /CS /G /L 4 ID a EI EI BT (x) Tj ET", true, true},
		{"unterminated string", "BT (abc", false, false},
		{"unterminated inline image", "BI /W 1 ID xxxx", false, true},
		{"garbage", "\x00\xff]]>>{{)(((", false, false},
	}
	s := newScanner(nil, nil, 1<<20)
	for _, tt := range tests {
		r := s.scan([]byte(tt.content), nil, 0)
		if r.text != tt.text || r.image != tt.image && !r.text {
			t.Errorf("%s: text=%v image=%v, want text=%v image=%v", tt.name, r.text, r.image, tt.text, tt.image)
		}
	}
}
