package text_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

const helv = "<< /Font << /F1 5 0 R >> >>"

func page1(t *testing.T, pdf []byte, lim text.Limits) (text.Page, error) {
	t.Helper()
	doc, err := ingest.Open(context.Background(), pdf, "", ingest.Limits{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return text.New(doc, lim).Page(context.Background(), 1)
}

func mustPage(t *testing.T, pdf []byte) text.Page {
	t.Helper()
	p, err := page1(t, pdf, text.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-3 }

// TestTextState checks the arithmetic of §9.4.4 on Helvetica, whose
// widths are known: A 667, B 667, space 278 (1/1000 em).
func TestTextState(t *testing.T) {
	tests := []struct {
		name    string
		content string
		text    string
		x0      []float64 // left edge of each non-space glyph
	}{
		{"Tj", "BT /F1 10 Tf 100 700 Td (AB) Tj ET", "AB", []float64{100, 106.67}},
		{"Tc adds after each glyph", "BT /F1 10 Tf 2 Tc 100 700 Td (AB) Tj ET", "AB", []float64{100, 108.67}},
		{"Tz scales advance and spacing", "BT /F1 10 Tf 2 Tc 50 Tz 100 700 Td (AB) Tj ET", "AB", []float64{100, 104.335}},
		{"Tw applies to code 32", "BT /F1 10 Tf 5 Tw 100 700 Td (A B) Tj ET", "A B", []float64{100, 100 + 6.67 + 2.78 + 5}},
		{"TJ adjustment in thousandths", "BT /F1 10 Tf 100 700 Td [(A) -500 (B)] TJ ET", "A B", []float64{100, 100 + 6.67 + 5}},
		{"TJ kerning keeps a word", "BT /F1 10 Tf 100 700 Td [(A) 80 (B)] TJ ET", "AB", []float64{100, 100 + 6.67 - 0.8}},
		{"Tm then T* with TL", "BT /F1 10 Tf 12 TL 1 0 0 1 100 700 Tm (A) Tj T* (B) Tj ET", "A\nB", []float64{100, 100}},
		{"cm scales", "q 2 0 0 2 0 0 cm BT /F1 10 Tf 50 350 Td (AB) Tj ET Q", "AB", []float64{100, 113.34}},
		{"' moves to the next line", "BT /F1 10 Tf 14 TL 100 700 Td (A) Tj (B) ' ET", "A\nB", []float64{100, 100}},
		{"\" sets Tw and Tc", "BT /F1 10 Tf 14 TL 100 700 Td 3 1 (A B) \" ET", "A B", []float64{100, 100 + 6.67 + 1 + 2.78 + 3 + 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPage(t, ingesttest.OnePage(tc.content, helv))
			if p.Text != tc.text {
				t.Errorf("text %q, want %q", p.Text, tc.text)
			}
			var x0 []float64
			for _, g := range p.Glyphs {
				if g.Text != " " {
					x0 = append(x0, g.Quad.Bounds()[0])
				}
			}
			if len(x0) != len(tc.x0) {
				t.Fatalf("%d glyphs, want %d", len(x0), len(tc.x0))
			}
			for i := range x0 {
				if !near(x0[i], tc.x0[i]) {
					t.Errorf("glyph %d at x=%.3f, want %.3f", i, x0[i], tc.x0[i])
				}
			}
		})
	}
}

// TestSource checks that each glyph says which operator, TJ element and
// string bytes drew it: what the redaction engine cuts.
func TestSource(t *testing.T) {
	content := "BT /F1 10 Tf 100 700 Td (Hi) Tj [(ab) -200 (c)] TJ ET"
	p := mustPage(t, ingesttest.OnePage(content, helv))
	want := []text.Source{
		{Op: 3, Elem: 0, Start: 0, End: 1}, {Op: 3, Elem: 0, Start: 1, End: 2},
		{Op: 4, Elem: 0, Start: 0, End: 1}, {Op: 4, Elem: 0, Start: 1, End: 2},
		{Op: 4, Elem: 2, Start: 0, End: 1},
	}
	if len(p.Glyphs) != len(want) {
		t.Fatalf("%d glyphs, want %d", len(p.Glyphs), len(want))
	}
	for i, g := range p.Glyphs {
		if g.Source != want[i] {
			t.Errorf("glyph %d %q: source %+v, want %+v", i, g.Text, g.Source, want[i])
		}
	}
}

func TestInvisible(t *testing.T) {
	tests := []struct {
		name      string
		content   string
		invisible bool
	}{
		{"plain", "BT /F1 10 Tf 100 700 Td (A) Tj ET", false},
		{"render mode 3", "BT /F1 10 Tf 3 Tr 100 700 Td (A) Tj ET", true},
		{"render mode 7", "BT /F1 10 Tf 7 Tr 100 700 Td (A) Tj ET", true},
		{"clipped away", "q 0 0 50 50 re W n BT /F1 10 Tf 100 700 Td (A) Tj ET Q", true},
		{"inside the clip", "q 0 600 200 200 re W n BT /F1 10 Tf 100 700 Td (A) Tj ET Q", false},
		{"white on white", "1 g BT /F1 10 Tf 100 700 Td (A) Tj ET", true},
		{"white on a dark box", "0 0 1 rg 90 690 50 20 re f 1 1 1 rg BT /F1 10 Tf 100 700 Td (A) Tj ET", false},
		{"white CMYK on white", "0 0 0 0 k BT /F1 10 Tf 100 700 Td (A) Tj ET", true},
		{"off the page", "BT /F1 10 Tf 700 700 Td (A) Tj ET", true},
		{"restored after Q", "q 3 Tr Q BT /F1 10 Tf 100 700 Td (A) Tj ET", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPage(t, ingesttest.OnePage(tc.content, helv))
			if len(p.Glyphs) != 1 {
				t.Fatalf("%d glyphs, want 1", len(p.Glyphs))
			}
			if p.Glyphs[0].Invisible != tc.invisible {
				t.Errorf("invisible = %v, want %v", p.Glyphs[0].Invisible, tc.invisible)
			}
		})
	}
}

// nestedForms returns a page that paints form 10, which paints 11, … down
// to depth forms; the innermost shows "deep".
func nestedForms(depth int) []byte {
	var extra []ingesttest.Object
	for i := range depth {
		n := 10 + i
		body := fmt.Sprintf("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X %d 0 R >> /Font << /F1 5 0 R >> >>", n+1)
		content := "/X Do"
		if i == depth-1 {
			body = "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>"
			content = "BT /F1 10 Tf 100 700 Td (deep) Tj ET"
		}
		extra = append(extra, ingesttest.Object{Num: n, Body: body, Stream: []byte(content)})
	}
	return ingesttest.OnePage("/X Do", "<< /XObject << /X 10 0 R >> >>", extra...)
}

func TestLimits(t *testing.T) {
	many := strings.Repeat("q Q ", 20000)
	tests := []struct {
		name string
		pdf  []byte
		lim  text.Limits
		msg  string
	}{
		{"operators", ingesttest.OnePage(many, helv), text.Limits{MaxOps: 1000}, "more than 1000 operat"},
		{"form depth", nestedForms(20), text.Limits{}, "forms nested more than 12 deep"},
		{"time budget", ingesttest.OnePage(many, helv), text.Limits{PageBudget: time.Nanosecond}, "took longer than"},
		{"stream size", ingesttest.OnePage(many, helv), text.Limits{MaxStreamBytes: 1000}, "more than 1000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := page1(t, tc.pdf, tc.lim)
			var pe *text.PageError
			if !errors.As(err, &pe) || pe.Page != 1 {
				t.Fatalf("error %v, want a *PageError for page 1", err)
			}
			if !strings.HasPrefix(err.Error(), "page 1: ") || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q, want it to name page 1 and say %q", err, tc.msg)
			}
		})
	}
	t.Run("forms within the limit", func(t *testing.T) {
		p := mustPage(t, nestedForms(10))
		if p.Text != "deep" {
			t.Errorf("text %q, want %q", p.Text, "deep")
		}
		if g := p.Glyphs[0]; g.Source.Form != 19 {
			t.Errorf("glyph drawn by form %d, want 19", g.Source.Form)
		}
	})
}

