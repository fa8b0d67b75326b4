package casefile

import "errors"

var (
	// ErrNotFound means there is no such case or allocation.
	ErrNotFound = errors.New("no such case")
	// ErrInvalid means the request breaks a rule; the wrapped text says which.
	ErrInvalid = errors.New("invalid")
	// ErrConflict means the case or allocation already exists.
	ErrConflict = errors.New("conflict")
)
