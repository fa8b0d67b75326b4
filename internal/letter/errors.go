package letter

import (
	"errors"
	"fmt"
)

// ErrUnknownKind means Render was asked for a letter it has no template for.
var ErrUnknownKind = errors.New("unknown letter kind")

// ErrMissingField means the data lacked a field the letter needs; the
// *FieldError that wraps it names the field.
var ErrMissingField = errors.New("missing letter field")

// ErrBadField means a field was present but of the wrong type or value (a
// date that is not a time.Time, an audience the service does not know).
var ErrBadField = errors.New("unusable letter field")

// FieldError names the field of a letter that was missing or unusable.
type FieldError struct {
	Kind  Kind
	Field string
	Err   error // ErrMissingField or ErrBadField, possibly wrapped
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("letter %s: field %s: %v", e.Kind, e.Field, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }
