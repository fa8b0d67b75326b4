package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCorpus inspects every *.pdf in the directory named by INGEST_CORPUS
// and logs the outcome, to survey real documents that cannot be committed
// (a council's own reports, say). It is skipped when the variable is unset.
//
//	INGEST_CORPUS=/path/to/pdfs go test ./internal/pdf/ingest -run TestCorpus -v
func TestCorpus(t *testing.T) {
	dir := os.Getenv("INGEST_CORPUS")
	if dir == "" {
		t.Skip("INGEST_CORPUS not set")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "working.pdf")
	for _, f := range files {
		start := time.Now()
		info, err := Inspect(context.Background(), f, out, "", Limits{})
		t.Logf("%s: %v, %d pages (%d text, %d image-only), encrypted %v, version %s, error: %v",
			filepath.Base(f), time.Since(start).Round(time.Millisecond), info.Pages, len(info.TextPages),
			len(info.ImagePages), info.Encrypted, info.Version, err)
	}
}
