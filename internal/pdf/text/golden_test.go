package text_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden summaries in testdata/golden")

// goldenPage is what a golden summary keeps of a page: enough to notice
// any change in what is extracted, small enough to review in a diff.
type goldenPage struct {
	Number    int      `json:"number"`
	Glyphs    int      `json:"glyphs"`
	Invisible int      `json:"invisible"`
	Fonts     []string `json:"fonts"`
	Problems  []string `json:"problems,omitempty"`
	Text      string   `json:"text"`
}

// TestGolden compares each fixture's extraction with its summary in
// testdata/golden; `go test ./internal/pdf/text -run TestGolden -update`
// rewrites them after an intended change (review the diff).
func TestGolden(t *testing.T) {
	for _, file := range fixtures(t) {
		name := strings.TrimSuffix(filepath.Base(file), ".pdf")
		t.Run(name, func(t *testing.T) {
			var got []goldenPage
			for _, p := range extract(t, file) {
				gp := goldenPage{Number: p.Number, Glyphs: len(p.Glyphs), Problems: p.Problems, Text: p.Text}
				seen := map[string]bool{}
				for _, g := range p.Glyphs {
					if g.Invisible {
						gp.Invisible++
					}
					if !seen[g.Font] {
						seen[g.Font] = true
						gp.Fonts = append(gp.Fonts, g.Font)
					}
				}
				got = append(got, gp)
			}
			b, err := json.MarshalIndent(map[string]any{"pages": got}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(b, want) {
				t.Errorf("extraction differs from %s (run with -update after an intended change):\n%s", path, firstDiff(string(want), string(b)))
			}
		})
	}
}

// firstDiff shows the first differing line.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\n  want %s\n  got  %s", i+1, x, y)
		}
	}
	return "(no line differs)"
}
