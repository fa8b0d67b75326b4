// Package cmap parses PDF CMaps: the CMaps embedded as the /Encoding of a
// Type0 font, which split a shown string into character codes and map them
// to CIDs (ISO 32000-1 §9.7.5, §9.7.6; Adobe Technical Note #5014), and
// ToUnicode CMaps, which map character codes to text (§9.10.3; Adobe
// Technical Note #5099).
//
// pdfcpu (v0.15.0) writes ToUnicode CMaps but has no general CMap parser —
// only an unexported reader of the exact lines it writes itself — so this
// package has its own. It works on the decoded stream data and does not
// depend on pdfcpu.
//
// Supported: codespace ranges of 1 to 4 bytes, matched byte by byte as
// §9.7.6.2 specifies; bfchar and bfrange (hex-string and array
// destinations); cidchar, cidrange, notdefchar and notdefrange; usecmap,
// resolved through Options.Resolve, Options.Load or Predefined (Identity-H
// and Identity-V only), whose codespace ranges and mappings are inherited;
// /CMapName and /WMode. Everything else (/CIDSystemInfo, /CMapType,
// procedures, dictionaries) is skipped. Ranges are stored as ranges, never
// expanded, and looked up by binary search; single mappings are in maps
// keyed by code length and value, so <0041> and <41> are different codes.
//
// Parse is lenient where real readers (MuPDF, pdf.js) are, since many
// producers write broken ToUnicode CMaps:
//
//   - the count before a begin… keyword is ignored: a block ends at its end
//     keyword, at any other keyword (a missing endbfchar) or at EOF;
//   - an entry that cannot be used is skipped: source codes that are empty
//     or longer than 4 bytes, ranges whose bounds differ in length or are
//     reversed, destinations that are names (/space), numbers where a
//     string is wanted, and so on; a token that is not a hex string where
//     an entry's source code belongs is skipped alone;
//   - an odd number of digits in a hex string is completed with 0; a
//     destination of an odd number of bytes is read as a big-endian number
//     (<41> is U+0041); unpaired surrogates become U+FFFD;
//   - codespace bounds of different lengths are read as integers of the
//     upper bound's length, as pdf.js does;
//   - a bfrange hex destination is a big-endian number of UTF-16 units
//     incremented along the range (the last unit, carrying into earlier
//     ones), as pdf.js and MuPDF do; an array destination gives one string
//     per code, and codes past its end map nothing;
//   - ranges of codes run over integers, so <00FE>-<0102> crosses a byte
//     boundary; when definitions overlap the later one wins, chars and
//     ranges alike;
//   - a stray "]", ">>", ">" or ")" is ignored, and mapping blocks are read
//     even inside an unbalanced "[" or "<<".
//
// It is strict where leniency would be unsafe or unbounded: an invalid
// character in a hex string, an unterminated string, a program with no
// CMap content at all (begincmap, a mapping block or usecmap), a second
// usecmap and an unresolvable usecmap are errors. Programs over
// MaxDataSize, more than Options.MaxEntries mappings, more than 256
// codespace ranges and usecmap chains deeper than MaxUseCMapDepth return
// ErrLimit; a usecmap cycle returns ErrCycle. Every token consumes input, so
// the work is linear in the program's length; no input makes Parse panic or
// loop forever.
package cmap
