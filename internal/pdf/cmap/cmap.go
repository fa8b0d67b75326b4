package cmap

import "slices"

// CMap maps the bytes of a shown string to character codes, CIDs and Unicode
// text. A CMap is immutable once returned, so one value may be shared by any
// number of goroutines.
type CMap struct {
	name     string
	wmode    int
	wmodeSet bool
	identity bool

	// space holds the codespace ranges, the CMap's own then those inherited
	// through usecmap, ordered by length (stable), so Next tries the
	// shortest codes first as MuPDF and pdf.js do.
	space []space
	// inferN is the code length Next uses when space is empty: the length of
	// every source code in the mappings if they all agree, else 1.
	inferN int
	// lenSet has bit n set when the CMap or a parent maps a code of n bytes.
	lenSet uint8

	cidChars     map[uint64]uint32
	cidRanges    []span[uint32]
	notdefChars  map[uint64]uint32
	notdefRanges []span[uint32]
	uniChars     map[uint64]string
	uniRanges    []span[*bfDest]

	parent  *CMap
	depth   int // length of the usecmap chain above this CMap
	entries int // mappings held, each range counting once
}

// space is one codespace range: codes of n bytes whose every byte lies
// between the corresponding bytes of lo and hi (§9.7.6.2).
type space struct {
	n      int
	lo, hi [4]byte
}

// key identifies a character code by its length in bytes and its value:
// <0041> and <41> are different codes.
func key(code uint32, n int) uint64 { return uint64(n)<<32 | uint64(code) }

// span is a range of codes of one length, as keys lo..hi, mapped to val.
// The code base maps to val itself and base+i to the i-th successor. After
// parsing, the spans of one kind are disjoint and sorted by lo; a range
// partly overridden by a later one is split into pieces that keep its base.
type span[T any] struct {
	lo, hi, base uint64
	seq          int32 // definition order; later definitions win
	val          T
}

// bfDest is the destination of a bfrange: either UTF-16 code units whose
// last unit is incremented along the range, or one string per code.
type bfDest struct {
	units []uint16
	list  []string // decoded UTF-8; "" where the element maps nothing
}

