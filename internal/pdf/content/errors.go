package content

import "errors"

// ErrSyntax is wrapped by every error about malformed content-stream input;
// the message says the byte offset at which the problem was found.
var ErrSyntax = errors.New("content stream syntax error")

// ErrLimit is wrapped by errors returned when input exceeds a Limits bound.
var ErrLimit = errors.New("content stream limit exceeded")
