package blob_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/blob"
)

func TestSpool(t *testing.T) {
	tests := []struct {
		name  string
		size  int
		limit int64
		want  error
	}{
		{"Empty", 0, 10, nil},
		{"ShorterThanHead", 100, 1000, nil},
		{"LongerThanHead", 5000, 10_000, nil},
		{"ExactlyTheLimit", 4096, 4096, nil},
		{"OneOverTheLimit", 4097, 4096, blob.ErrTooLarge},
		{"FarOverTheLimit", 1 << 20, 1000, blob.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			b := bytes.Repeat([]byte("0123456789"), tt.size/10+1)[:tt.size]
			sp, err := blob.Spool(t.Context(), dir, bytes.NewReader(b), tt.limit)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("Spool: err = %v, want %v", err, tt.want)
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 0 {
					t.Errorf("refused upload left %d files", len(entries))
				}
				return
			}
			if err != nil {
				t.Fatalf("Spool: %v", err)
			}
			if sp.Key != blob.KeyOf(sha256.Sum256(b)) || sp.Size != int64(len(b)) {
				t.Errorf("Spool = {%s %d}, want {%s %d}", sp.Key, sp.Size, blob.KeyOf(sha256.Sum256(b)), len(b))
			}
			if !bytes.Equal(sp.Head, b[:min(len(b), blob.HeadSize)]) {
				t.Errorf("Head has %d bytes, want the first %d", len(sp.Head), min(len(b), blob.HeadSize))
			}
			f, err := sp.Open()
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(f)
			f.Close()
			if !bytes.Equal(got, b) {
				t.Error("spooled file differs from the upload")
			}
			if err := sp.Remove(); err != nil {
				t.Fatal(err)
			}
			if err := sp.Remove(); err != nil {
				t.Errorf("second Remove: %v", err)
			}
			if _, err := os.Stat(sp.Path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("spooled file still there after Remove: %v", err)
			}
		})
	}
}

// failAfter yields n bytes, then fails like a client that hung up.
type failAfter struct{ n int }

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	k := min(len(p), f.n)
	f.n -= k
	return k, nil
}

func TestSpoolBrokenUploadLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	if _, err := blob.Spool(t.Context(), dir, &failAfter{n: 10_000}, 1<<20); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Spool: err = %v, want the reader's error", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("broken upload left %d files", len(entries))
	}
}

func TestSpoolThenPut(t *testing.T) {
	st, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sp, err := blob.Spool(t.Context(), t.TempDir(), strings.NewReader("%PDF-1.7 consent letter"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Remove()
	if err := sp.Put(t.Context(), st); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if info, err := st.Stat(t.Context(), sp.Key); err != nil || info.Size != sp.Size {
		t.Errorf("Stat = %+v, %v", info, err)
	}
}
