// Package letter renders the letters and emails releasegate sends — consent
// requests and reminders to a document's author, the overdue notice to a
// team manager, the notice to a family that a document was shared, and the
// routing notice to Legal Services — from the plain-text templates in
// templates/letter.
//
// Render gives each one twice: as a text/plain email body and as an A4 PDF
// letter. The templates are text/template, never html/template: what a
// caller passes in (a name with "<" or "&" in it) is kept as the literal
// text, because neither output is HTML.
//
// The template text has a small layout of its own, read by the PDF writer
// and left almost untouched in the email: a blank line separates
// paragraphs, a line starting "# " is a heading (bold in the PDF, the
// marker dropped in the email) and a line starting "- " is a list item
// (a bullet with a hanging indent in the PDF).
//
// The PDF is laid out here and written by internal/pdf/compose: Helvetica
// with WinAnsiEncoding at 11 pt, 25 mm margins, lines broken by the font's
// widths, a new page when the text runs over. Characters the encoding
// cannot show are printed as "?". Like the rest of the PDF code, it uses
// pdfcpu's default configuration, so main must have disabled pdfcpu's
// configuration directory first.
package letter
