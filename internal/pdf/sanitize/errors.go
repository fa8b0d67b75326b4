package sanitize

import "errors"

// ErrLimit is wrapped by errors about a document whose trees are deeper or
// larger than the scrub is willing to walk. Such a document cannot be
// proven clean and must not be released.
var ErrLimit = errors.New("document structure exceeds a sanitiser limit")
