package cmap

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// Bounds on the work Parse does.
const (
	// MaxDataSize is the largest CMap program Parse accepts, in bytes.
	MaxDataSize = 16 << 20
	// DefaultMaxEntries is the mapping bound used when Options.MaxEntries is 0.
	DefaultMaxEntries = 1 << 20
	// MaxUseCMapDepth is the longest usecmap chain above a CMap.
	MaxUseCMapDepth = 8
	// maxSpaces bounds the codespace ranges of a CMap and its parents, so
	// Next stays fast on hostile input (Adobe's CMaps use fewer than 20).
	maxSpaces = 256
)

// Options controls Parse.
type Options struct {
	// Resolve returns the CMap named by usecmap. It is tried first; a nil
	// CMap with a nil error falls through to Load and then Predefined.
	// Resolve must not parse a CMap whose own usecmap leads back to the
	// one being parsed (Parse cannot see that recursion); use Load for
	// CMaps that are parsed on demand.
	Resolve func(name string) (*CMap, error)
	// Load returns the program of the CMap named by usecmap, which Parse
	// then parses with the same Options, detecting cycles and bounding the
	// chain at MaxUseCMapDepth. A nil result with a nil error falls
	// through to Predefined.
	Load func(name string) ([]byte, error)
	// MaxEntries bounds the mappings one CMap holds (0 means
	// DefaultMaxEntries). A bfrange, cidrange or notdefrange is one entry
	// whatever its span: ranges are stored, never expanded.
	MaxEntries int
}

// Parse reads a CMap program, the decoded data of an embedded CMap or a
// ToUnicode stream. It returns an error wrapping ErrSyntax, ErrLimit,
// ErrCycle or ErrUnresolved on bad input; it never panics, and its time and
// memory are linear in len(data) (plus what usecmap parents take).
func Parse(data []byte, opt Options) (*CMap, error) {
	return parse(data, opt, 0, nil)
}

// charEntry is a bfchar, cidchar or notdefchar mapping while parsing.
type charEntry[T any] struct {
	val T
	seq int32
}

type parser struct {
	lx    lexer
	opt   Options
	max   int
	level int      // usecmap parents being parsed above this program
	chain []string // names requested or defined along that chain
	c     *CMap
	seq   int32
	seen  bool  // the program contains anything that makes it a CMap
	lens  uint8 // bit n set when a source code of n bytes was mapped

	cidChars    map[uint64]charEntry[uint32]
	notdefChars map[uint64]charEntry[uint32]
	uniChars    map[uint64]charEntry[string]

	pending *token // a keyword that ended a block, to handle next
}

// operand is one of the last operands seen outside mapping blocks.
type operand struct {
	kind  tokKind
	name  string
	num   int64
	numOK bool
}

func parse(data []byte, opt Options, level int, chain []string) (*CMap, error) {
	if len(data) > MaxDataSize {
		return nil, fmt.Errorf("%w: program of %d bytes exceeds %d", ErrLimit, len(data), MaxDataSize)
	}
	p := &parser{
		lx:          lexer{data: data},
		opt:         opt,
		max:         opt.MaxEntries,
		level:       level,
		chain:       chain,
		c:           &CMap{},
		cidChars:    map[uint64]charEntry[uint32]{},
		notdefChars: map[uint64]charEntry[uint32]{},
		uniChars:    map[uint64]charEntry[string]{},
	}
	if p.max <= 0 {
		p.max = DefaultMaxEntries
	}
	if err := p.run(); err != nil {
		return nil, err
	}
	if !p.seen {
		return nil, syntaxErr(0, "no CMap content (begincmap, a mapping block or usecmap)")
	}
	return p.finish()
}

