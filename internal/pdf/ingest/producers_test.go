package ingest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
)

// TestRealProducers ingests the fixtures testdata/pdfgen/generate.sh made
// with LibreOffice, Ghostscript, reportlab and groff: each opens, validates
// and is found to carry text.
func TestRealProducers(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "pdf", "*.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("found %d fixtures; run testdata/pdfgen/generate.sh", len(files))
	}
	want := map[string]int{
		"gp-letter.reportlab.pdf":       1,
		"police-report.libreoffice.pdf": 1,
		"probation.groff.pdf":           1,
		"school-letter.ghostscript.pdf": 2,
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			info, err := ingest.Inspect(context.Background(), f, filepath.Join(t.TempDir(), "w.pdf"), "", ingest.DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if n, ok := want[name]; ok && info.Pages != n {
				t.Errorf("pages = %d, want %d", info.Pages, n)
			}
			if len(info.TextPages) != info.Pages || info.Producer == "" {
				t.Errorf("text pages %v of %d, producer %q", info.TextPages, info.Pages, info.Producer)
			}
		})
	}
}
