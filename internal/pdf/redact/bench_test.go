package redact

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkRedact redacts every fixture with the terms of
// testdata/redact-terms.txt, verification included, under each width
// policy: the quantised policy's relayout against the exact layout.
func BenchmarkRedact(b *testing.B) {
	terms := readTermsFile(b)
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "pdf", "*.pdf"))
	var docs [][]byte
	size := 0
	for _, file := range files {
		d, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
		size += len(d)
	}
	for _, policy := range []Policy{Quantised, Exact} {
		b.Run(string(policy), func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, d := range docs {
					if _, _, _, err := Redact(context.Background(), d, "", Options{Terms: terms, Policy: policy}); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
