package ingest

import (
	"context"
	"testing"

	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

func benchmarkInspect(b *testing.B, pages int) {
	in, out := setup(b, ingesttest.TextPDF(b, pages))
	b.ReportAllocs()
	for b.Loop() {
		info, err := Inspect(context.Background(), in, out, "", Limits{})
		if err != nil || info.Pages != pages {
			b.Fatalf("Inspect: %d pages, %v", info.Pages, err)
		}
	}
}

// BenchmarkInspect20Pages measures the ingest of a typical report.
func BenchmarkInspect20Pages(b *testing.B) { benchmarkInspect(b, 20) }

// BenchmarkInspect1000Pages measures a large bundle.
func BenchmarkInspect1000Pages(b *testing.B) { benchmarkInspect(b, 1000) }
