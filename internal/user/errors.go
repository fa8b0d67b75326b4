package user

import "errors"

var (
	// ErrNotFound means no such user, token or session.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input breaks a rule; the wrapped text says which.
	ErrInvalid = errors.New("invalid")
	// ErrConflict means the username is taken.
	ErrConflict = errors.New("conflict")
	// ErrBadCredentials means a wrong username, password, token or session;
	// deliberately the same error for each, so nothing is learnt from it.
	ErrBadCredentials = errors.New("the username, password or token is not valid")
)
