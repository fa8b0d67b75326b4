package redact

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/releasegate/releasegate/internal/pdf/text"
)

func readTermsFile(t testing.TB) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "..", "testdata", "redact-terms.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var terms []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" && !strings.HasPrefix(s, "#") {
			terms = append(terms, s)
		}
	}
	return terms
}

// oracleText is how an independent tool sees text, folded for matching:
// NFKC, lower case, hyphen and apostrophe variants as ASCII, white space
// as single spaces, hyphenated line ends joined.
func oracleText(s string) string {
	s = strings.NewReplacer("\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2019", "'", "\u2018", "'").Replace(strings.ToLower(norm.NFKC.String(s)))
	s = regexp.MustCompile(`-\s*\n\s*`).ReplaceAllString(s, "")
	return strings.Join(strings.Fields(s), " ")
}

// TestFixturesLeakNothing redacts every fixture with the terms of
// testdata/redact-terms.txt and checks the output with pdftotext, MuPDF
// and qpdf: no term survives, and the file is valid.
func TestFixturesLeakNothing(t *testing.T) {
	for _, tool := range []string{"pdftotext", "qpdf", "/usr/bin/python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
				t.Fatalf("%s is required (make test installs it)", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	terms := readTermsFile(t)
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "pdf", "*.pdf"))
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			out, rep, _, err := Redact(context.Background(), in, "", Options{Terms: terms})
			if err != nil {
				t.Fatal(err)
			}
			removed := 0
			for _, p := range rep.Pages {
				removed += p.GlyphsRemoved
			}
			path := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(path, out, 0o600); err != nil {
				t.Fatal(err)
			}
			if o, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
				t.Fatalf("qpdf --check: %v\n%s", err, o)
			}
			pt, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			mu, err := exec.Command("/usr/bin/python3", "-c", `import sys, fitz
d = fitz.open(sys.argv[1])
print("\n".join(p.get_text() for p in d))`, path).Output()
			if err != nil {
				t.Fatalf("MuPDF: %v", err)
			}
			for _, term := range terms {
				tt := oracleText(term)
				if strings.Contains(oracleText(string(pt)), tt) {
					t.Errorf("pdftotext finds %q", term)
				}
				if strings.Contains(oracleText(string(mu)), tt) {
					t.Errorf("MuPDF finds %q", term)
				}
			}
			t.Logf("%d glyphs removed", removed)
		})
	}
}

// TestFixturesMarksLeaveNothing redacts a band across the middle of every
// page of every fixture and asks MuPDF, independently, for the characters
// left: none may have its centre in the band, and words above and below
// it survive.
func TestFixturesMarksLeaveNothing(t *testing.T) {
	if _, err := exec.LookPath("/usr/bin/python3"); err != nil || exec.Command("/usr/bin/python3", "-c", "import fitz").Run() != nil {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatal("python3-fitz is required (make test installs it)")
		}
		t.Skip("python3-fitz not installed")
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "pdf", "*.pdf"))
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			in, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			// The band: the middle third of the height the page's text
			// spans, across the whole page.
			var marks []Mark
			for _, p := range pageText(t, in) {
				lo, hi := math.Inf(1), math.Inf(-1)
				for _, g := range p.Glyphs {
					b := g.Quad.Bounds()
					lo, hi = min(lo, b[1]), max(hi, b[3])
				}
				if lo > hi {
					lo, hi = 0, p.Height
				}
				third := (hi - lo) / 3
				marks = append(marks, Mark{Page: p.Number, Rect: [4]float64{-1000, lo + third, p.Width + 1000, hi - third}, Reason: "test band"})
			}
			out, rep, _, err := Redact(context.Background(), in, "", Options{Marks: marks, Policy: Exact})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "out.pdf")
			if err := os.WriteFile(path, out, 0o600); err != nil {
				t.Fatal(err)
			}
			raw, err := exec.Command("/usr/bin/python3", filepath.Join("..", "..", "..", "scripts", "oracle", "mupdf_chars.py"), path).Output()
			if err != nil {
				t.Fatalf("mupdf_chars.py: %v", err)
			}
			var doc struct {
				Pages []struct {
					Number int `json:"number"`
					Chars  []struct {
						C    string     `json:"c"`
						BBox [4]float64 `json:"bbox"`
					} `json:"chars"`
				} `json:"pages"`
			}
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatal(err)
			}
			removed, kept := 0, 0
			for _, p := range rep.Pages {
				removed += p.GlyphsRemoved
			}
			for i, p := range doc.Pages {
				m := marks[i].Rect
				for _, c := range p.Chars {
					if strings.TrimSpace(c.C) == "" {
						continue
					}
					cy := (c.BBox[1] + c.BBox[3]) / 2
					cx := (c.BBox[0] + c.BBox[2]) / 2
					if cx >= m[0] && cx <= m[2] && cy >= m[1] && cy <= m[3] {
						t.Errorf("page %d: MuPDF finds %q at %v inside the band", p.Number, c.C, c.BBox)
					} else {
						kept++
					}
				}
			}
			t.Logf("%d glyphs removed, %d characters kept outside the band", removed, kept)
			if removed == 0 || kept == 0 {
				t.Errorf("the band removed %d glyphs and kept %d: the check proves nothing", removed, kept)
			}
		})
	}
}

