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

// pdftotextWrong lists the pages where pdftotext itself is wrong, each
// with the reason; their words are compared with MuPDF's instead (and the
// edge cases also with their ground truth, in TestGroundTruth).
var pdftotextWrong = map[string]string{
	"edge-cid-noto.pdf#1":             "no ToUnicode: pdftotext prints glyph numbers, it does not read the TrueType cmap",
	"edge-rotated.pdf#4":              "a line turned 30 degrees: pdftotext breaks it into letter fragments",
	"school-letter.ghostscript.pdf#1": "a rotated note: pdftotext breaks it into letter fragments",
	"edge-tj-kerning.pdf#1":           "a word letter-spaced with Tc: pdftotext splits it into letters",
}

// mupdfWrong lists the pages where MuPDF's words are wrong too.
var mupdfWrong = map[string]string{
	"edge-cid-noto.pdf#1":   "no ToUnicode: MuPDF prints U+FFFD, it does not read the TrueType cmap",
	"edge-tj-kerning.pdf#1": "a word letter-spaced with Tc: MuPDF splits it into letters",
}

func TestWordsAgreeWithPdftotext(t *testing.T) {
	requireTool(t, "pdftotext", "-v")
	requireTool(t, "/usr/bin/python3", "-c", "import fitz")
	for _, file := range fixtures(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			pages := extract(t, file)
			out, err := exec.Command("pdftotext", "-enc", "UTF-8", file, "-").Output()
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			theirPages := strings.Split(string(out), "\f")
			var mu []mupdfPage
			for _, p := range pages {
				if p.Number > len(theirPages) {
					t.Fatalf("pdftotext has %d pages, we have %d", len(theirPages), len(pages))
				}
				key := fmt.Sprintf("%s#%d", filepath.Base(file), p.Number)
				oracle, theirText := "pdftotext", theirPages[p.Number-1]
				if why, ok := pdftotextWrong[key]; ok {
					if why2, ok := mupdfWrong[key]; ok {
						t.Logf("page %d: both oracles are wrong here (%s; %s): TestGroundTruth checks it", p.Number, why, why2)
						continue
					}
					if mu == nil {
						mu = mupdf(t, file)
					}
					oracle, theirText = "MuPDF", mu[p.Number-1].Text
					t.Logf("page %d: compared with MuPDF: %s", p.Number, why)
				}
				// Both oracles drop text whose centre is outside the
				// MediaBox, which the engine keeps.
				shown := shownText(p)
				ours, theirs := dehyphenate(shown), words(theirText)
				if oracle == "MuPDF" {
					ours = words(shown) // MuPDF keeps hyphenated line ends as they are
				}
				agree, missing, extra := bagAgreement(ours, theirs)
				t.Logf("page %d: %d words, %s %d, agreement %.4f", p.Number, len(ours), oracle, len(theirs), agree)
				if agree < wordAgreement {
					t.Errorf("page %d: words agree %.2f%% with %s < %.0f%%\n  %s only: %q\n  ours only: %q",
						p.Number, 100*agree, oracle, 100*wordAgreement, oracle, head(missing, 30), head(extra, 30))
				}
			}
		})
	}
}

// shownText is the page's text without the words whose glyphs all lie
// outside the MediaBox.
func shownText(p text.Page) string {
	var b strings.Builder
	for _, w := range p.Words {
		out := true
		for _, gi := range w.Glyphs {
			bb := p.Glyphs[gi].Quad.Bounds()
			cx, cy := (bb[0]+bb[2])/2, (bb[1]+bb[3])/2
			out = out && (cx < 0 || cy < 0 || cx > p.Width || cy > p.Height)
		}
		if !out {
			b.WriteString(w.Text)
			b.WriteByte(' ')
		}
	}
	// Line structure matters only for dehyphenation; keep the page's
	// lines when nothing was dropped.
	if b.Len() == 0 || len(strings.Fields(b.String())) == len(strings.Fields(p.Text)) {
		return p.Text
	}
	return b.String()
}

