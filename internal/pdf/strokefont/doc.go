// Package strokefont draws short text labels, such as the reason printed on
// a redaction box ("S40(2) personal data"), as stroked vector paths.
//
// A redaction mark must hide everything beneath it, and verification checks
// that no text glyph lies inside any mark: a glyph there could be the very
// name the mark was meant to remove, or could be mistaken for it by a
// reviewer or an extractor. A label typeset with a font would break that
// rule, so labels are drawn here with path operators only (m, l, S, w, J, j,
// q, Q): no BT/ET, no Tj, no font resource, nothing pdftotext or a screen
// reader can pick up. The label is a picture of words, not text.
//
// The glyphs are a small monoline font designed for this package: each is a
// list of polylines (arcs are flattened to polylines) on a grid whose cap
// height is 10 units, x-height 7 and descender 3. It covers A–Z, a–z, 0–9,
// space and ( ) . , : ; - / ' & § ?; accented letters are drawn without
// their accents and anything else as '?'.
package strokefont