// run interprets the program: mapping blocks, def of /CMapName and /WMode,
// and usecmap. Everything else is skipped.
func (p *parser) run() error {
	var ops [2]operand // the last two operands, ops[1] the most recent
	push := func(o operand) { ops[0], ops[1] = ops[1], o }
	nest := 0 // depth inside [ ], << >> and { }, whose contents are skipped
	for {
		var tok token
		if p.pending != nil {
			tok, p.pending = *p.pending, nil
		} else {
			var err error
			if tok, err = p.lx.next(); err != nil {
				return err
			}
		}
		switch tok.kind {
		case tokEOF:
			return nil
		case tokArrayStart, tokDictStart, tokProcStart:
			nest++
		case tokArrayEnd, tokDictEnd, tokProcEnd:
			if nest > 0 {
				nest--
				if nest == 0 {
					push(operand{kind: tok.kind})
				}
			}
		case tokStray:
		case tokKeyword:
			if blk, ok := blockOf(string(tok.b)); ok {
				// Mapping blocks are read even inside an unbalanced
				// bracket: a stray "[" must not hide the mappings.
				nest = 0
				p.seen = true
				if err := p.block(blk); err != nil {
					return err
				}
			} else if nest == 0 {
				if err := p.keyword(string(tok.b), tok.off, ops); err != nil {
					return err
				}
			}
			ops = [2]operand{}
		default:
			if nest == 0 {
				o := operand{kind: tok.kind, num: tok.num, numOK: tok.numOK}
				if tok.kind == tokName {
					o.name = string(tok.b)
				}
				push(o)
			}
		}
	}
}

// keyword handles an operator outside mapping blocks given the two operands
// before it.
func (p *parser) keyword(kw string, off int, ops [2]operand) error {
	switch kw {
	case "begincmap":
		p.seen = true
	case "def":
		if ops[0].kind != tokName {
			return nil
		}
		switch ops[0].name {
		case "CMapName":
			if ops[1].kind == tokName {
				p.c.name = ops[1].name
			}
		case "WMode":
			if ops[1].kind == tokNumber && ops[1].numOK && ops[1].num <= 1 {
				p.c.wmode, p.c.wmodeSet = int(ops[1].num), true
			}
		}
	case "usecmap":
		if ops[1].kind == tokName {
			p.seen = true
			return p.usecmap(ops[1].name, off)
		}
	}
	return nil
}

// usecmap makes the named CMap the parent of the one being parsed.
func (p *parser) usecmap(name string, off int) error {
	if p.c.parent != nil {
		return syntaxErr(off, "second usecmap %q", name)
	}
	if name == p.c.name || slices.Contains(p.chain, name) {
		return fmt.Errorf("%w: %w at offset %d: usecmap %q", ErrSyntax, ErrCycle, off, name)
	}
	if p.level >= MaxUseCMapDepth {
		return fmt.Errorf("%w: usecmap chain deeper than %d at %q", ErrLimit, MaxUseCMapDepth, name)
	}
	var parent *CMap
	var err error
	if p.opt.Resolve != nil {
		if parent, err = p.opt.Resolve(name); err != nil {
			return fmt.Errorf("usecmap %q: %w", name, err)
		}
	}
	if parent == nil && p.opt.Load != nil {
		data, err := p.opt.Load(name)
		if err != nil {
			return fmt.Errorf("usecmap %q: %w", name, err)
		}
		if data != nil {
			chain := slices.Clip(p.chain)
			if p.c.name != "" {
				chain = append(chain, p.c.name)
			}
			chain = append(chain, name)
			if parent, err = parse(data, p.opt, p.level+1, chain); err != nil {
				return fmt.Errorf("usecmap %q: %w", name, err)
			}
		}
	}
	if parent == nil {
		var ok bool
		if parent, ok = Predefined(name); !ok {
			return fmt.Errorf("%w: %q", ErrUnresolved, name)
		}
	}
	if parent.depth+1+p.level > MaxUseCMapDepth {
		return fmt.Errorf("%w: usecmap chain deeper than %d at %q", ErrLimit, MaxUseCMapDepth, name)
	}
	for m := parent; m != nil; m = m.parent {
		if m == p.c || (p.c.name != "" && m.name == p.c.name) {
			return fmt.Errorf("%w: %w at offset %d: usecmap %q leads back to %q", ErrSyntax, ErrCycle, off, name, p.c.name)
		}
	}
	p.c.parent = parent
	p.c.depth = parent.depth + 1
	return nil
}

// blockKind is the kind of a mapping block.
type blockKind uint8

const (
	blockCodespace blockKind = iota
	blockBFChar
	blockBFRange
	blockCIDChar
	blockCIDRange
	blockNotdefChar
	blockNotdefRange
)

// blockOf returns the kind of block a keyword opens.
func blockOf(kw string) (blockKind, bool) {
	switch kw {
	case "begincodespacerange":
		return blockCodespace, true
	case "beginbfchar":
		return blockBFChar, true
	case "beginbfrange":
		return blockBFRange, true
	case "begincidchar":
		return blockCIDChar, true
	case "begincidrange":
		return blockCIDRange, true
	case "beginnotdefchar":
		return blockNotdefChar, true
	case "beginnotdefrange":
		return blockNotdefRange, true
	}
	return 0, false
}

