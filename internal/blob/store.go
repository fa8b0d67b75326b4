package blob

import (
	"context"
	"io"
	"time"
)

// Store is write-once, content-addressed object storage. Records in the
// database refer to blobs by Key; the store never interprets the bytes.
//
// Implementations are safe for concurrent use by several goroutines and
// several processes sharing the same directory or bucket.
type Store interface {
	// Put stores exactly size bytes from r under key. It verifies that the
	// SHA-256 of what it read matches key and that the byte count matches
	// size (else ErrDigestMismatch or ErrSizeMismatch, and nothing is left
	// behind). Writing a key that already exists is a no-op success without
	// reading r: objects are immutable, so the stored copy is already right.
	Put(ctx context.Context, key Key, r io.Reader, size int64) error
	// Open streams the object and returns its size. The stream is verified as
	// it is read: if the stored bytes do not match the key, the final Read
	// returns ErrDigestMismatch (or ErrSizeMismatch) instead of io.EOF, so
	// damage cannot pass silently. Missing objects give ErrNotFound.
	Open(ctx context.Context, key Key) (io.ReadCloser, int64, error)
	// Stat describes the object without reading it; ErrNotFound if absent.
	Stat(ctx context.Context, key Key) (Info, error)
	// Delete removes the object for good. It is only for orphans (an object
	// no record refers to) and for retention; deleting a missing key
	// succeeds, so a sweep interrupted halfway can simply run again.
	Delete(ctx context.Context, key Key) error
	// Walk calls fn for every stored object, for the orphan sweeper. It stops
	// at, and returns, the first error from fn.
	Walk(ctx context.Context, fn func(Info) error) error
	// Ping reports whether the store can serve requests now (readiness).
	Ping(ctx context.Context) error
}

// Info describes a stored object.
type Info struct {
	// Key is the object's content address.
	Key Key
	// Size is the object's length in bytes.
	Size int64
	// Modified is when the object was stored; the orphan sweeper leaves
	// young objects alone because their record may still be in flight.
	Modified time.Time
}
