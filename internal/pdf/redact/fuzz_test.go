package redact

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// FuzzRedact redacts mutated PDFs: no input makes it panic or hang, and an
// output is only ever returned when it passes verification (checked here
// again, independently of Redact's own check).
func FuzzRedact(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "pdf", "edge-*.pdf"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && len(b) < 16<<10 {
			f.Add(b)
		}
	}
	f.Add(ingesttest.OnePage("BT /F1 12 Tf 72 700 Td [(Child: Al) 20 (fie T) -15 (hompson)] TJ ET 0 G 100 600 m 150 620 l S", helv))
	terms := []string{"Alfie Thompson", "Protection", "Kowalczyk", "Okonkwo-Reid"}
	marks := []Mark{{Page: 1, Rect: [4]float64{90, 590, 200, 720}}}
	lim := text.Limits{MaxOps: 100000, PageBudget: 5 * time.Second}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, _, _, err := Redact(context.Background(), data, "", Options{Terms: terms, Marks: marks, Limits: lim})
		if err != nil {
			if out != nil {
				t.Fatalf("an output came with an error: %v", err)
			}
			return
		}
		v, err := Verify(context.Background(), out, "", terms, marks, lim)
		if err != nil || !v.OK {
			t.Fatalf("Redact returned a file that fails verification: %v %+v", err, v)
		}
	})
}
