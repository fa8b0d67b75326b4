package content

import (
	"fmt"
	"math"
)

// Kind classifies an Operand.
type Kind uint8

// Operand kinds.
const (
	KindNull   Kind = iota // null
	KindNumber             // integer or real, in Num
	KindString             // string bytes in Bytes; Hex says how it was written
	KindName               // decoded name (without '/') in Bytes
	KindBool               // boolean in Bool
	KindArray              // elements in Array
	KindDict               // entries in Dict, in input order
)

// Operand is one operand of a content-stream operator. Bytes may alias the
// input passed to Parse.
type Operand struct {
	Kind Kind
	// Hex reports that a string was written as a hexadecimal string, so it is
	// written back the same way.
	Hex   bool
	Bool  bool
	Num   float64
	Bytes []byte
	Array []Operand
	Dict  []DictEntry
}

// DictEntry is one key/value pair of a dictionary operand; order and
// duplicate keys are kept as written.
type DictEntry struct {
	Key   []byte // decoded name without '/'
	Value Operand
}

// Op is one operation: an operator and its operands. For an inline image
// Operator is "BI", Operands holds the image dictionary and Data the raw
// image bytes.
type Op struct {
	Operator string
	Operands []Operand
	// Data holds the raw bytes of an inline image; nil otherwise.
	Data []byte
	// Start and End delimit the whole operation, operands included, in the
	// input: data[Start:End].
	Start, End int
}

// Limits bounds the work Parse does on one stream. A zero field means the
// DefaultLimits value for that field.
type Limits struct {
	MaxOps   int // operations in the stream
	MaxDepth int // nesting of arrays and dictionaries
	MaxBytes int // length of the stream
}

// DefaultLimits returns limits generous enough for any real page.
func DefaultLimits() Limits {
	return Limits{MaxOps: 5_000_000, MaxDepth: 64, MaxBytes: 256 << 20}
}

func (lim Limits) withDefaults() Limits {
	d := DefaultLimits()
	if lim.MaxOps <= 0 {
		lim.MaxOps = d.MaxOps
	}
	if lim.MaxDepth <= 0 {
		lim.MaxDepth = d.MaxDepth
	}
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = d.MaxBytes
	}
	return lim
}

// knownOps interns the operators of ISO 32000-1 Annex A so that Op.Operator
// does not allocate; it also drives the inline-image end heuristic.
var knownOps = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{
		"b", "B", "b*", "B*", "BDC", "BI", "BMC", "BT", "BX", "c", "cm", "CS", "cs",
		"d", "d0", "d1", "Do", "DP", "EI", "EMC", "ET", "EX", "f", "F", "f*", "G", "g",
		"gs", "h", "i", "ID", "j", "J", "K", "k", "l", "m", "M", "MP", "n", "q", "Q",
		"re", "RG", "rg", "ri", "s", "S", "SC", "sc", "SCN", "scn", "sh", "T*", "Tc",
		"Td", "TD", "Tf", "Tj", "TJ", "TL", "Tm", "Tr", "Ts", "Tw", "Tz", "v", "w",
		"W", "W*", "y", "'", "\"",
	} {
		m[s] = s
	}
	return m
}()

func operatorName(b []byte) string {
	if s, ok := knownOps[string(b)]; ok {
		return s
	}
	return string(b)
}

type parser struct {
	lx    Lexer
	lim   Limits
	stack []Operand
	arena []Operand
	chunk int // size of the last arena chunk
}

