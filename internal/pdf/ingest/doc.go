// Package ingest checks a third-party document when it arrives and turns it
// into a working copy that the rest of the PDF engine can trust.
//
// It is the only place where an uploaded file meets pdfcpu for the first
// time, so it is written for hostile input: it recognises the type from the
// content (never the name), refuses decompression bombs and oversized
// documents before they can exhaust memory, turns pdfcpu's panics into
// ErrDamaged, and removes encryption from the working copy so that no later
// step needs the password.
//
// Nothing outside internal/pdf imports pdfcpu; callers see only the types of
// this package. The sentinel errors in errors.go say why a file was refused,
// and Reason turns them into a sentence a social worker can act on.
package ingest
