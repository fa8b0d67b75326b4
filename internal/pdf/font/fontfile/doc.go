// Package fontfile reads the parts of embedded font programs that text
// extraction needs: character-to-glyph maps, glyph names, advance widths and
// built-in encodings of TrueType/OpenType (FontFile2, FontFile3 /OpenType),
// bare CFF (FontFile3 /Type1C and /CIDFontType0C) and Type 1 (FontFile)
// programs.
//
// Every parser treats its input as hostile: reads are bounds-checked, counts
// are capped, loops are bounded by the input's size, and malformed data gives
// an error wrapping ErrMalformed rather than a panic. Nothing here draws
// glyphs or interprets charstrings.
//
// tables.go is generated (go generate) from packaged sources; internal/gen
// records them.
package fontfile

//go:generate go run ./internal/gen -o tables.go
