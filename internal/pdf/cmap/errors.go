package cmap

import "errors"

// ErrSyntax is wrapped by errors about a malformed CMap program; the message
// says the byte offset at which the problem was found.
var ErrSyntax = errors.New("cmap syntax error")

// ErrLimit is wrapped by errors returned when a CMap exceeds a bound on its
// size, its number of mappings or the depth of its usecmap chain.
var ErrLimit = errors.New("cmap limit exceeded")

// ErrCycle is wrapped, together with ErrSyntax, by errors about a usecmap
// chain that leads back to a CMap already in it.
var ErrCycle = errors.New("cmap usecmap cycle")

// ErrUnresolved is wrapped by errors about a usecmap naming a CMap that
// neither Options.Resolve, Options.Load nor Predefined provides.
var ErrUnresolved = errors.New("cmap usecmap not found")
