package ingest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// ErrPasswordRequired means the PDF is encrypted with an open password and
// none was given.
var ErrPasswordRequired = errors.New("pdf is encrypted and no password was given")

// ErrWrongPassword means a password was given but it opens neither the user
// nor the owner access of the encrypted PDF.
var ErrWrongPassword = errors.New("password does not open the pdf")

// ErrUnsupportedEncryption means the PDF is encrypted in a way pdfcpu cannot
// open with a password (a certificate security handler, or an algorithm it
// does not implement).
var ErrUnsupportedEncryption = errors.New("pdf encryption is not supported")

// ErrDamaged means the file claims to be a PDF (or image) but cannot be parsed
// or repaired: empty, truncated beyond repair, a cross-reference table that
// cannot be reconstructed, garbage, or input that made pdfcpu panic.
var ErrDamaged = errors.New("file is damaged")

// ErrTooManyPages means the document has more pages than Limits.MaxPages.
// The error carries a *PageLimitError with the numbers.
var ErrTooManyPages = errors.New("too many pages")

// ErrTooLarge means opening the file would decode more bytes, hold more
// objects or decode more image pixels than Limits allow: decompression
// bombs and their relatives. The error carries a *SizeLimitError.
var ErrTooLarge = errors.New("file expands beyond the allowed size")

// ErrUnsupported means the content is not a PDF, JPEG, PNG or TIFF, whatever
// the file is called.
var ErrUnsupported = errors.New("unsupported file type")

// PageLimitError reports a document with more pages than allowed. It
// unwraps to ErrTooManyPages.
type PageLimitError struct {
	Pages int // pages found (at least this many)
	Max   int // Limits.MaxPages in force
}

// Error implements error.
func (e *PageLimitError) Error() string {
	return fmt.Sprintf("%s: %d pages, at most %d allowed", ErrTooManyPages, e.Pages, e.Max)
}

// Unwrap lets errors.Is match ErrTooManyPages.
func (e *PageLimitError) Unwrap() error { return ErrTooManyPages }

// Resource names what a SizeLimitError counted.
type Resource string

// Resources counted against Limits.
const (
	ResourceDecodedBytes Resource = "decoded bytes" // Limits.MaxDecompressedBytes
	ResourceObjects      Resource = "objects"       // Limits.MaxObjects
	ResourceImagePixels  Resource = "image pixels"  // per-image pixel limit of FromImage
)

// SizeLimitError reports which limit a file went over. It unwraps to
// ErrTooLarge. Counting stops as soon as the limit is passed, so Got is a
// lower bound, not the file's true size.
type SizeLimitError struct {
	Resource Resource
	Got      int64 // at least this much
	Max      int64
}

// Error implements error.
func (e *SizeLimitError) Error() string {
	return fmt.Sprintf("%s: more than %d %s (at least %d)", ErrTooLarge, e.Max, e.Resource, e.Got)
}

// Unwrap lets errors.Is match ErrTooLarge.
func (e *SizeLimitError) Unwrap() error { return ErrTooLarge }

// Reason returns a sentence, for the person who uploaded the file, that says
// why it was refused and what to do next. It never includes document content
// or the underlying technical error, which belongs in the log.
func Reason(err error) string {
	var pl *PageLimitError
	var sl *SizeLimitError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &pl):
		return fmt.Sprintf("the document has %s pages, more than the %s allowed: ask the author for it in parts",
			thousands(int64(pl.Pages)), thousands(int64(pl.Max)))
	case errors.Is(err, ErrTooManyPages):
		return "the document has more pages than allowed: ask the author for it in parts"
	case errors.As(err, &sl) && sl.Resource == ResourceDecodedBytes:
		return fmt.Sprintf("the file expands to more than %s when opened, which is more than allowed: "+
			"ask the author to send it again (it may be damaged or hostile)", byteSize(sl.Max))
	case errors.As(err, &sl) && sl.Resource == ResourceObjects:
		return fmt.Sprintf("the file is built from more than %s parts, which is more than allowed: "+
			"ask the author to send it again (it may be damaged or hostile)", thousands(sl.Max))
	case errors.As(err, &sl) && sl.Resource == ResourceImagePixels:
		return fmt.Sprintf("the scanned image is larger than %s pixels, which is more than allowed: "+
			"ask the author to scan it again at a lower resolution", thousands(sl.Max))
	case errors.Is(err, ErrTooLarge):
		return "the file expands to more than is allowed when opened: " +
			"ask the author to send it again (it may be damaged or hostile)"
	case errors.Is(err, ErrPasswordRequired):
		return "this PDF is password-protected: upload it again with the password"
	case errors.Is(err, ErrWrongPassword):
		return "the password given does not open this PDF: check it with the author and upload again"
	case errors.Is(err, ErrUnsupportedEncryption):
		return "this PDF is protected in a way that cannot be opened here: ask the author to send it without protection"
	case errors.Is(err, ErrUnsupported):
		return "this file is not a PDF or a scanned image (JPEG, PNG or TIFF): ask the author for a PDF"
	case errors.Is(err, ErrDamaged):
		return "the file is damaged: ask the author to send it again"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "checking the file was interrupted: it will be tried again"
	default:
		return "the file could not be checked: try again, and ask for help if it keeps happening"
	}
}

// thousands formats n with comma separators, as UK readers expect.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// byteSize formats n bytes in binary units ("1 GiB", "1.5 MiB").
func byteSize(n int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB"}
	f := float64(n)
	u := 0
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	if u == 0 {
		return thousands(n) + " bytes"
	}
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d %s", int64(f), units[u])
	}
	return fmt.Sprintf("%.1f %s", f, units[u])
}