// TestFixturesLayoutHidesWidths: on every line of every fixture that lost
// text under the quantised policy, each pair of neighbouring glyphs in the
// output sits at one of the layout's own distances (touching, a quarter-em
// word gap, drawn over its neighbour, or a column apart), so the line's
// spacing says nothing about the removed text; no kept glyph lies under a
// box; and no page fell back to its exact layout. The same measurement
// finds the producers' own kerning and justification on the exact
// policy's output, so it can fail.
func TestFixturesLayoutHidesWidths(t *testing.T) {
	terms := readTermsFile(t)
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "pdf", "*.pdf"))
	exactOdd := 0
	for _, file := range files {
		in, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, policy := range []Policy{Quantised, Exact} {
			out, rep, _, err := Redact(context.Background(), in, "", Options{Terms: terms, Policy: policy})
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			covered, odd, pairs := layoutOddities(pageText(t, out), rep)
			if policy == Exact {
				exactOdd += odd
				continue
			}
			t.Logf("%s: %d glyph pairs on redacted lines", filepath.Base(file), pairs)
			if odd > 0 || covered > 0 || rep.WidthsLeak {
				t.Errorf("%s: %d pairs of glyphs at a distance the layout does not make, %d kept glyphs under a box, widths leak %v (%q)", filepath.Base(file), odd, covered, rep.WidthsLeak, rep.Problems)
			}
		}
	}
	if exactOdd == 0 {
		t.Error("the exact layouts show no kerning or justification either: the measurement cannot tell")
	}
}

// layoutOddities measures a redacted output: kept glyphs with their centre
// under a drawn box, and pairs of neighbouring glyphs on a line crossing a
// box whose distance is not one the quantised layout makes.
func layoutOddities(pages []text.Page, rep Report) (covered, odd, pairs int) {
	for _, pr := range rep.Pages {
		p := &pages[pr.Page-1]
		for _, a := range pr.Areas {
			for _, g := range p.Glyphs {
				b := g.Quad.Bounds()
				cx, cy := (b[0]+b[2])/2, (b[1]+b[3])/2
				if cx > a[0] && cx < a[2] && cy > a[1] && cy < a[3] {
					covered++
				}
			}
		}
		for _, vl := range visualLines(p) {
			crosses := false
			for _, gi := range vl.glyphs {
				b := p.Glyphs[gi].Quad.Bounds()
				for _, a := range pr.Areas {
					crosses = crosses || ((b[1]+b[3])/2 > a[1] && (b[1]+b[3])/2 < a[3])
				}
			}
			if !crosses || !vl.ok {
				continue
			}
			for i := 1; i < len(vl.glyphs); i++ {
				ga, gb := &p.Glyphs[vl.glyphs[i-1]], &p.Glyphs[vl.glyphs[i]]
				gap := dot(gb.Quad[0], vl.dir) - (dot(ga.Quad[0], vl.dir) + ga.Width*ga.Unit)
				em := max(ga.Size, gb.Size)
				pairs++
				switch {
				case math.Abs(gap) < 0.01, math.Abs(gap-spaceGap*em) < 0.01, gap < -kernGap*em, gap > columnGap*em:
				default:
					odd++
				}
			}
		}
	}
	return covered, odd, pairs
}