// dehyphenate splits text into words as pdftotext reports them: it joins a
// word hyphenated at the end of a line with the start of the next line,
// dropping the hyphen. The engine keeps hyphenation as printed.
func dehyphenate(s string) []string {
	lines := strings.Split(s, "\n")
	var out []string
	carry := ""
	for _, l := range lines {
		ws := words(l)
		if carry != "" {
			if len(ws) > 0 {
				ws[0] = carry + ws[0]
			} else {
				ws = []string{carry + "-"}
			}
			carry = ""
		}
		if n := len(ws); n > 0 && len(ws[n-1]) > 1 && strings.HasSuffix(ws[n-1], "-") {
			carry = strings.TrimSuffix(ws[n-1], "-")
			ws = ws[:n-1]
		}
		out = append(out, ws...)
	}
	if carry != "" {
		out = append(out, carry+"-")
	}
	return out
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
	Text     string      `json:"text"`
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
// text, nearest box.
func checkBoxes(t *testing.T, p text.Page, mp mupdfPage) {
	t.Helper()
	type cand struct {
		g    *text.Glyph
		box  [4]float64
		used bool
	}
	byText := map[string][]*cand{}
	var all, spaces []*cand
	visible := 0
	for i := range p.Glyphs {
		g := &p.Glyphs[i]
		k := g.Text
		if strings.TrimSpace(k) == "" {
			// Only a character MuPDF cannot name may be a space of ours.
			spaces = append(spaces, &cand{g: g, box: g.Quad.Bounds()})
			continue
		}
		// MuPDF reports a glyph that stands for several characters (a
		// ligature) as its first character with the glyph's box, then
		// the others with no width at the glyph's end; both sides are
		// compared in that form, ligature characters expanded.
		b := g.Quad.Bounds()
		for n, r := range []rune(norm.NFKC.String(k)) {
			box := b
			if n > 0 {
				box[0] = b[2]
			}
			c := &cand{g: g, box: box}
			byText[string(r)] = append(byText[string(r)], c)
			all = append(all, c)
		}
		if !outsideCrop(g, p) {
			visible++
		}
	}
	// MuPDF's characters, ligatures expanded the same way.
	type muChar struct {
		c    string
		box  [4]float64
		used bool
	}
	var mus []*muChar
	for _, c := range mp.Chars {
		if strings.TrimSpace(c.C) == "" {
			continue
		}
		for n, r := range []rune(norm.NFKC.String(c.C)) {
			box := c.BBox
			if n > 0 {
				box[0] = box[2]
			}
			mus = append(mus, &muChar{c: string(r), box: box})
		}
	}
	// Pair them nearest first, so that the order of the lists does not
	// decide which of two close candidates is taken.
	type pair struct {
		m *muChar
		c *cand
		d float64
	}
	var pairs []pair
	for _, m := range mus {
		cands := byText[m.c]
		if m.c == "\uFFFD" {
			// MuPDF does not know the character; ours may.
			cands = append(append([]*cand(nil), all...), spaces...)
		}
		for _, cd := range cands {
			if d := boxDistance(cd.box, m.box); d <= 50*boxTolerance {
				pairs = append(pairs, pair{m, cd, d})
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].d < pairs[j].d })
	worst, matched, bad := 0.0, 0, 0
	for _, p2 := range pairs {
		if p2.m.used || p2.c.used {
			continue
		}
		p2.m.used, p2.c.used = true, true
		matched++
		worst = max(worst, p2.d)
		if p2.d > boxTolerance {
			bad++
			if bad <= 10 {
				t.Errorf("page %d: %q box %v, MuPDF %v: %.2f pt apart", p.Number, p2.m.c, fmtBox(p2.c.box), fmtBox(p2.m.box), p2.d)
			}
		}
	}
	for _, m := range mus {
		if !m.used {
			bad++
			if bad <= 10 {
				t.Errorf("page %d: MuPDF's %q at %v has no glyph of ours", p.Number, m.c, fmtBox(m.box))
			}
		}
	}
	unmatched := 0
	for _, cd := range all {
		if !cd.used && !outsideCrop(cd.g, p) {
			unmatched++
			if unmatched <= 10 {
				t.Errorf("page %d: our %q at %v has no MuPDF character", p.Number, cd.g.Text, fmtBox(cd.box))
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
