package blob_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/blob/blobtest"
)

func TestDir(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		d, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return d
	})
}

// setupDir returns a store in a fresh directory and that directory.
func setupDir(t *testing.T) (*blob.Dir, string) {
	t.Helper()
	root := t.TempDir()
	d, err := blob.NewDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return d, root
}

func TestDirLayoutAndPermissions(t *testing.T) {
	d, root := setupDir(t)
	b := []byte("a report from the school")
	k := blob.KeyOf(sha256.Sum256(b))
	if err := d.Put(t.Context(), k, bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(string(k))))
	if err != nil {
		t.Fatalf("object not at its key's path: %v", err)
	}
	if perm := fi.Mode().Perm(); perm != 0o440 {
		t.Errorf("object mode = %o, want 440 (read-only)", perm)
	}
}

func TestDirFailedPutsLeaveNoTempFiles(t *testing.T) {
	d, root := setupDir(t)
	b := bytes.Repeat([]byte("x"), 100_000)
	k := blob.KeyOf(sha256.Sum256(b))
	_ = d.Put(t.Context(), k, bytes.NewReader(b[1:]), int64(len(b)))          // short
	_ = d.Put(t.Context(), k, bytes.NewReader(append(b, 'y')), int64(len(b))) // long
	_ = d.Put(t.Context(), k, bytes.NewReader(bytes.ToUpper(b)), int64(len(b)))
	entries, err := os.ReadDir(filepath.Join(root, ".tmp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("%d temporary files left after failed puts", len(entries))
	}
}

func TestDirDetectsDamagedObject(t *testing.T) {
	tests := []struct {
		name   string
		damage func(b []byte) []byte
		want   error
	}{
		{"Flipped", func(b []byte) []byte { c := bytes.Clone(b); c[5] ^= 1; return c }, blob.ErrDigestMismatch},
		{"Truncated", func(b []byte) []byte { return b[:len(b)-1] }, blob.ErrDigestMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, root := setupDir(t)
			b := bytes.Repeat([]byte("evidence "), 10_000)
			k := blob.KeyOf(sha256.Sum256(b))
			if err := d.Put(t.Context(), k, bytes.NewReader(b), int64(len(b))); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(root, filepath.FromSlash(string(k)))
			if err := os.Chmod(p, 0o640); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, tt.damage(b), 0o640); err != nil {
				t.Fatal(err)
			}
			rc, _, err := d.Open(t.Context(), k)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			got, err := io.ReadAll(rc)
			if !errors.Is(err, tt.want) {
				t.Errorf("reading a damaged object: err = %v, want %v", err, tt.want)
			}
			if len(got) >= len(b)-1 {
				t.Errorf("read %d of %d bytes of a damaged object; the final chunk must be withheld", len(got), len(b))
			}
		})
	}
}

func TestDirRemovesStaleTempFiles(t *testing.T) {
	root := t.TempDir()
	if _, err := blob.NewDir(root); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(root, ".tmp", "put-stale")
	fresh := filepath.Join(root, ".tmp", "put-fresh")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := blob.NewDir(root); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temp file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temp file (another writer's) removed: %v", err)
	}
}

func TestDirWalkSkipsStrayFiles(t *testing.T) {
	d, root := setupDir(t)
	if err := os.WriteFile(filepath.Join(root, "sha256", "README"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := d.Walk(t.Context(), func(blob.Info) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("Walk reported %d objects for a stray file", n)
	}
}
