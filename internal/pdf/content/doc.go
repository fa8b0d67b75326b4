// Package content reads and writes PDF content streams at the byte level.
//
// Redaction has to remove glyphs from page content streams exactly, so this
// package does not depend on pdfcpu's object model: it lexes the stream
// following ISO 32000-1 §7.2 (lexical conventions), groups operands with
// their operator (§7.8.2, §8, §9) and writes operations back canonically.
//
// Parse is strict where leniency would hide content from the redactor and
// lenient where real readers agree:
//
//   - an unbalanced "]", ">>", ")" or ">" , a "{" or "}", a dict key that is
//     not a name, an odd number of dict entries and an unterminated string,
//     array, dict or inline image are syntax errors (ErrSyntax, with the
//     byte offset);
//   - operators that PDF does not define are kept as they are (BX/EX
//     compatibility sections may use them);
//   - operands left over at the end of the stream with no operator are
//     dropped, as viewers do; they draw nothing;
//   - a regular-character run that is not a number, boolean or null is an
//     operator, so "1.2.3" is an operator rather than an error;
//   - a name's "#" not followed by two hex digits is kept literally.
//
// Inline images (BI … ID data EI) become a single Op named "BI" whose only
// operand is the image dictionary and whose Data holds the raw image bytes.
// The end of the data is found from /L (or /Length) when present, else from
// the size of unfiltered data computed from /W /H /BPC /CS /IM, else by the
// heuristic that an "EI" surrounded by white space is followed by bytes that
// lex as known operators (16 tokens are checked; the work is bounded by a
// budget linear in the stream length, beyond which Parse returns ErrLimit). An image Op's Start and End cover "BI" to "EI".
//
// Limits bound the work done on hostile input; exceeding one returns an
// error wrapping ErrLimit. No input makes Parse panic or loop forever.
//
// Append and Write serialize operations canonically; Parse(Append(nil,
// Parse(x))) yields the same operators and operands as Parse(x), except
// that an inline image's /L is its data's true length (and is added where
// the data could be misread without it).
package content
