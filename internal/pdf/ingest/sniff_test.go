package ingest

import (
	"bytes"
	"slices"
	"testing"

	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

func TestSniff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		head []byte
		want Kind
	}{
		{"PDF", ingesttest.TextPDF(t, 1), KindPDF},
		{"PDF after 1024 bytes of junk", append(bytes.Repeat([]byte{0xAA}, 1024), "%PDF-1.7\n"...), KindPDF},
		{"PDF after 1025 bytes of junk", append(bytes.Repeat([]byte{0xAA}, 1025), "%PDF-1.7\n"...), KindUnknown},
		{"JPEG", ingesttest.JPEG(t), KindJPEG},
		{"PNG", ingesttest.PNG(t), KindPNG},
		{"TIFF, little-endian", ingesttest.TIFF(t), KindTIFF},
		{"TIFF, big-endian", []byte("MM\x00*\x00\x00\x00\x08"), KindTIFF},
		{"BigTIFF", []byte("II+\x00\x08\x00\x00\x00"), KindUnknown},
		{"ELF", elf(), KindUnknown},
		{"PE", pe(), KindUnknown},
		{"ZIP (docx)", []byte("PK\x03\x04\x14\x00\x06\x00"), KindUnknown},
		{"GIF", []byte("GIF89a"), KindUnknown},
		{"HTML", []byte("<!DOCTYPE html><html>"), KindUnknown},
		{"empty", nil, KindUnknown},
		{"short", []byte("%PD"), KindUnknown},
	}
	for _, tt := range tests {
		head := tt.head
		if len(head) > SniffLen {
			head = head[:SniffLen]
		}
		if got := Sniff(head); got != tt.want {
			t.Errorf("%s: Sniff = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestAcceptedKinds(t *testing.T) {
	t.Parallel()
	want := []Kind{KindPDF, KindJPEG, KindPNG, KindTIFF}
	if got := AcceptedKinds(); !slices.Equal(got, want) {
		t.Errorf("AcceptedKinds() = %v, want %v", got, want)
	}
}

func FuzzSniff(f *testing.F) {
	for _, seed := range [][]byte{
		ingesttest.TextPDF(f, 1)[:64], ingesttest.JPEG(f)[:64], ingesttest.PNG(f)[:64], ingesttest.TIFF(f)[:64],
		elf()[:64], pe()[:64], nil, []byte("%PDF-"), append(bytes.Repeat([]byte{' '}, 1024), "%PDF-"...),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		k := Sniff(head)
		if k != KindUnknown && !slices.Contains(AcceptedKinds(), k) {
			t.Fatalf("Sniff returned %q, which AcceptedKinds does not list", k)
		}
		if k == KindPDF && !bytes.Contains(head[:min(len(head), SniffLen)], []byte("%PDF-")) {
			t.Fatal("KindPDF without a header in the first SniffLen bytes")
		}
		if more := append(bytes.Clone(head), 0); Sniff(more) != k && len(head) >= SniffLen {
			t.Fatal("Sniff looked past SniffLen")
		}
	})
}
