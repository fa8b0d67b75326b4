package blob

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
)

// verifier passes through exactly size bytes of r while hashing them, and
// holds back the final chunk until it has checked both that r has nothing
// more and that the SHA-256 matches the key. A consumer that writes what it
// reads (a temporary file, an S3 upload) therefore never receives a complete
// object unless the object is right: on a mismatch it sees an error in place
// of its last bytes and aborts, so no wrong object can be committed.
type verifier struct {
	r         io.Reader
	key       Key
	want      [32]byte
	size      int64
	remaining int64
	h         hash.Hash
	done      bool  // every byte delivered and verified
	err       error // sticky verification failure
}

// newVerifier wraps r; key must already be valid and size non-negative.
func newVerifier(r io.Reader, key Key, size int64) *verifier {
	return &verifier{r: r, key: key, want: key.Sum(), size: size, remaining: size, h: sha256.New()}
}

// Read implements io.Reader.
func (v *verifier) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	if v.done {
		return 0, io.EOF
	}
	if v.remaining == 0 {
		// Only reached for an empty object: nothing to hold back.
		if err := v.finish(); err != nil {
			return 0, err
		}
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if int64(len(p)) > v.remaining {
		p = p[:v.remaining]
	}
	n, err := v.r.Read(p)
	if n > 0 {
		v.h.Write(p[:n])
		v.remaining -= int64(n)
	}
	if v.remaining == 0 {
		// p[:n] is the last chunk: release it only once the whole object
		// is known to be right.
		if ferr := v.finish(); ferr != nil {
			return 0, ferr
		}
		return n, nil
	}
	if err == io.EOF {
		v.err = fmt.Errorf("read %s: got %d of %d bytes: %w", v.key, v.size-v.remaining, v.size, ErrSizeMismatch)
		return 0, v.err
	}
	return n, err
}

// finish runs once all size bytes have been read: it checks for surplus
// bytes and compares the digest, recording the outcome.
func (v *verifier) finish() error {
	var one [1]byte
	n, err := io.ReadFull(v.r, one[:])
	switch {
	case n > 0:
		v.err = fmt.Errorf("read %s: more than %d bytes: %w", v.key, v.size, ErrSizeMismatch)
		return v.err
	case err != nil && !errors.Is(err, io.EOF):
		// The source failed while we looked for its end: not a verdict on
		// the content, but the held-back chunk is gone, so it is final.
		v.err = err
		return err
	}
	var got [32]byte
	v.h.Sum(got[:0])
	if got != v.want {
		v.err = fmt.Errorf("read %s: content hashes to %s: %w", v.key, KeyOf(got), ErrDigestMismatch)
		return v.err
	}
	v.done = true
	return nil
}

// Verified reports whether every byte was delivered and matched the key.
func (v *verifier) Verified() bool { return v.done }

// Failure returns the verification error, if the content was found wrong.
func (v *verifier) Failure() error { return v.err }

// ctxReader stops a long copy promptly when its context ends, since neither
// a file copy nor an upload body checks the context on its own.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read implements io.Reader.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// verifiedReadCloser verifies an object while it is read back from a store.
type verifiedReadCloser struct {
	*verifier
	c io.Closer
}

// Close releases the underlying object.
func (v verifiedReadCloser) Close() error { return v.c.Close() }
