package cmap

// Predefined returns the predefined CMap of that name (§9.7.5.2). Only
// Identity-H and Identity-V are built in: 2-byte codes over the codespace
// <0000>-<FFFF>, each mapped to the CID of the same value, horizontal and
// vertical. The character-collection CMaps (90ms-RKSJ-H, UniGB-UCS2-H, …)
// are not embedded; callers that have them supply them through
// Options.Resolve or Options.Load. ok is false for any other name. Each call
// returns a new CMap.
func Predefined(name string) (*CMap, bool) {
	var wmode int
	switch name {
	case "Identity-H":
	case "Identity-V":
		wmode = 1
	default:
		return nil, false
	}
	return &CMap{
		name:      name,
		wmode:     wmode,
		wmodeSet:  true,
		identity:  true,
		space:     []space{{n: 2, hi: [4]byte{0xff, 0xff}}},
		inferN:    2,
		lenSet:    1 << 2,
		cidRanges: []span[uint32]{{lo: key(0, 2), hi: key(0xffff, 2), base: key(0, 2), seq: 1}},
		entries:   1,
	}, true
}