// blockArity is the number of items in one entry of each kind of block.
var blockArity = [...]int{
	blockCodespace:   2,
	blockBFChar:      2,
	blockBFRange:     3,
	blockCIDChar:     2,
	blockCIDRange:    3,
	blockNotdefChar:  2,
	blockNotdefRange: 3,
}

// item is one value inside a mapping block.
type item struct {
	kind  tokKind // tokHex, tokNumber, tokName, tokArrayStart for an array, or another kind
	b     []byte  // decoded hex string; valid until the next token is read
	num   int64
	numOK bool
	list  []string // decoded elements of an array
	// A hex string of 1 to 4 bytes is also a character code.
	codeVal uint32
	codeN   int
}

// code returns a hex item as a character code of 1 to 4 bytes.
func (it *item) code() (code uint32, n int, ok bool) {
	return it.codeVal, it.codeN, it.codeN > 0
}

// block reads the entries of a mapping block up to its end keyword. The
// declared count is not trusted: a block also ends at EOF or at any other
// keyword, which is then handled as if the end keyword had been there.
func (p *parser) block(kind blockKind) error {
	arity := blockArity[kind]
	var items [3]item
	for {
		for i := 0; i < arity; i++ {
			it, done, err := p.item()
			if err != nil || done {
				return err
			}
			if i == 0 && it.kind != tokHex {
				// A stray token where a source code belongs is
				// skipped alone, so the entries after it still pair up.
				i--
				continue
			}
			if i < arity-1 {
				// Only the last item's bytes are used: they alias the
				// lexer's buffer, which the next token overwrites.
				// Earlier items are used as codes only.
				it.b = nil
			}
			items[i] = it
		}
		if err := p.entry(kind, &items); err != nil {
			return err
		}
	}
}

// item reads the next value of a block; done is true at the end of the
// block (EOF or a keyword, which is left pending unless it is an end*).
func (p *parser) item() (it item, done bool, err error) {
	tok, err := p.lx.next()
	if err != nil {
		return item{}, true, err
	}
	switch tok.kind {
	case tokEOF:
		return item{}, true, nil
	case tokKeyword:
		p.endBlock(tok)
		return item{}, true, nil
	case tokArrayStart:
		list, err := p.array()
		return item{kind: tokArrayStart, list: list}, false, err
	}
	it = item{kind: tok.kind, b: tok.b, num: tok.num, numOK: tok.numOK}
	if tok.kind == tokHex && len(tok.b) >= 1 && len(tok.b) <= 4 {
		it.codeVal, it.codeN = beUint(tok.b), len(tok.b)
	}
	return it, false, nil
}

// endBlock leaves a keyword that ends a block pending unless it is an end
// keyword, which needs no further handling.
func (p *parser) endBlock(tok token) {
	switch string(tok.b) {
	case "endcodespacerange", "endbfchar", "endbfrange", "endcidchar", "endcidrange", "endnotdefchar", "endnotdefrange":
		return
	}
	t := tok
	p.pending = &t
}

// array reads the elements of a bfrange destination array after "[". Hex
// strings are decoded from UTF-16BE; any other element (a name such as
// /space, a number, a nested array) maps nothing. A keyword or EOF before
// "]" ends the array leniently.
func (p *parser) array() ([]string, error) {
	var list []string
	nest := 0
	for {
		tok, err := p.lx.next()
		if err != nil {
			return nil, err
		}
		switch tok.kind {
		case tokEOF:
			return list, nil
		case tokKeyword:
			p.endBlock(tok)
			return list, nil
		case tokArrayStart, tokDictStart, tokProcStart:
			if nest == 0 {
				list = append(list, "")
			}
			nest++
		case tokArrayEnd, tokDictEnd, tokProcEnd:
			if nest == 0 {
				return list, nil
			}
			nest--
		default:
			if nest == 0 {
				s := ""
				if tok.kind == tokHex {
					s = decodeUTF16BE(tok.b)
				}
				list = append(list, s)
			}
		}
	}
}

