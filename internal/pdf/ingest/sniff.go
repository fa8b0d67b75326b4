package ingest

import "bytes"

// Kind is a file type recognised from content (never from the name).
type Kind string

// Kinds that Sniff recognises. KindUnknown is everything else, including
// executables renamed to .pdf.
const (
	KindPDF     Kind = "application/pdf"
	KindJPEG    Kind = "image/jpeg"
	KindPNG     Kind = "image/png"
	KindTIFF    Kind = "image/tiff"
	KindUnknown Kind = ""
)

// maxHeaderJunk is how far into a file PDF readers look for the header:
// Acrobat accepts up to 1024 bytes of anything before "%PDF-".
const maxHeaderJunk = 1024

// SniffLen is how many leading bytes Sniff needs to see every header it
// knows, including a PDF header after the most junk readers tolerate. Pass at
// least this many bytes when the file is that long.
const SniffLen = maxHeaderJunk + len("%PDF-")

// Sniff recognises the type from the first bytes of a file (at least 512
// bytes if available; SniffLen to find a PDF header preceded by junk). A PDF
// header may be preceded by up to 1024 bytes of junk, as readers allow.
func Sniff(head []byte) Kind {
	switch {
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return KindPNG
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return KindJPEG
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return KindTIFF
	}
	if pdfHeaderOffset(head) >= 0 {
		return KindPDF
	}
	return KindUnknown
}

// pdfHeaderOffset returns where "%PDF-" starts within the tolerated junk, or
// -1 when there is no header.
func pdfHeaderOffset(b []byte) int {
	if len(b) > SniffLen {
		b = b[:SniffLen]
	}
	return bytes.Index(b, []byte("%PDF-"))
}

// AcceptedKinds lists what Sniff accepts, for error messages.
func AcceptedKinds() []Kind {
	return []Kind{KindPDF, KindJPEG, KindPNG, KindTIFF}
}

// String returns the MIME type, or "unknown".
func (k Kind) String() string {
	if k == KindUnknown {
		return "unknown"
	}
	return string(k)
}