// Parse splits a content stream into operations. Errors wrap ErrSyntax or
// ErrLimit. Operands may alias data, which must not be modified while the
// result is in use.
func Parse(data []byte, lim Limits) ([]Op, error) {
	lim = lim.withDefaults()
	if len(data) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: stream of %d bytes exceeds %d", ErrLimit, len(data), lim.MaxBytes)
	}
	p := &parser{lx: Lexer{data: data}, lim: lim}
	ops := make([]Op, 0, min(len(data)/8+1, lim.MaxOps, 1<<16))
	opStart := -1
	for {
		tok, err := p.lx.Next()
		if err != nil {
			return nil, err
		}
		if tok.Kind == TokenEOF {
			// Trailing operands without an operator draw nothing: drop them.
			return ops, nil
		}
		if opStart < 0 {
			opStart = tok.Offset
		}
		if tok.Kind != TokenOperator {
			v, err := p.object(tok, 0)
			if err != nil {
				return nil, err
			}
			p.stack = append(p.stack, v)
			continue
		}
		if len(ops) >= lim.MaxOps {
			return nil, fmt.Errorf("%w: more than %d operations", ErrLimit, lim.MaxOps)
		}
		name := operatorName(tok.Bytes)
		var op Op
		switch name {
		case "BI":
			if len(p.stack) > 0 {
				return nil, syntaxErr(tok.Offset, "operands before BI")
			}
			op, err = p.inlineImage(tok)
			if err != nil {
				return nil, err
			}
		case "ID", "EI":
			return nil, syntaxErr(tok.Offset, "%s outside inline image", name)
		default:
			op = Op{Operator: name, Operands: p.take(0), Start: opStart, End: tok.Offset + tok.Len}
		}
		op.Start = opStart
		ops = append(ops, op)
		opStart = -1
	}
}

// take moves the operand stack into the arena and returns it as a slice
// whose capacity ends at its length, so appending to it cannot clobber a
// neighbour.
func (p *parser) take(mark int) []Operand {
	n := len(p.stack) - mark
	if n == 0 {
		return nil
	}
	if cap(p.arena)-len(p.arena) < n {
		// Chunks start small (a Type3 glyph or a small form holds a few
		// operands) and double up to 4096 operands.
		p.chunk = min(max(2*p.chunk, len(p.lx.data)/8, 16), 4096)
		p.arena = make([]Operand, 0, max(p.chunk, n))
	}
	s := len(p.arena)
	p.arena = append(p.arena, p.stack[mark:]...)
	// The stack is not cleared: it only references the input and the
	// arena, which the result keeps alive anyway.
	p.stack = p.stack[:mark]
	return p.arena[s : s+n : s+n]
}

// object turns tok (not an operator) into an operand, reading the rest of
// an array or dictionary.
func (p *parser) object(tok Token, depth int) (Operand, error) {
	switch tok.Kind {
	case TokenNumber:
		return Operand{Kind: KindNumber, Num: tok.Num}, nil
	case TokenString:
		return Operand{Kind: KindString, Bytes: tok.Bytes}, nil
	case TokenHexString:
		return Operand{Kind: KindString, Bytes: tok.Bytes, Hex: true}, nil
	case TokenName:
		return Operand{Kind: KindName, Bytes: tok.Bytes}, nil
	case TokenBool:
		return Operand{Kind: KindBool, Bool: tok.Bool}, nil
	case TokenNull:
		return Operand{Kind: KindNull}, nil
	case TokenArrayStart, TokenDictStart:
		if depth >= p.lim.MaxDepth {
			return Operand{}, fmt.Errorf("%w: nesting deeper than %d at offset %d", ErrLimit, p.lim.MaxDepth, tok.Offset)
		}
		if tok.Kind == TokenArrayStart {
			return p.array(tok, depth+1)
		}
		return p.dict(tok, depth+1)
	case TokenArrayEnd:
		return Operand{}, syntaxErr(tok.Offset, "unbalanced ']'")
	case TokenDictEnd:
		return Operand{}, syntaxErr(tok.Offset, "unbalanced '>>'")
	}
	return Operand{}, syntaxErr(tok.Offset, "unexpected token")
}

func (p *parser) array(open Token, depth int) (Operand, error) {
	// Elements go on the operand stack above mark, then move to the arena.
	mark := len(p.stack)
	for {
		tok, err := p.lx.Next()
		if err != nil {
			return Operand{}, err
		}
		switch tok.Kind {
		case TokenEOF:
			return Operand{}, syntaxErr(open.Offset, "unterminated array")
		case TokenArrayEnd:
			elems := p.take(mark)
			if elems == nil {
				elems = []Operand{}
			}
			return Operand{Kind: KindArray, Array: elems}, nil
		case TokenOperator:
			return Operand{}, syntaxErr(tok.Offset, "operator %q inside array", tok.Bytes)
		}
		v, err := p.object(tok, depth)
		if err != nil {
			return Operand{}, err
		}
		p.stack = append(p.stack, v)
	}
}

