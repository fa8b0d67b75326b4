// Package blob stores the bytes releasegate keeps: originals as received from
// other agencies, redacted versions, consent evidence and letters.
//
// Objects are content-addressed and written once. A Key is the SHA-256 of the
// object ("sha256/ab/cdef…"), so a stored object can always be re-verified
// against its own name, two records that refer to the same bytes share one
// object, and an upload retried after a crash or a queue redelivery is a
// harmless no-op rather than a second copy. Nothing is ever overwritten; an
// object is removed only when no record refers to it (the orphan sweeper) or
// when its retention period has ended.
//
// Two implementations sit behind Store: Dir, a local directory used by the
// embedded single-machine setup, and S3, any S3 API server (MinIO in
// production) through minio-go. Both pass the same behaviour suite in
// package blobtest.
//
// Uploads arrive through Spool, which copies the request body to a temporary
// file while hashing it, so an upload is never held in memory and its key is
// known before it reaches the store.
package blob