// entry records one entry of a block; malformed entries are skipped.
func (p *parser) entry(kind blockKind, it *[3]item) error {
	lo, n, ok := it[0].code()
	if !ok {
		return nil
	}
	if kind == blockCodespace {
		return p.codespace(&it[0], &it[1])
	}
	hi, hiN := lo, n
	last := &it[1]
	if blockArity[kind] == 3 {
		if hi, hiN, ok = it[1].code(); !ok || hiN != n || hi < lo {
			return nil
		}
		last = &it[2]
	}
	klo, khi := key(lo, n), key(hi, n)
	switch kind {
	case blockBFChar:
		if last.kind != tokHex || len(last.b) == 0 {
			return nil
		}
		p.seq++
		p.uniChars[klo] = charEntry[string]{decodeUTF16BE(last.b), p.seq}
	case blockBFRange:
		var d bfDest
		switch last.kind {
		case tokHex:
			if len(last.b) == 0 {
				return nil
			}
			d.units = utf16Units(last.b)
		case tokArrayStart:
			d.list = last.list
		default:
			return nil
		}
		p.seq++
		p.c.uniRanges = append(p.c.uniRanges, span[*bfDest]{lo: klo, hi: khi, base: klo, seq: p.seq, val: &d})
	case blockCIDChar, blockNotdefChar:
		if last.kind != tokNumber || !last.numOK {
			return nil
		}
		p.seq++
		m := p.cidChars
		if kind == blockNotdefChar {
			m = p.notdefChars
		}
		m[klo] = charEntry[uint32]{uint32(last.num), p.seq}
	case blockCIDRange, blockNotdefRange:
		if last.kind != tokNumber || !last.numOK {
			return nil
		}
		p.seq++
		r := span[uint32]{lo: klo, hi: khi, base: klo, seq: p.seq, val: uint32(last.num)}
		if kind == blockCIDRange {
			p.c.cidRanges = append(p.c.cidRanges, r)
		} else {
			p.c.notdefRanges = append(p.c.notdefRanges, r)
		}
	}
	p.lens |= 1 << n
	if held := len(p.uniChars) + len(p.cidChars) + len(p.notdefChars) + len(p.c.uniRanges) + len(p.c.cidRanges) + len(p.c.notdefRanges); held > p.max {
		return fmt.Errorf("%w: more than %d mappings at offset %d", ErrLimit, p.max, p.lx.pos)
	}
	return nil
}

// codespace records a codespace range. As in pdf.js, bounds of different
// lengths are read as integers of the upper bound's length.
func (p *parser) codespace(loIt, hiIt *item) error {
	lo, _, ok := loIt.code()
	if !ok {
		return nil
	}
	hi, n, ok := hiIt.code()
	if !ok || (n < 4 && lo >= 1<<(8*n)) {
		return nil
	}
	var r space
	r.n = n
	for j := 0; j < n; j++ {
		shift := 8 * (n - 1 - j)
		r.lo[j], r.hi[j] = byte(lo>>shift), byte(hi>>shift)
		if r.lo[j] > r.hi[j] {
			return nil
		}
	}
	if !slices.Contains(p.c.space, r) {
		if len(p.c.space) >= maxSpaces {
			return fmt.Errorf("%w: more than %d codespace ranges", ErrLimit, maxSpaces)
		}
		p.c.space = append(p.c.space, r)
	}
	return nil
}

// finish builds the lookup structures of the parsed CMap.
func (p *parser) finish() (*CMap, error) {
	c := p.c
	if c.parent != nil {
		for _, r := range c.parent.space {
			if !slices.Contains(c.space, r) {
				c.space = append(c.space, r)
			}
		}
		if len(c.space) > maxSpaces {
			return nil, fmt.Errorf("%w: more than %d codespace ranges with usecmap", ErrLimit, maxSpaces)
		}
		p.lens |= c.parent.lenSet
	}
	slices.SortStableFunc(c.space, func(a, b space) int { return cmp.Compare(a.n, b.n) })
	c.inferN = 1
	for n := 1; n <= 4; n++ {
		if p.lens == 1<<n {
			c.inferN = n
		}
	}
	c.lenSet = p.lens

	c.entries = len(p.uniChars) + len(p.cidChars) + len(p.notdefChars) + len(c.uniRanges) + len(c.cidRanges) + len(c.notdefRanges)
	c.uniRanges = disjoint(c.uniRanges)
	c.cidRanges = disjoint(c.cidRanges)
	c.notdefRanges = disjoint(c.notdefRanges)
	c.uniChars = charMap(p.uniChars, c.uniRanges)
	c.cidChars = charMap(p.cidChars, c.cidRanges)
	c.notdefChars = charMap(p.notdefChars, c.notdefRanges)

	fullSpace := len(c.space) == 1 && c.space[0] == space{n: 2, hi: [4]byte{0xff, 0xff}}
	ownIdentity := len(c.cidChars) == 0 && len(c.cidRanges) == 1 &&
		c.cidRanges[0] == span[uint32]{lo: key(0, 2), hi: key(0xffff, 2), base: key(0, 2), seq: c.cidRanges[0].seq}
	inherited := len(c.cidChars) == 0 && len(c.cidRanges) == 0 && c.parent != nil && c.parent.identity
	c.identity = fullSpace && (ownIdentity || inherited)
	return c, nil
}

