package blob

import "errors"

// ErrNotFound means no object is stored under the key; callers treat it as a
// missing record's blob rather than an outage.
var ErrNotFound = errors.New("blob: not found")

// ErrDigestMismatch means the bytes read do not hash to the key they were
// stored or fetched under: the upload was corrupted or truncated in transit,
// or a stored object has been damaged. Nothing is kept from a failed Put.
var ErrDigestMismatch = errors.New("blob: content does not match its sha256 key")

// ErrSizeMismatch means the stream held more or fewer bytes than the caller
// declared. Nothing is kept from a failed Put.
var ErrSizeMismatch = errors.New("blob: content length does not match the declared size")

// ErrTooLarge means an incoming stream exceeded the limit given to Spool; the
// HTTP layer answers 413 with it.
var ErrTooLarge = errors.New("blob: upload exceeds the size limit")

// ErrUnavailable means the storage backend could not be reached or is not
// ready (connection refused, timeout, server busy). It is transient: the HTTP
// layer answers 503 and queued work is retried with backoff.
var ErrUnavailable = errors.New("blob: storage unavailable")

// ErrInvalidKey means a string is not a well-formed content address. Keys are
// checked before any path or object name is built from them, so a crafted key
// can never reach outside the store.
var ErrInvalidKey = errors.New("blob: invalid key")
