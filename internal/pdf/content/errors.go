package content

import (
	"errors"
	"fmt"
)

// ErrSyntax is wrapped by every error about malformed content-stream input;
// the message says the byte offset at which the problem was found.
var ErrSyntax = errors.New("content stream syntax error")

// ErrLimit is wrapped by errors returned when input exceeds a Limits bound.
var ErrLimit = errors.New("content stream limit exceeded")

// SyntaxError is malformed input at a byte offset of the stream. It wraps
// ErrSyntax.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%v at offset %d: %s", ErrSyntax, e.Offset, e.Msg)
}

// Unwrap lets errors.Is match ErrSyntax.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }
