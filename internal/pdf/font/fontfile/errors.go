package fontfile

import "errors"

var (
	// ErrMalformed reports a font program whose structure is broken:
	// offsets or lengths outside the data, impossible counts, missing
	// required tables. Text extraction falls back to other sources.
	ErrMalformed = errors.New("malformed font program")

	// ErrTooLarge reports a font program over MaxSize; it is also wrapped
	// with ErrMalformed.
	ErrTooLarge = errors.New("font program too large")

	// ErrUnsupported reports a well-formed program of a kind this package
	// does not read (an unknown sfnt version, a CFF2 table, a Type 1
	// encoding given by a name other than StandardEncoding).
	ErrUnsupported = errors.New("unsupported font program")

	// ErrNoEncoding reports a Type 1 program without an /Encoding entry.
	ErrNoEncoding = errors.New("no built-in encoding")
)
