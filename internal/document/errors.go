package document

import "errors"

var (
	// ErrNotFound means there is no such document (or version of it).
	ErrNotFound = errors.New("no such document")
	// ErrInvalid means the upload's metadata breaks a rule; the wrapped
	// text says which field and how to fix it.
	ErrInvalid = errors.New("invalid")
	// ErrUnavailable means a backend (object storage, database) is down;
	// nothing was half-written and the request can be repeated.
	ErrUnavailable = errors.New("storage is unavailable")
	// ErrRejected marks an ingest outcome that retrying cannot change: the
	// document was recorded as rejected with its reason.
	ErrRejected = errors.New("document rejected")
)