// charMap returns the lookup map of char mappings, dropping those that a
// later range overrides (later definitions win, as in MuPDF and pdf.js).
func charMap[T, R any](chars map[uint64]charEntry[T], ranges []span[R]) map[uint64]T {
	m := make(map[uint64]T, len(chars))
	for k, e := range chars {
		if r, ok := find(ranges, k); ok && r.seq > e.seq {
			continue
		}
		m[k] = e.val
	}
	return m
}

// disjoint sorts ranges by lo and splits overlapping ones so that each code
// falls in at most one piece, the one from the latest definition.
func disjoint[T any](rs []span[T]) []span[T] {
	slices.SortStableFunc(rs, func(a, b span[T]) int { return cmp.Compare(a.lo, b.lo) })
	overlap := false
	for i := 1; i < len(rs) && !overlap; i++ {
		overlap = rs[i].lo <= rs[i-1].hi
	}
	if !overlap {
		// Sorted by lo and each starting after the previous ends:
		// no range can reach into a later one.
		return slices.Clip(rs)
	}
	points := make([]uint64, 0, 2*len(rs))
	for _, r := range rs {
		points = append(points, r.lo, r.hi+1)
	}
	slices.Sort(points)
	points = slices.Compact(points)
	h := &spanHeap[T]{rs: rs}
	var out []span[T]
	j := 0
	for i := 0; i+1 < len(points); i++ {
		at := points[i]
		for j < len(rs) && rs[j].lo <= at {
			heap.Push(h, j)
			j++
		}
		for h.Len() > 0 && rs[h.idx[0]].hi < at {
			heap.Pop(h)
		}
		if h.Len() == 0 {
			continue
		}
		r := rs[h.idx[0]]
		end := points[i+1] - 1
		if n := len(out); n > 0 && out[n-1].seq == r.seq && out[n-1].hi+1 == at {
			out[n-1].hi = end
			continue
		}
		r.lo, r.hi = at, end
		out = append(out, r)
	}
	return out
}

// spanHeap is a max-heap of indices into rs by definition order.
type spanHeap[T any] struct {
	rs  []span[T]
	idx []int
}

func (h *spanHeap[T]) Len() int           { return len(h.idx) }
func (h *spanHeap[T]) Less(i, j int) bool { return h.rs[h.idx[i]].seq > h.rs[h.idx[j]].seq }
func (h *spanHeap[T]) Swap(i, j int)      { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *spanHeap[T]) Push(x any)         { h.idx = append(h.idx, x.(int)) }
func (h *spanHeap[T]) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}

// utf16Units reads b as big-endian 16-bit units. An odd-length b is read as
// a big-endian number, so <41> is U+0041.
func utf16Units(b []byte) []uint16 {
	if len(b)%2 == 1 {
		u := make([]uint16, 0, len(b)/2+1)
		u = append(u, uint16(b[0]))
		for i := 1; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return u
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return u
}

// decodeUTF16BE decodes a destination string to UTF-8.
func decodeUTF16BE(b []byte) string { return decodeUTF16(utf16Units(b)) }

// decodeUTF16 decodes UTF-16 units to UTF-8, combining surrogate pairs; an
// unpaired surrogate becomes U+FFFD.
func decodeUTF16(u []uint16) string {
	buf := make([]byte, 0, len(u)*3)
	for i := 0; i < len(u); i++ {
		r := rune(u[i])
		if utf16.IsSurrogate(r) {
			if i+1 < len(u) {
				if d := utf16.DecodeRune(r, rune(u[i+1])); d != utf8.RuneError {
					r = d
					i++
				} else {
					r = utf8.RuneError
				}
			} else {
				r = utf8.RuneError
			}
		}
		buf = utf8.AppendRune(buf, r)
	}
	return string(buf)
}
