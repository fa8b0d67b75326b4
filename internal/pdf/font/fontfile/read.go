package fontfile

import "fmt"

// MaxSize is the largest font program the parsers accept, in bytes.
const MaxSize = 64 << 20

// checkSize rejects inputs over MaxSize.
func checkSize(data []byte) error {
	if len(data) > MaxSize {
		return fmt.Errorf("%w: %w: %d bytes", ErrMalformed, ErrTooLarge, len(data))
	}
	return nil
}

// malformed builds an error wrapping ErrMalformed.
func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

// u8, u16, u32 and i16 read big-endian values at off; ok is false when the
// read would leave data. Offsets are ints and never negative in callers,
// but the checks do not rely on that.
func u8(data []byte, off int) (uint8, bool) {
	if off < 0 || off >= len(data) {
		return 0, false
	}
	return data[off], true
}

func u16(data []byte, off int) (uint16, bool) {
	if off < 0 || off > len(data)-2 {
		return 0, false
	}
	return uint16(data[off])<<8 | uint16(data[off+1]), true
}

func i16(data []byte, off int) (int16, bool) {
	v, ok := u16(data, off)
	return int16(v), ok
}

func u32(data []byte, off int) (uint32, bool) {
	if off < 0 || off > len(data)-4 {
		return 0, false
	}
	return uint32(data[off])<<24 | uint32(data[off+1])<<16 | uint32(data[off+2])<<8 | uint32(data[off+3]), true
}

// span returns data[off:off+n] when it lies inside data.
func span(data []byte, off, n int) ([]byte, bool) {
	if off < 0 || n < 0 || off > len(data) || n > len(data)-off {
		return nil, false
	}
	return data[off : off+n], true
}
