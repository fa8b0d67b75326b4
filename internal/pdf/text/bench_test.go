package text_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// The extraction benchmarks time what `releasegate text` does with a file
// it has read: ingest.Open, then every page through the extractor, glyph
// boxes included. Each reports pages/s so that the figures compare with
// scripts/bench-text.sh, which runs the command and poppler's pdftotext on
// the same inputs.

// largePages is the length of the large inputs: long enough that opening
// the file and loading its fonts no longer dominate the time per page.
const largePages = 200

// BenchmarkExtract extracts each fixture under testdata/pdf, one
// sub-benchmark per file. Most fixtures have one to four pages, so the
// figures include the per-file cost of opening the document.
func BenchmarkExtract(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "pdf", "*.pdf"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no fixtures under testdata/pdf: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(file), func(b *testing.B) { benchExtract(b, data) })
	}
}

// BenchmarkExtractLarge extracts documents of about largePages pages, where
// the cost per page dominates: "generated" is ingesttest.TextPDF (a few
// lines of Helvetica a page, the cheapest case); "fixtures" is every
// fixture under testdata/pdf concatenated by qpdf, repeated until it is
// that long, so real producers' fonts and content streams (skipped when
// qpdf is not installed).
func BenchmarkExtractLarge(b *testing.B) {
	b.Run("generated", func(b *testing.B) {
		benchExtract(b, ingesttest.TextPDF(b, largePages))
	})
	b.Run("fixtures", func(b *testing.B) {
		benchExtract(b, concatFixtures(b, largePages))
	})
}

// benchExtract opens data and extracts every page, once per iteration, and
// reports pages/s and the document's size per second.
func benchExtract(b *testing.B, data []byte) {
	ctx := b.Context()
	orig := bytes.Clone(data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	pages := 0
	for b.Loop() {
		doc, err := ingest.Open(ctx, data, "", ingest.Limits{})
		if err != nil {
			b.Fatalf("open: %v", err)
		}
		ex := text.New(doc, text.Limits{})
		for n := 1; n <= ex.NumPages(); n++ {
			if _, err := ex.Page(ctx, n); err != nil {
				b.Fatalf("page %d: %v", n, err)
			}
		}
		pages += ex.NumPages()
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	if !bytes.Equal(data, orig) {
		b.Fatal("extraction modified the input")
	}
}

// concatFixtures returns the fixtures under testdata/pdf, concatenated with
// qpdf as many times as it takes to reach at least minPages pages.
func concatFixtures(b *testing.B, minPages int) []byte {
	b.Helper()
	if _, err := exec.LookPath("qpdf"); err != nil {
		b.Skipf("qpdf not available: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "pdf", "*.pdf"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no fixtures under testdata/pdf: %v", err)
	}
	perPass := 0
	for _, f := range files {
		out, err := exec.Command("qpdf", "--show-npages", f).Output()
		if err != nil {
			b.Fatalf("qpdf --show-npages %s: %v", f, err)
		}
		n, err := strconv.Atoi(string(bytes.TrimSpace(out)))
		if err != nil {
			b.Fatalf("qpdf --show-npages %s: %v", f, err)
		}
		perPass += n
	}
	args := []string{"--empty", "--pages"}
	for pages := 0; pages < minPages; pages += perPass {
		args = append(args, files...)
	}
	out := filepath.Join(b.TempDir(), "fixtures.pdf")
	args = append(args, "--", out)
	if msg, err := exec.Command("qpdf", args...).CombinedOutput(); err != nil {
		b.Fatalf("qpdf: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	return data
}