// dictEntries reads key/value pairs up to a token for which stop returns
// true, and returns that token.
func (p *parser) dictEntries(depth int, stop func(Token) bool) ([]DictEntry, Token, error) {
	entries := []DictEntry{}
	for {
		tok, err := p.lx.Next()
		if err != nil {
			return nil, tok, err
		}
		if stop(tok) {
			return entries, tok, nil
		}
		if tok.Kind == TokenEOF {
			return nil, tok, syntaxErr(tok.Offset, "unterminated dictionary")
		}
		if tok.Kind != TokenName {
			return nil, tok, syntaxErr(tok.Offset, "dictionary key is not a name")
		}
		key := tok.Bytes
		vt, err := p.lx.Next()
		if err != nil {
			return nil, vt, err
		}
		if vt.Kind == TokenEOF || vt.Kind == TokenOperator || vt.Kind == TokenDictEnd {
			return nil, vt, syntaxErr(vt.Offset, "dictionary key /%s has no value", key)
		}
		v, err := p.object(vt, depth)
		if err != nil {
			return nil, vt, err
		}
		entries = append(entries, DictEntry{Key: key, Value: v})
	}
}

func (p *parser) dict(open Token, depth int) (Operand, error) {
	entries, _, err := p.dictEntries(depth, func(t Token) bool { return t.Kind == TokenDictEnd })
	if err != nil {
		return Operand{}, err
	}
	return Operand{Kind: KindDict, Dict: entries}, nil
}

// Lookup returns the value of the first entry of a dictionary operand whose
// key is one of keys.
func (o Operand) Lookup(keys ...string) (Operand, bool) {
	for _, e := range o.Dict {
		for _, k := range keys {
			if string(e.Key) == k {
				return e.Value, true
			}
		}
	}
	return Operand{}, false
}

// inlineImage reads BI … ID data EI; bi is the BI token.
func (p *parser) inlineImage(bi Token) (Op, error) {
	entries, id, err := p.dictEntries(1, func(t Token) bool {
		return t.Kind == TokenOperator && string(t.Bytes) == "ID"
	})
	if err != nil {
		return Op{}, err
	}
	dict := Operand{Kind: KindDict, Dict: entries}
	data := p.lx.data
	start := id.Offset + id.Len
	if start < len(data) && isSpace(data[start]) {
		start++ // the single white-space byte after ID
	}
	dataEnd, eiEnd, ok := -1, -1, false
	if n, known := imageLength(dict); known {
		dataEnd, eiEnd, ok = eiAt(data, start, n)
	}
	if !ok {
		dataEnd, eiEnd, ok, err = findEI(data, start)
		if err != nil {
			return Op{}, err
		}
	}
	if !ok {
		return Op{}, syntaxErr(bi.Offset, "inline image without EI")
	}
	p.lx.pos = eiEnd
	return Op{
		Operator: "BI",
		Operands: []Operand{dict},
		Data:     data[start:dataEnd:dataEnd],
		End:      eiEnd,
	}, nil
}

// eiAt checks that n bytes of data from start are followed by white space
// and an EI token, returning the data end and the EI end.
func eiAt(data []byte, start, n int) (int, int, bool) {
	if n < 0 || n > len(data)-start {
		return 0, 0, false
	}
	end := start + n
	i := end
	for i < len(data) && isSpace(data[i]) {
		i++
	}
	if i+2 > len(data) || data[i] != 'E' || data[i+1] != 'I' {
		return 0, 0, false
	}
	if i+2 < len(data) && isRegular(data[i+2]) {
		return 0, 0, false
	}
	return end, i + 2, true
}

