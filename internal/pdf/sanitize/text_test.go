package sanitize

import (
	"slices"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

func TestTextOf(t *testing.T) {
	cases := []struct {
		name string
		o    types.Object
		want []string
	}{
		{"literal", types.StringLiteral(`Jane \(Doe\)`), []string{"Jane (Doe)"}},
		{"octal escape", types.StringLiteral(`Jane\040Doe`), []string{"Jane Doe"}},
		{"UTF-16BE", types.HexLiteral("FEFF004A00E9"), []string{"Jé"}},
		{"UTF-16BE surrogate pair", types.HexLiteral("FEFFD83DDE00"), []string{"😀"}},
		{"UTF-16BE broken surrogate", types.HexLiteral("FEFFD83D0041"), []string{"\uFFFDA"}},
		{"UTF-16BE odd length", types.HexLiteral("FEFF004100"), []string{"A\uFFFD"}},
		{"UTF-16LE marked", types.HexLiteral("FFFE4A006F00"), []string{"Jo"}},
		{"UTF-8 with BOM", types.HexLiteral("EFBBBF4AC3A9"), []string{"Jé"}},
		{"PDFDocEncoding", types.HexLiteral("93656C64"), []string{"\ufb01eld"}},
		{"PDFDocEncoding or unmarked UTF-8", types.HexLiteral("4AC3A9"), []string{"JÃ©", "Jé"}},
		{"hex with odd digits", types.HexLiteral("4A6"), []string{"J`"}},
		{"name", types.Name("Jane#20Doe"), []string{"Jane Doe"}},
		{"not text", types.Integer(3), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := textOf(tc.o); !slices.Equal(got, tc.want) {
				t.Errorf("textOf(%v) = %q, want %q", tc.o, got, tc.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		term, text string
		want       bool
	}{
		{"Jane Doe", "call JANE DOE today", true},
		{"Jane Doe", "Jane\n\t Doe", true},
		{"Jane  Doe", "jane doe", true},
		{"Jane Doe", "Jane\u00a0Doe", true},
		{"Jane Doe", "Ja\u00adne Doe", true}, // soft hyphen
		{"Jane Doe", "Jane\u200bDoe", false}, // zero-width space joins the words
		{"fire", "\ufb01re", true},           // ligature
		{"Jane Doe", "Jane Do", false},
		{"Jane Doe", "JaneDoe", false},
		{"   ", "anything", false},
		{"Émilie", "EMILIE", false},
		{"Émilie", "ÉMILIE", true},
	}
	for _, tc := range cases {
		if got := newMatcher([]string{tc.term}).match(tc.text); got != tc.want {
			t.Errorf("term %q in %q: %v, want %v", tc.term, tc.text, got, tc.want)
		}
	}
}

func TestMarkupText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"<body><p>Ja<b>ne</b> Doe</p></body>", "  Jane Doe  "},
		{"<p>Jane</p><p>Doe</p>", " Jane  Doe "},
		{"Jane&#32;Doe &amp; co", "Jane Doe & co"},
	}
	for _, tc := range cases {
		if got := markupText(tc.in); got != tc.want {
			t.Errorf("markupText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
