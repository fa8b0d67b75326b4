package ingest

// Limits bounds the work and memory one document may cost. A zero or
// negative field means its default, so Limits{} is the same as
// DefaultLimits().
type Limits struct {
	MaxPages             int   // default 2000
	MaxDecompressedBytes int64 // total decoded stream bytes allowed, default 1 GiB
	MaxObjects           int   // default 2_000_000
}

// Defaults for Limits.
const (
	DefaultMaxPages             = 2000
	DefaultMaxDecompressedBytes = 1 << 30
	DefaultMaxObjects           = 2_000_000
)

// maxImagePixels bounds one scanned image in FromImage: 100 megapixels is a
// sheet of A3 at 1200 dpi, far beyond what a scanner sends for a report.
const maxImagePixels = 100 << 20

// DefaultLimits returns the limits used in production: generous for real
// reports (a 2000-page bundle, a full colour scan) and small enough that a
// hostile file cannot take the worker down.
func DefaultLimits() Limits {
	return Limits{
		MaxPages:             DefaultMaxPages,
		MaxDecompressedBytes: DefaultMaxDecompressedBytes,
		MaxObjects:           DefaultMaxObjects,
	}
}

// withDefaults fills zero or negative fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.MaxDecompressedBytes <= 0 {
		l.MaxDecompressedBytes = d.MaxDecompressedBytes
	}
	if l.MaxObjects <= 0 {
		l.MaxObjects = d.MaxObjects
	}
	return l
}
