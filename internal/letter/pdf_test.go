package letter

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// extract reads a rendered PDF back with the repository's own extractor.
func extract(t *testing.T, pdf []byte) []text.Page {
	t.Helper()
	ctx := context.Background()
	doc, err := ingest.Open(ctx, pdf, "", ingest.Limits{})
	if err != nil {
		t.Fatalf("open rendered PDF: %v", err)
	}
	pages, err := text.New(doc, text.Limits{}).All(ctx)
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	for _, p := range pages {
		if len(p.Problems) > 0 {
			t.Errorf("page %d: %v", p.Number, p.Problems)
		}
	}
	return pages
}

// footer matches the page numbers, which fall inside text that runs over.
var footer = regexp.MustCompile(`Page \d+ of \d+`)

func allText(pages []text.Page) string {
	var b strings.Builder
	for _, p := range pages {
		b.WriteString(p.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// checkGeometry: every page is A4 and every glyph lies inside the 25 mm
// margins.
func checkGeometry(t *testing.T, pages []text.Page) {
	t.Helper()
	const tol = 0.01
	for _, p := range pages {
		if p.Width < 595 || p.Width > 596 || p.Height < 841 || p.Height > 842 {
			t.Errorf("page %d is %.2f × %.2f, not A4", p.Number, p.Width, p.Height)
		}
		for _, g := range p.Glyphs {
			b := g.Quad.Bounds()
			if b[0] < left-tol || b[2] > right+tol || b[1] < margin-tol || b[3] > top+tol {
				t.Errorf("page %d: glyph %q at [%.2f %.2f %.2f %.2f] outside the text area [%.2f %.2f %.2f %.2f]",
					p.Number, g.Text, b[0], b[1], b[2], b[3], left, margin, right, top)
				return
			}
			if g.Font != "Helvetica" && g.Font != "Helvetica-Bold" {
				t.Errorf("page %d: glyph %q in font %q", p.Number, g.Text, g.Font)
				return
			}
		}
	}
}

func write(t *testing.T, name string, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPDFEveryKind(t *testing.T) {
	for _, k := range kinds {
		t.Run(string(k), func(t *testing.T) {
			r, err := Render(k, sample(k), now)
			if err != nil {
				t.Fatal(err)
			}
			pages := extract(t, r.PDF)
			if len(pages) != 1 {
				t.Errorf("%d pages, want 1", len(pages))
			}
			checkGeometry(t, pages)
			got := flat(allText(pages))
			for _, s := range append([]string{"Children's Services", "23 November 2026", "Page 1 of 1"}, want[k]...) {
				if !strings.Contains(got, s) {
					t.Errorf("letter lacks %q:\n%s", s, got)
				}
			}
			if pages[0].Glyphs[0].Text != "C" || pages[0].Glyphs[0].Font != "Helvetica-Bold" {
				t.Errorf("letter does not open with the bold letterhead: %q in %s", pages[0].Glyphs[0].Text, pages[0].Glyphs[0].Font)
			}

			path := write(t, string(k)+".pdf", r.PDF)
			if qpdf, err := exec.LookPath("qpdf"); err == nil {
				if out, err := exec.Command(qpdf, "--check", path).CombinedOutput(); err != nil {
					t.Errorf("qpdf --check: %v\n%s", err, out)
				}
			} else {
				t.Log("qpdf not installed: check skipped")
			}
			if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
				out, err := exec.Command(pdftotext, "-enc", "UTF-8", path, "-").CombinedOutput()
				if err != nil {
					t.Fatalf("pdftotext: %v\n%s", err, out)
				}
				got := flat(string(out))
				for _, s := range want[k] {
					if !strings.Contains(got, s) {
						t.Errorf("pdftotext lacks %q:\n%s", s, got)
					}
				}
			} else {
				t.Log("pdftotext not installed: check skipped")
			}
		})
	}
}

// TestLongLetter: forty redaction reasons and an unbreakable word run
// onto a second page, and no line runs past the margins.
func TestLongLetter(t *testing.T) {
	d := sample(ConsentRequest)
	var reasons []string
	for i := 1; i <= 40; i++ {
		reasons = append(reasons, fmt.Sprintf("Reason %d: third-party personal data about a neighbour mentioned on page %d of the report, which the family should not see", i, i))
	}
	long := strings.Repeat("W", 120)
	reasons = append(reasons, long)
	d["RedactionReasons"] = reasons
	r, err := Render(ConsentRequest, d, now)
	if err != nil {
		t.Fatal(err)
	}
	pages := extract(t, r.PDF)
	if len(pages) < 2 {
		t.Fatalf("%d page(s), want the letter to run onto a second", len(pages))
	}
	checkGeometry(t, pages)
	if !strings.Contains(pages[0].Text, "Reason 1:") || strings.Contains(pages[0].Text, "Reason 40:") {
		t.Error("the reasons do not start on page 1 and run over")
	}
	last := pages[len(pages)-1]
	if !strings.Contains(last.Text, fmt.Sprintf("Page %d of %d", len(pages), len(pages))) {
		t.Errorf("last page not numbered:\n%s", last.Text)
	}
	got := flat(footer.ReplaceAllString(allText(pages), ""))
	for i := 1; i <= 40; i++ {
		if !strings.Contains(got, fmt.Sprintf("Reason %d: third-party personal data about a neighbour mentioned on page %d of the report,", i, i)) {
			t.Errorf("reason %d lost", i)
		}
	}
	if n := strings.Count(strings.ReplaceAll(got, " ", ""), "W"); n < len(long) {
		t.Errorf("the long word kept %d of its %d letters", n, len(long))
	}
	if !strings.Contains(got, "Yours sincerely,") {
		t.Error("sign-off lost")
	}
	if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command(pdftotext, write(t, "long.pdf", r.PDF), "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		if pp := strings.Count(string(out), "\f"); pp != len(pages) {
			t.Errorf("pdftotext sees %d pages, the extractor %d", pp, len(pages))
		}
	}
}

// TestLiteralText: markup and PDF syntax in the data are printed as
// written, in the email and in the letter.
func TestLiteralText(t *testing.T) {
	d := sample(ConsentRequest)
	name := `Dr <b>Smith</b> & "Partners" (\Ltd)`
	title := `<script>alert('x')</script> ) Tj ET`
	d["AuthorName"] = name
	d["DocumentTitle"] = title
	r, err := Render(ConsentRequest, d, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{name, title} {
		if !strings.Contains(r.Text, s) {
			t.Errorf("email lacks %q:\n%s", s, r.Text)
		}
	}
	got := flat(allText(extract(t, r.PDF)))
	for _, s := range []string{name, title} {
		if !strings.Contains(got, s) {
			t.Errorf("letter lacks %q:\n%s", s, got)
		}
	}
	if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command(pdftotext, "-enc", "UTF-8", write(t, "literal.pdf", r.PDF), "-").CombinedOutput()
		if err != nil {
			t.Fatalf("pdftotext: %v\n%s", err, out)
		}
		for _, s := range []string{name, title} {
			if !strings.Contains(flat(string(out)), s) {
				t.Errorf("pdftotext lacks %q", s)
			}
		}
	}
}

// TestOutsideWinAnsi: the email keeps every character; the letter prints
// those Helvetica cannot show as "?".
func TestOutsideWinAnsi(t *testing.T) {
	d := sample(ConsentRequest)
	d["AuthorName"] = "Zoë O’Brien — 日本"
	r, err := Render(ConsentRequest, d, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Text, "Dear Zoë O’Brien — 日本,") {
		t.Errorf("email changed the name:\n%s", r.Text)
	}
	if got := allText(extract(t, r.PDF)); !strings.Contains(got, "Dear Zoë O’Brien — ??,") {
		t.Errorf("letter lacks the name with ? for what WinAnsi cannot show:\n%s", got)
	}
}
