// Package glyph turns glyph names into text and knows the base encodings a
// PDF simple font may name.
//
// Text extraction meets glyph names in three places: a font's /Differences
// array, its base encoding, and the names inside embedded font programs.
// ToUnicode follows the Adobe Glyph List Specification to map a name to
// characters; Encoding returns the code-to-name tables of ISO 32000-1
// Annex D.
//
// The tables in tables.go are generated (go generate) from the Adobe Glyph
// List, the ITC Zapf Dingbats Glyph List and Annex D encodings as packaged by
// Debian; internal/gen records the exact sources.
package glyph

//go:generate go run ./internal/gen -o tables.go
