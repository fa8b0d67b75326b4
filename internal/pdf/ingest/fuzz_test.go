package ingest

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

// smallBomb returns a one-page PDF whose content stream inflates to 8 MiB,
// past the fuzzing limit of 4 MiB, from about 8 KB.
func smallBomb(t testing.TB) []byte { return flateBomb(t, 8, false) }

// flateBomb returns a one-page PDF whose content stream inflates to mib MiB
// of zeros. With indirect, the stream names its filter by reference
// (/Filter 5 0 R), which a raw scan cannot follow.
func flateBomb(t testing.TB, mib int, indirect bool) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zero := make([]byte, 1<<20)
	for range mib {
		_, _ = zw.Write(zero)
	}
	_ = zw.Close()
	filter := "/FlateDecode"
	if indirect {
		filter = "5 0 R"
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offs := []int{}
	obj := func(s string) {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offs), s)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>")
	obj(fmt.Sprintf("<< /Filter %s /Length %d >>\nstream\n%s\nendstream", filter, z.Len(), z.Bytes()))
	obj("/FlateDecode")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offs)+1, xref)
	return b.Bytes()
}

// fuzzLimits keep each run quick; the logic is the same as with defaults.
var fuzzLimits = Limits{MaxPages: 100, MaxDecompressedBytes: 4 << 20, MaxObjects: 100_000}

// FuzzInspect feeds Inspect arbitrary bytes: it must return (an error or a
// result) without panicking or hanging, and every refusal must be one of the
// package's sentinels or a size limit.
func FuzzInspect(f *testing.F) {
	text := ingesttest.TextPDF(f, 2)
	for _, seed := range [][]byte{
		text,
		ingesttest.MixedPDF(f),
		ingesttest.EncryptedPDF(f, ""),
		ingesttest.EncryptedPDF(f, "pw"),
		ingesttest.BrokenXref(f),
		text[:len(text)/2],
		smallBomb(f),
		[]byte("%PDF-1.7\n%%EOF\n"),
		nil,
	} {
		f.Add(seed)
	}
	// Each fuzzing worker runs inputs one at a time, so they can share
	// the output path.
	out := filepath.Join(f.TempDir(), "out.pdf")
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		info, err := inspectData(context.Background(), data, out, "", fuzzLimits)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("Inspect took %v", d)
		}
		if err == nil {
			if info.Pages < 1 || info.Pages > fuzzLimits.MaxPages || len(info.TextPages)+len(info.ImagePages) > info.Pages {
				t.Fatalf("implausible info %+v", info)
			}
			return
		}
		for _, want := range []error{ErrDamaged, ErrTooLarge, ErrTooManyPages, ErrUnsupported,
			ErrPasswordRequired, ErrWrongPassword, ErrUnsupportedEncryption} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("Inspect error %v matches no sentinel", err)
	})
}

// FuzzFromImage feeds FromImage arbitrary bytes, seeded with small scans:
// the TIFF directory walk and pdfcpu's image decoders must not panic or
// hang, and refusals must be sentinels.
func FuzzFromImage(f *testing.F) {
	for _, seed := range [][]byte{
		ingesttest.PNG(f), ingesttest.JPEG(f), ingesttest.TIFF(f), ingesttest.TIFFPages(f, 3),
	} {
		f.Add(seed)
	}
	out := filepath.Join(f.TempDir(), "out.pdf")
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := fromImageData(context.Background(), data, out, fuzzLimits)
		if err == nil {
			if !info.FromImage || info.Pages < 1 || len(info.ImagePages) != info.Pages {
				t.Fatalf("implausible info %+v", info)
			}
			return
		}
		for _, want := range []error{ErrDamaged, ErrTooLarge, ErrTooManyPages, ErrUnsupported} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Fatalf("FromImage error %v matches no sentinel", err)
	})
}
