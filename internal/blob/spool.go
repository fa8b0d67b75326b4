package blob

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
)

// HeadSize is how much of an upload Spool keeps in memory for content-type
// sniffing (http.DetectContentType looks at no more than 512 bytes; a PDF
// header may sit anywhere in the first 1024).
const HeadSize = 1024

// Spooled is an upload copied to a temporary file. Its key and size are known
// before anything is written to the store or the database, so the request can
// be validated and the record created with the final content address.
type Spooled struct {
	// Path is the temporary file; it belongs to the Spooled and is removed by
	// Remove.
	Path string
	// Key is the content address of the upload.
	Key Key
	// Size is the upload's length in bytes.
	Size int64
	// Head holds the first HeadSize bytes (fewer for a short upload) for type
	// sniffing without reopening the file.
	Head []byte
}

// Spool copies r into a new temporary file in dir while computing its SHA-256
// and size, refusing anything over limit bytes with ErrTooLarge. Only a fixed
// buffer and the head are held in memory, whatever the upload's size. On any
// error the temporary file is removed; on success the caller must call
// Remove once done (typically after Put).
func Spool(ctx context.Context, dir string, r io.Reader, limit int64) (sp *Spooled, err error) {
	if limit < 0 {
		return nil, fmt.Errorf("spool upload: negative limit %d", limit)
	}
	f, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("spool upload: %w", err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	head := &headWriter{max: HeadSize}
	// Read one byte past the limit so "exactly limit" and "over" differ.
	src := io.LimitReader(ctxReader{ctx: ctx, r: r}, limit+1)
	n, err := io.Copy(io.MultiWriter(f, h, head), src)
	if err != nil {
		return nil, fmt.Errorf("spool upload: %w", err)
	}
	if n > limit {
		return nil, fmt.Errorf("spool upload: more than %d bytes: %w", limit, ErrTooLarge)
	}
	if err = f.Close(); err != nil {
		return nil, fmt.Errorf("spool upload: close: %w", err)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return &Spooled{Path: f.Name(), Key: KeyOf(sum), Size: n, Head: head.buf}, nil
}

// Open reopens the spooled file from the start, for a parser or for Put.
func (s *Spooled) Open() (*os.File, error) {
	f, err := os.Open(s.Path)
	if err != nil {
		return nil, fmt.Errorf("open spooled upload: %w", err)
	}
	return f, nil
}

// Put stores the spooled upload under its key; the store re-verifies the
// digest as it reads, so a file changed on disk since spooling is refused.
func (s *Spooled) Put(ctx context.Context, st Store) error {
	f, err := s.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	if err := st.Put(ctx, s.Key, f, s.Size); err != nil {
		return fmt.Errorf("store spooled upload: %w", err)
	}
	return nil
}

// Remove deletes the temporary file. It is safe to call more than once.
func (s *Spooled) Remove() error {
	if err := os.Remove(s.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove spooled upload: %w", err)
	}
	return nil
}

// headWriter keeps the first max bytes written to it and discards the rest.
type headWriter struct {
	buf []byte
	max int
}

// Write implements io.Writer; it never fails, so MultiWriter keeps going.
func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.buf); room > 0 {
		w.buf = append(w.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
