// Package ingest checks a third-party document when it arrives and turns it
// into a working copy that the rest of the PDF engine can trust.
//
// It is the only place where an uploaded file meets pdfcpu for the first
// time, so it is written for hostile input. Nothing outside internal/pdf
// imports pdfcpu; callers see only the types of this package.
//
// Inspect takes a PDF through these steps, cheapest refusal first:
//
//  1. Sniff the content: the name of the file counts for nothing.
//  2. checkComplete: a file cut short is ErrDamaged, not a document
//     silently missing its last pages.
//  3. prescan (prescan.go): measure every stream in the raw bytes through a
//     counting decoder that holds nothing, and count objects, so that a
//     decompression bomb is ErrTooLarge before pdfcpu buffers any of it.
//  4. pdfcpu reads the file (decrypting it with the password), and
//     countStreams measures the streams again as pdfcpu resolved and
//     decrypted them.
//  5. Walk the page tree against Limits.MaxPages, validate in relaxed mode,
//     and retry once with the cross-reference table rebuilt from the objects
//     if the file is damaged.
//  6. Scan each page's content (scan.go) for text and images.
//  7. Write a working copy without encryption.
//
// FromImage checks a scan's frame sizes from its headers, has pdfcpu import
// it and then inspects the result the same way.
//
// pdfcpu panics are recovered at this boundary as ErrDamaged. The sentinel
// errors in errors.go say why a file was refused, and Reason turns them into
// a sentence a social worker can act on. The package logs nothing.
//
// The process must call api.DisableConfigDir once (main does; tests do in
// TestMain): the configuration passed to pdfcpu is always explicit.
package ingest
