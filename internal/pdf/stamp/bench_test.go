package stamp

import (
	"context"
	"testing"
)

// BenchmarkApply stamps multi-page fixtures: opening, one content stream
// parse per page to close what it leaves open, and writing the file anew.
func BenchmarkApply(b *testing.B) {
	for _, name := range []string{"camhs-letter.chromium.pdf", "school-report.pdftex.pdf", "edge-rotated.pdf"} {
		b.Run(name, func(b *testing.B) {
			in := fixture(b, name)
			f := testFooter()
			f.Restrictions = longRestrictions
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Apply(context.Background(), in, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