func TestDamagedInput(t *testing.T) {
	tests := []struct {
		name, content, resources, problem string
		extra                             []ingesttest.Object
		text                              string
	}{
		{name: "unknown font", content: "BT /F9 10 Tf 100 700 Td (A) Tj ET", resources: helv, problem: "font F9 is not in the resources"},
		{name: "syntax error keeps what came before", content: "BT /F1 10 Tf 100 700 Td (AB) Tj ET ] BT (C) Tj ET", resources: helv, problem: "syntax", text: "AB"},
		{name: "wrong operands are skipped", content: "BT /F1 10 Tf (x) Td 100 700 Td /A Tj (AB) Tj ET", resources: helv, text: "AB"},
		{name: "form that paints itself", content: "/X Do", resources: "<< /XObject << /X 10 0 R >> >>", problem: "paints itself",
			extra: []ingesttest.Object{{Num: 10, Body: "/Type /XObject /Subtype /Form /BBox [0 0 9 9] /Resources << /XObject << /X 10 0 R >> >>", Stream: []byte("/X Do")}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := mustPage(t, ingesttest.OnePage(tc.content, tc.resources, tc.extra...))
			if p.Text != tc.text {
				t.Errorf("text %q, want %q", p.Text, tc.text)
			}
			found := tc.problem == ""
			for _, pr := range p.Problems {
				found = found || strings.Contains(pr, tc.problem)
			}
			if !found {
				t.Errorf("problems %q, want one saying %q", p.Problems, tc.problem)
			}
		})
	}
}
