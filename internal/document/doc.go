// Package document holds third-party reports: the receipt record made on
// upload (DESIGN.md rule 2), the immutable original, the decrypted working
// copy, and the ingest that takes a document from received to ready or
// rejected with a reason a person can act on.
//
// The records database is the truth: a document's state moves forward only
// by conditional updates, so an ingest retried after a crash, or run twice
// by a re-delivered task, changes the document exactly once.
package document
