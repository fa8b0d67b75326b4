package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Permissions: objects are never changed after they are written, so they are
// read-only; nobody outside the service's user and group needs to list or
// read social care documents.
const (
	dirPerm  fs.FileMode = 0o750
	filePerm fs.FileMode = 0o440
)

// staleTemp is how old an abandoned temporary file (left by a crash mid-Put)
// must be before NewDir removes it; younger ones may belong to another
// process sharing the directory that is still writing.
const staleTemp = 24 * time.Hour

// Dir is a Store in a local directory: the embedded default that keeps a
// single-machine installation free of external services. Objects live at
// root/sha256/ab/cdef…; uploads are written to root/.tmp on the same
// filesystem, synced, and renamed into place, so a crash never leaves a
// partial object under a real key.
type Dir struct {
	root string
	tmp  string
}

// NewDir opens (creating if needed) a store rooted at root and clears
// temporary files abandoned long ago by a crashed writer.
func NewDir(root string) (*Dir, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("open blob dir: %w", err)
	}
	d := &Dir{root: abs, tmp: filepath.Join(abs, ".tmp")}
	for _, p := range []string{abs, filepath.Join(abs, "sha256"), d.tmp} {
		if err := os.MkdirAll(p, dirPerm); err != nil {
			return nil, fmt.Errorf("open blob dir: %w", err)
		}
	}
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		return nil, fmt.Errorf("open blob dir: %w", err)
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTemp {
			_ = os.Remove(filepath.Join(d.tmp, e.Name()))
		}
	}
	return d, nil
}

// Root returns the directory the store lives in, for diagnostics.
func (d *Dir) Root() string { return d.root }

// path maps a validated key to its file.
func (d *Dir) path(key Key) string {
	return filepath.Join(d.root, filepath.FromSlash(string(key)))
}

// Put implements Store.
func (d *Dir) Put(ctx context.Context, key Key, r io.Reader, size int64) (err error) {
	if err := key.Validate(); err != nil {
		return fmt.Errorf("put object: %w", err)
	}
	if size < 0 {
		return fmt.Errorf("put object %s: negative size %d: %w", key, size, ErrSizeMismatch)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("put object %s: %w", key, err)
	}
	path := d.path(key)
	if done, err := existing(path, key, size); done || err != nil {
		return err
	}

	f, err := os.CreateTemp(d.tmp, "put-*")
	if err != nil {
		return fmt.Errorf("put object %s: create temp: %w", key, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	v := newVerifier(ctxReader{ctx: ctx, r: r}, key, size)
	if _, err = io.Copy(f, v); err != nil {
		return fmt.Errorf("put object %s: %w", key, err)
	}
	if !v.Verified() {
		return fmt.Errorf("put object %s: stream ended unverified: %w", key, ErrSizeMismatch)
	}
	if err = f.Chmod(filePerm); err != nil {
		return fmt.Errorf("put object %s: %w", key, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("put object %s: sync: %w", key, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("put object %s: close: %w", key, err)
	}
	if err = os.MkdirAll(filepath.Dir(path), dirPerm); err != nil {
		return fmt.Errorf("put object %s: %w", key, err)
	}
	// A concurrent Put of the same key may win the race; its file holds
	// the same verified bytes, so replacing it is harmless.
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("put object %s: rename: %w", key, err)
	}
	if err = syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("put object %s: sync dir: %w", key, err)
	}
	return nil
}

// existing reports whether the object is already stored (Put is then a
// no-op). A stored object of a different length than declared means the
// caller's size is wrong, since the stored copy was verified.
func existing(path string, key Key, size int64) (bool, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("put object %s: %w", key, err)
	case fi.Size() != size:
		return true, fmt.Errorf("put object %s: stored object has %d bytes, caller declared %d: %w", key, fi.Size(), size, ErrSizeMismatch)
	}
	return true, nil
}

// syncDir makes a rename durable across a power cut.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Open implements Store.
func (d *Dir) Open(ctx context.Context, key Key) (io.ReadCloser, int64, error) {
	if err := key.Validate(); err != nil {
		return nil, 0, fmt.Errorf("open object: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("open object %s: %w", key, err)
	}
	f, err := os.Open(d.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fmt.Errorf("open object %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("open object %s: %w", key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("open object %s: %w", key, err)
	}
	return verifiedReadCloser{verifier: newVerifier(f, key, fi.Size()), c: f}, fi.Size(), nil
}

// Stat implements Store.
func (d *Dir) Stat(ctx context.Context, key Key) (Info, error) {
	if err := key.Validate(); err != nil {
		return Info{}, fmt.Errorf("stat object: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return Info{}, fmt.Errorf("stat object %s: %w", key, err)
	}
	fi, err := os.Stat(d.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return Info{}, fmt.Errorf("stat object %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return Info{}, fmt.Errorf("stat object %s: %w", key, err)
	}
	return Info{Key: key, Size: fi.Size(), Modified: fi.ModTime()}, nil
}

// Delete implements Store.
func (d *Dir) Delete(ctx context.Context, key Key) error {
	if err := key.Validate(); err != nil {
		return fmt.Errorf("delete object: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete object %s: %w", key, err)
	}
	path := d.path(key)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete object %s: %w", key, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete object %s: sync dir: %w", key, err)
	}
	return nil
}

// Walk implements Store. Files that are not canonical keys (stray files an
// operator left behind) are skipped, as are objects deleted mid-walk.
func (d *Dir) Walk(ctx context.Context, fn func(Info) error) error {
	err := filepath.WalkDir(filepath.Join(d.root, "sha256"), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !e.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(d.root, p)
		if err != nil {
			return nil
		}
		key, err := ParseKey(filepath.ToSlash(rel))
		if err != nil {
			return nil
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		return fn(Info{Key: key, Size: fi.Size(), Modified: fi.ModTime()})
	})
	if err != nil {
		return fmt.Errorf("walk objects: %w", err)
	}
	return nil
}

// Ping implements Store by creating and removing a temporary file, which
// catches a missing mount or a filesystem remounted read-only.
func (d *Dir) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ping blob dir: %w", err)
	}
	f, err := os.CreateTemp(d.tmp, "ping-*")
	if err != nil {
		return fmt.Errorf("ping blob dir: %w: %w", ErrUnavailable, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("ping blob dir: %w: %w", ErrUnavailable, err)
	}
	return nil
}
