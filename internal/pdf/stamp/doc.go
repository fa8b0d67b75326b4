// Package stamp draws the release footer on every page of a released PDF:
// the release reference, the recipient, the date, and the author's
// restrictions on onward disclosure (DESIGN.md §2 rule 7: the restrictions
// travel with the release, in the record and on every page).
//
// The footer is real text in Helvetica (one of the standard 14 fonts, so
// nothing is embedded) on a white band at the bottom of the page as it is
// displayed: inside the crop box, turned with /Rotate so that it reads
// upright. It is appended to each page's content in a graphics state of its
// own, after the page's content, so it sits over whatever the page draws
// there; nothing of the page's own content is changed or removed.
//
// Text is written in WinAnsiEncoding; a character that encoding cannot
// show is printed as "?". The release line is wrapped to the page width in
// at most two lines and the restrictions in at most four, the last line
// ending in "…" when the text is longer.
package stamp