// findEI looks for white space, "EI", then white space, a delimiter or the
// end, where the bytes after it lex as known operators and their operands.
// Lexing those bytes is charged to a budget linear in the input, so data
// full of "EI" candidates cannot make the search quadratic.
func findEI(data []byte, start int) (int, int, bool, error) {
	budget := 16*(len(data)-start) + 1<<20
	for i := start; i+2 <= len(data); i++ {
		if data[i] != 'E' || data[i+1] != 'I' || i == 0 || !isSpace(data[i-1]) {
			continue
		}
		if i+2 < len(data) && isRegular(data[i+2]) {
			continue
		}
		ok, cost := plausibleTail(data[i+2:])
		budget -= cost
		if budget < 0 {
			return 0, 0, false, fmt.Errorf("%w: inline image end search at offset %d", ErrLimit, start)
		}
		if !ok {
			continue
		}
		end := i - 1
		if end < start {
			end = start
		}
		return end, i + 2, true, nil
	}
	return 0, 0, false, nil
}

// plausibleTail reports whether the first 16 tokens of b lex cleanly and
// every operator among them is one PDF defines, and how many bytes it read.
func plausibleTail(b []byte) (bool, int) {
	lx := Lexer{data: b}
	for k := 0; k < 16; k++ {
		tok, err := lx.Next()
		if err != nil {
			return false, lx.pos
		}
		switch tok.Kind {
		case TokenEOF:
			return true, lx.pos
		case TokenOperator:
			if _, ok := knownOps[string(tok.Bytes)]; !ok {
				return false, lx.pos
			}
		}
	}
	return true, lx.pos
}

// imageLength returns the length of an inline image's data from /L or
// /Length, or computed from its size when it is not filtered.
func imageLength(dict Operand) (int, bool) {
	if v, ok := dict.Lookup("L", "Length"); ok && v.Kind == KindNumber {
		if v.Num >= 0 && v.Num <= math.MaxInt32 && v.Num == math.Trunc(v.Num) {
			return int(v.Num), true
		}
		return 0, false
	}
	if f, ok := dict.Lookup("F", "Filter"); ok {
		if !(f.Kind == KindArray && len(f.Array) == 0) && f.Kind != KindNull {
			return 0, false
		}
	}
	w, ok1 := intEntry(dict, "W", "Width")
	h, ok2 := intEntry(dict, "H", "Height")
	if !ok1 || !ok2 {
		return 0, false
	}
	comps, bpc := 0, 0
	if im, ok := dict.Lookup("IM", "ImageMask"); ok && im.Kind == KindBool && im.Bool {
		comps, bpc = 1, 1
	} else {
		b, ok := intEntry(dict, "BPC", "BitsPerComponent")
		if !ok {
			return 0, false
		}
		bpc = b
		cs, ok := dict.Lookup("CS", "ColorSpace")
		if !ok {
			return 0, false
		}
		comps = components(cs)
	}
	if comps == 0 || bpc <= 0 || bpc > 16 {
		return 0, false
	}
	row := (int64(w)*int64(comps)*int64(bpc) + 7) / 8
	total := row * int64(h)
	if total > math.MaxInt32 {
		return 0, false
	}
	return int(total), true
}

func intEntry(dict Operand, keys ...string) (int, bool) {
	v, ok := dict.Lookup(keys...)
	if !ok || v.Kind != KindNumber || v.Num < 0 || v.Num > 1<<24 || v.Num != math.Trunc(v.Num) {
		return 0, false
	}
	return int(v.Num), true
}

// components returns the number of colour components of an inline image
// colour space, or 0 when it cannot be known without resources.
func components(cs Operand) int {
	if cs.Kind == KindArray && len(cs.Array) > 0 && cs.Array[0].Kind == KindName {
		switch string(cs.Array[0].Bytes) {
		case "I", "Indexed":
			return 1
		}
		return 0
	}
	if cs.Kind != KindName {
		return 0
	}
	switch string(cs.Bytes) {
	case "G", "DeviceGray", "CalGray":
		return 1
	case "RGB", "DeviceRGB", "CalRGB":
		return 3
	case "CMYK", "DeviceCMYK":
		return 4
	}
	return 0
}
