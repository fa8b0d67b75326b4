// Package sanitize removes what a PDF carries outside its page content that
// could hold personal data, before a redacted file is written: document
// metadata (the Info dictionary, XMP streams), embedded files and
// portfolios, JavaScript and other actions, page thumbnails, private
// application data, and — where they hold a redaction term — bookmarks,
// named destinations, page labels, structure-tree text, annotations and
// form fields.
//
// Strings lists every such string a reader could see or extract, so that
// verification can prove on the written file that no term survives; it also
// sweeps every other string in the file, so a term in a place this package
// does not know about fails verification rather than slipping through.
//
// Page content (text, images, paths, hidden layers' content) is the
// redactor's business, not this package's.
//
// Everything walked is bounded: trees by depth, every walk by a visited set
// of object numbers and by a budget of nodes, so a hostile file cannot make
// the scrub loop or run unbounded.
package sanitize