// find returns the span of rs containing k.
func find[T any](rs []span[T], k uint64) (*span[T], bool) {
	lo, hi := 0, len(rs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if rs[m].hi < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(rs) && rs[lo].lo <= k {
		return &rs[lo], true
	}
	return nil, false
}

// Name returns the /CMapName of a parsed CMap or the name of a predefined one
// ("" when the program defines none).
func (c *CMap) Name() string { return c.name }

// WMode returns the writing mode, 0 for horizontal and 1 for vertical; a CMap
// that does not set /WMode inherits its usecmap parent's.
func (c *CMap) WMode() int {
	for m := c; m != nil; m = m.parent {
		if m.wmodeSet {
			return m.wmode
		}
	}
	return 0
}

// IsIdentity reports whether the CMap maps every 2-byte code to the CID of
// the same value over the codespace <0000>-<FFFF> and nothing else, as
// Identity-H and Identity-V do, so callers may take a fast path.
func (c *CMap) IsIdentity() bool { return c.identity }

// Len reports the number of mapping entries the CMap itself holds (not its
// usecmap parents'): each bfchar, cidchar and notdefchar counts one, and
// each bfrange, cidrange and notdefrange counts one whatever its span.
func (c *CMap) Len() int { return c.entries }

// Next decodes the first character code of s by the codespace ranges
// (§9.7.6.2), trying shorter ranges first, and returns the code, its length
// n in bytes and ok=true.
//
// When no range matches, the code is invalid (§9.7.6.3): n is the length of
// the shortest range whose first byte matches s[0], else of the shortest
// range, limited to len(s), and ok is false. When the CMap has no codespace
// ranges at all (common in ToUnicode CMaps), n is the length shared by every
// source code of its mappings, or 1 if they differ, limited to len(s); ok is
// then true unless s was too short.
//
// For len(s) > 0, 1 <= n <= min(len(s), 4); for len(s) == 0, n == 0.
func (c *CMap) Next(s []byte) (code uint32, n int, ok bool) {
	if len(s) == 0 {
		return 0, 0, false
	}
	if len(c.space) == 0 {
		n, ok = c.inferN, true
		if n > len(s) {
			n, ok = len(s), false
		}
		return beUint(s[:n]), n, ok
	}
	for i := range c.space {
		r := &c.space[i]
		if r.n > len(s) {
			break // ordered by length: no longer range fits either
		}
		if r.matches(s) {
			return beUint(s[:r.n]), r.n, true
		}
	}
	n = c.space[0].n
	for i := range c.space {
		if r := &c.space[i]; r.lo[0] <= s[0] && s[0] <= r.hi[0] {
			n = r.n
			break
		}
	}
	n = min(n, len(s))
	return beUint(s[:n]), n, false
}

// matches reports whether the first r.n bytes of s (len(s) >= r.n) lie in r.
func (r *space) matches(s []byte) bool {
	for j := 0; j < r.n; j++ {
		if s[j] < r.lo[j] || s[j] > r.hi[j] {
			return false
		}
	}
	return true
}

// beUint returns b (at most 4 bytes) as a big-endian integer.
func beUint(b []byte) uint32 {
	var v uint32
	for _, c := range b {
		v = v<<8 | uint32(c)
	}
	return v
}

// CID maps a code of n bytes to a CID through cidchar and cidrange mappings,
// the CMap's own before its usecmap parents'; ok is true when one matched.
// Otherwise cid is the notdefchar or notdefrange mapping of the code (again
// searched along the chain) or 0, and ok is false: the glyph shown is the
// font's notdef glyph for that CID.
func (c *CMap) CID(code uint32, n int) (cid uint32, ok bool) {
	k := key(code, n)
	for m := c; m != nil; m = m.parent {
		if v, ok := lookupCID(m.cidChars, m.cidRanges, k); ok {
			return v, true
		}
	}
	for m := c; m != nil; m = m.parent {
		if v, ok := m.notdefChars[k]; ok {
			return v, false
		}
		if r, ok := find(m.notdefRanges, k); ok {
			return r.val, false // every code of a notdefrange maps to one CID
		}
	}
	return 0, false
}

func lookupCID(chars map[uint64]uint32, ranges []span[uint32], k uint64) (uint32, bool) {
	if v, ok := chars[k]; ok {
		return v, true
	}
	if r, ok := find(ranges, k); ok {
		v := uint64(r.val) + (k - r.base)
		if v <= 1<<32-1 {
			return uint32(v), true
		}
	}
	return 0, false
}

// Unicode maps a code of n bytes to text through bfchar and bfrange
// mappings, the CMap's own before its usecmap parents'. The text may be
// several characters (a ligature's "ffl"); ok is false when nothing maps
// the code.
func (c *CMap) Unicode(code uint32, n int) (string, bool) {
	k := key(code, n)
	for m := c; m != nil; m = m.parent {
		if s, ok := m.uniChars[k]; ok {
			return s, true
		}
		if r, ok := find(m.uniRanges, k); ok {
			if s := r.val.at(k - r.base); s != "" {
				return s, true
			}
			return "", false
		}
	}
	return "", false
}

// at returns the text for the code off places after the start of the range.
func (d *bfDest) at(off uint64) string {
	if d.units == nil {
		if off < uint64(len(d.list)) {
			return d.list[off]
		}
		return ""
	}
	last := len(d.units) - 1
	v := uint64(d.units[last]) + off
	if last == 0 && v < 0x80 {
		return asciiText[v : v+1]
	}
	if v <= 0xFFFF && last == 0 && (v < 0xD800 || v > 0xDFFF) {
		return string(rune(v))
	}
	// The destination is a big-endian integer of 16-bit units incremented
	// by off, carrying into the preceding units as pdf.js does.
	units := slices.Clone(d.units)
	carry := off
	for i := last; i >= 0 && carry > 0; i-- {
		v := uint64(units[i]) + carry
		units[i] = uint16(v)
		carry = v >> 16
	}
	if carry != 0 {
		return "" // incremented past the width of the destination
	}
	return decodeUTF16(units)
}

// asciiText lets a bfrange mapping to ASCII answer without allocating.
const asciiText = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f" +
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f" +
	" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f"
