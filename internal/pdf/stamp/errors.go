package stamp

import "errors"

// ErrFooter means the footer lacks what every released page must carry: a
// release reference, a recipient or a date.
var ErrFooter = errors.New("footer is incomplete")

// ErrPage means a page could not be stamped: its content or resources
// cannot be read or changed.
var ErrPage = errors.New("page cannot be stamped")
