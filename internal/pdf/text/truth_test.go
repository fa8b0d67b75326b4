package text_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/releasegate/releasegate/internal/pdf/text"
)

// truthWord is one word of a hand-made fixture's ground truth
// (testdata/pdf/edge-*.json, written by testdata/pdfgen/edge.py from the
// same data it draws).
type truthWord struct {
	Text      string `json:"text"`
	Invisible bool   `json:"invisible"`
	Why       string `json:"why"`
	Partial   bool   `json:"partial"` // straddles the crop box: part visible
}

type truthPage struct {
	Number int         `json:"number"`
	Words  []truthWord `json:"words"`
}

// TestGroundTruth checks every hand-made edge case against what its
// generator drew: the same words, each invisible exactly when the
// generator made it so. No extractor is trusted here.
func TestGroundTruth(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "pdf", "edge-*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no ground truth under testdata/pdf: %v", err)
	}
	for _, jf := range files {
		t.Run(filepath.Base(jf), func(t *testing.T) {
			b, err := os.ReadFile(jf)
			if err != nil {
				t.Fatal(err)
			}
			var truth struct {
				Pages []truthPage `json:"pages"`
			}
			if err := json.Unmarshal(b, &truth); err != nil {
				t.Fatal(err)
			}
			pages := extract(t, strings.TrimSuffix(jf, ".json")+".pdf")
			if len(pages) != len(truth.Pages) {
				t.Fatalf("%d pages, ground truth has %d", len(pages), len(truth.Pages))
			}
			for i, tp := range truth.Pages {
				checkTruth(t, pages[i], tp)
			}
		})
	}
}

func checkTruth(t *testing.T, p text.Page, tp truthPage) {
	t.Helper()
	type key struct {
		text      string
		invisible bool
	}
	want := map[key]int{}
	wantText := map[string]int{}
	for _, w := range tp.Words {
		want[key{norm.NFKC.String(w.Text), w.Invisible}]++
		wantText[norm.NFKC.String(w.Text)]++
	}
	got := map[key]int{}
	gotText := map[string]int{}
	var partial = map[string]bool{}
	for _, w := range tp.Words {
		if w.Partial {
			partial[norm.NFKC.String(w.Text)] = true
		}
	}
	for _, w := range p.Words {
		inv := true
		for _, gi := range w.Glyphs {
			inv = inv && p.Glyphs[gi].Invisible
		}
		k := norm.NFKC.String(w.Text)
		if partial[k] {
			inv = false // a straddling word counts as visible
			for _, tw := range tp.Words {
				if norm.NFKC.String(tw.Text) == k {
					inv = tw.Invisible
				}
			}
		}
		got[key{k, inv}]++
		gotText[k]++
	}
	for k, n := range wantText {
		if gotText[k] != n {
			t.Errorf("page %d: word %q %d times, want %d\n  text: %q", p.Number, k, gotText[k], n, p.Text)
		}
	}
	for k, n := range gotText {
		if _, ok := wantText[k]; !ok {
			t.Errorf("page %d: unexpected word %q (%d times)", p.Number, k, n)
		}
	}
	for k, n := range want {
		if got[k] != n && gotText[k.text] == wantText[k.text] {
			t.Errorf("page %d: word %q invisible=%v %d times, want %d", p.Number, k.text, k.invisible, got[k], n)
		}
	}
	t.Logf("page %d: %d words checked", p.Number, len(tp.Words))
}
