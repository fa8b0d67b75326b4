package text_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// FuzzExtract feeds mutated PDFs through opening and text extraction: any
// input gives pages or an error, never a panic or a hang. Seeds are the
// small fixtures and hand-built pages exercising fonts, forms and text
// state.
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(repoRoot, "testdata", "pdf", "edge-*.pdf"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && len(b) < 16<<10 {
			f.Add(b)
		}
	}
	f.Add(ingesttest.OnePage("BT /F1 10 Tf 2 Tc 50 Tz 100 700 Td [(A) -500 (B)] TJ ET", helv))
	f.Add(nestedForms(3))
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		doc, err := ingest.Open(ctx, data, "", ingest.Limits{MaxPages: 20, MaxDecompressedBytes: 16 << 20, MaxObjects: 10000})
		if err != nil {
			return
		}
		ex := text.New(doc, text.Limits{MaxOps: 100000, PageBudget: 5 * time.Second})
		for n := 1; n <= ex.NumPages(); n++ {
			p, err := ex.Page(ctx, n)
			if err != nil {
				continue
			}
			for _, w := range p.Words {
				for _, gi := range w.Glyphs {
					if gi < 0 || gi >= len(p.Glyphs) {
						t.Fatalf("page %d: word %q names glyph %d of %d", n, w.Text, gi, len(p.Glyphs))
					}
				}
			}
		}
	})
}
