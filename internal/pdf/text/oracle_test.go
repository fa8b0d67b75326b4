package text_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// The oracle tests hold the extractor to two independent ones on every
// fixture under testdata/pdf:
//
//   - poppler's pdftotext: per page, the bags of words agree for at least
//     99% of words;
//   - MuPDF (python3-fitz, scripts/oracle/mupdf_chars.py, one file per
//     process): every character MuPDF reports has a glyph of ours with the
//     same text whose box is within 1 pt on every side, and every glyph of
//     ours that a reader can see has such a MuPDF character.
//
// Both tools are installed by `make test`; without them the tests skip,
// unless RG_TEST_REQUIRE_BACKENDS=1 says they must run.

const (
	wordAgreement = 0.99
	boxTolerance  = 1.0 // points
)

var repoRoot = filepath.Join("..", "..", "..")

func fixtures(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "pdf", "*.pdf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures under testdata/pdf: %v", err)
	}
	return files
}

func requireTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if err := exec.Command(name, args...).Run(); err != nil {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatalf("%s is required (make test installs it): %v", name, err)
		}
		t.Skipf("%s not available: %v", name, err)
	}
}

func extract(t *testing.T, file string) []text.Page {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ingest.Open(context.Background(), data, "", ingest.Limits{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	pages, err := text.New(doc, text.Limits{}).All(context.Background())
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	return pages
}

// words splits text into comparable words: NFKC (ligatures expanded),
// punctuation kept, white space dropped.
func words(s string) []string {
	return strings.FieldsFunc(norm.NFKC.String(s), unicode.IsSpace)
}

// bagAgreement returns the share of words the two bags have in common,
// relative to the larger bag, and the words each has that the other lacks.
func bagAgreement(ours, theirs []string) (float64, []string, []string) {
	count := map[string]int{}
	for _, w := range ours {
		count[w]++
	}
	common := 0
	var missing []string
	for _, w := range theirs {
		if count[w] > 0 {
			count[w]--
			common++
		} else {
			missing = append(missing, w)
		}
	}
	var extra []string
	for w, n := range count {
		for range n {
			extra = append(extra, w)
		}
	}
	sort.Strings(extra)
	n := max(len(ours), len(theirs))
	if n == 0 {
		return 1, nil, nil
	}
	return float64(common) / float64(n), missing, extra
}

func TestWordsAgreeWithPdftotext(t *testing.T) {
	requireTool(t, "pdftotext", "-v")
	for _, file := range fixtures(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			pages := extract(t, file)
			out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			theirPages := strings.Split(string(out), "\f")
			for _, p := range pages {
				if p.Number > len(theirPages) {
					t.Fatalf("pdftotext has %d pages, we have %d", len(theirPages), len(pages))
				}
				ours, theirs := words(p.Text), words(theirPages[p.Number-1])
				agree, missing, extra := bagAgreement(ours, theirs)
				t.Logf("page %d: %d words, pdftotext %d, agreement %.4f", p.Number, len(ours), len(theirs), agree)
				if agree < wordAgreement {
					t.Errorf("page %d: words agree %.2f%% < %.0f%%\n  pdftotext only: %q\n  ours only: %q",
						p.Number, 100*agree, 100*wordAgreement, head(missing, 30), head(extra, 30))
				}
			}
		})
	}
}

func head(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

type mupdfChar struct {
	C    string     `json:"c"`
	BBox [4]float64 `json:"bbox"`
	Font string     `json:"font"`
	Size float64    `json:"size"`
}

type mupdfPage struct {
	Number   int         `json:"number"`
	Rotation int         `json:"rotation"`
	Chars    []mupdfChar `json:"chars"`
}

func mupdf(t *testing.T, file string) []mupdfPage {
	t.Helper()
	cmd := exec.Command("/usr/bin/python3", filepath.Join(repoRoot, "scripts", "oracle", "mupdf_chars.py"), file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mupdf_chars.py: %v: %s", err, stderr.String())
	}
	var doc struct {
		Pages []mupdfPage `json:"pages"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("mupdf_chars.py output: %v", err)
	}
	return doc.Pages
}

func boxDistance(a, b [4]float64) float64 {
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
	}
	return d
}

func TestGlyphBoxesAgreeWithMuPDF(t *testing.T) {
	requireTool(t, "/usr/bin/python3", "-c", "import fitz")
	for _, file := range fixtures(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			pages := extract(t, file)
			theirs := mupdf(t, file)
			if len(theirs) != len(pages) {
				t.Fatalf("MuPDF has %d pages, we have %d", len(theirs), len(pages))
			}
			for i, p := range pages {
				checkBoxes(t, p, theirs[i])
			}
		})
	}
}

// checkBoxes matches MuPDF's characters to our glyphs one to one: same
// text (NFKC), nearest box.
func checkBoxes(t *testing.T, p text.Page, mp mupdfPage) {
	t.Helper()
	type cand struct {
		g    *text.Glyph
		box  [4]float64
		used bool
	}
	byText := map[string][]*cand{}
	visible := 0
	for i := range p.Glyphs {
		g := &p.Glyphs[i]
		k := norm.NFKC.String(g.Text)
		if strings.TrimSpace(k) == "" {
			continue
		}
		byText[k] = append(byText[k], &cand{g: g, box: g.Quad.Bounds()})
		if !outsideCrop(g, p) {
			visible++
		}
	}
	worst, matched, bad := 0.0, 0, 0
	for _, c := range mp.Chars {
		k := norm.NFKC.String(c.C)
		if strings.TrimSpace(k) == "" {
			continue
		}
		var best *cand
		bestD := math.Inf(1)
		for _, cd := range byText[k] {
			if cd.used {
				continue
			}
			if d := boxDistance(cd.box, c.BBox); d < bestD {
				best, bestD = cd, d
			}
		}
		if best == nil {
			bad++
			if bad <= 10 {
				t.Errorf("page %d: MuPDF's %q at %v has no glyph of ours", p.Number, c.C, c.BBox)
			}
			continue
		}
		best.used = true
		matched++
		worst = max(worst, bestD)
		if bestD > boxTolerance {
			bad++
			if bad <= 10 {
				t.Errorf("page %d: %q box %v, MuPDF %v: %.2f pt apart", p.Number, c.C, fmtBox(best.box), c.BBox, bestD)
			}
		}
	}
	unmatched := 0
	for _, cs := range byText {
		for _, cd := range cs {
			if !cd.used && !outsideCrop(cd.g, p) {
				unmatched++
				if unmatched <= 10 {
					t.Errorf("page %d: our %q at %v has no MuPDF character", p.Number, cd.g.Text, fmtBox(cd.box))
				}
			}
		}
	}
	t.Logf("page %d: %d visible glyphs, %d matched MuPDF, worst %.3f pt", p.Number, visible, matched, worst)
}

// outsideCrop: glyphs whose centre is outside the crop box are dropped by
// MuPDF as by every reader.
func outsideCrop(g *text.Glyph, p text.Page) bool {
	b := g.Quad.Bounds()
	cx, cy := (b[0]+b[2])/2, (b[1]+b[3])/2
	c := p.CropBox
	return cx < c[0] || cx > c[2] || cy < c[1] || cy > c[3]
}

func fmtBox(b [4]float64) string {
	return fmt.Sprintf("[%.2f %.2f %.2f %.2f]", b[0], b[1], b[2], b[3])
}
