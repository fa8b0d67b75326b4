package redact

import (
	"math"

	"github.com/releasegate/releasegate/internal/pdf/content"
)

// streamEdit is what changes in one content stream (a page's, or a form
// XObject's).
type streamEdit struct {
	// glyphs lists, by operator index, the glyphs that operator shows, in
	// string order.
	glyphs  map[int][]opGlyph
	drop    map[int]bool        // operators left out (paths wholly inside marks)
	replace map[int]*content.Op // operators replaced (nil: left out)
	// respace sets character and word spacing to zero throughout the
	// stream: a justified line's Tw tells the natural width of the whole
	// line, removed text included. Every glyph still lands where the
	// layout wants it: the spacing it lost comes back as TJ numbers on the
	// lines nothing was removed from.
	respace bool
}

// opGlyph is one glyph of a text-showing operator, as the writer needs it.
type opGlyph struct {
	elem, start, end int     // where its bytes are in the operator's strings
	adv              float64 // its advance in the original, as a TJ number (negative: forwards)
	width            float64 // the font's advance for it, in the same units (positive: forwards)
	unit             float64 // page length of one of those units
	removed          bool
	// where it goes: at its place in the original moved forwards by shift
	// (TJ units), or, when flow is set, straight after what the output
	// drew before it.
	shift float64
	flow  bool
}

func num(v float64) content.Operand { return content.Operand{Kind: content.KindNumber, Num: v} }

func opOf(name string, v float64) content.Op {
	return content.Op{Operator: name, Operands: []content.Operand{num(v)}}
}

// spacing is the character and word spacing in force.
type spacing struct{ tc, tw float64 }

// rewrite returns ops with the edits of e applied: removed glyphs gone,
// kept glyphs where the layout puts them, paths and inline images dropped
// or replaced.
//
// A removed glyph leaves nothing behind; the kept glyph after it is moved
// to its place by one TJ number, so nothing of the removed glyphs' own
// widths or kerning remains. Operators that draw nothing removed or moved
// are left as they were.
func rewrite(ops []content.Op, e *streamEdit) []content.Op {
	out := make([]content.Op, 0, len(ops)+8)
	if e.respace {
		out = append(out, opOf("Tc", 0), opOf("Tw", 0))
	}
	// carry is how far (page length, forwards) the output's text position
	// is ahead of the original's: a rewritten operator may end elsewhere
	// than the original did, and an operator continuing from it must
	// make up the difference.
	carry := 0.0
	var cur spacing // the original's spacing, for forms drawn from here
	var stack []spacing
	for i := range ops {
		op := &ops[i]
		if e.drop[i] {
			continue
		}
		if r, ok := e.replace[i]; ok {
			if r != nil {
				out = append(out, *r)
			}
			continue
		}
		switch op.Operator {
		case "q":
			stack = append(stack, cur)
		case "Q":
			if n := len(stack); n > 0 {
				cur, stack = stack[n-1], stack[:n-1]
			}
		case "Tc", "Tw":
			if len(op.Operands) == 1 && op.Operands[0].Kind == content.KindNumber {
				if op.Operator == "Tc" {
					cur.tc = op.Operands[0].Num
				} else {
					cur.tw = op.Operands[0].Num
				}
			}
			if e.respace {
				continue
			}
		case "Do":
			// A form drawn from here inherits the spacing.
			if e.respace && cur != (spacing{}) {
				out = append(out, opOf("Tc", cur.tc), opOf("Tw", cur.tw), *op, opOf("Tc", 0), opOf("Tw", 0))
				continue
			}
		case "BT", "Td", "TD", "Tm", "T*":
			carry = 0
		}
		if op.Operator != "Tj" && op.Operator != "TJ" && op.Operator != "'" && op.Operator != "\"" {
			out = append(out, *op)
			continue
		}
		if op.Operator == "'" || op.Operator == "\"" {
			carry = 0 // they start a new line
		}
		if op.Operator == "\"" && len(op.Operands) == 3 {
			cur = spacing{tw: op.Operands[0].Num, tc: op.Operands[1].Num}
		}
		gl := e.glyphs[i]
		if !needsWriting(op, gl, carry, e.respace) {
			out = append(out, *op)
			continue
		}
		unit := 0.0
		for _, g := range gl {
			if g.unit > 0 {
				unit = g.unit
				break
			}
		}
		start := 0.0
		if unit > 0 {
			start = carry / unit
		}
		written, end := writeOp(op, gl, start, e.respace)
		out = append(out, written...)
		carry = end * unit
	}
	return out
}

// needsWriting reports whether a text-showing operator must be written
// afresh: it shows a removed or moved glyph, continues from an operator
// that ended elsewhere, or relies on spacing the stream no longer has.
func needsWriting(op *content.Op, gl []opGlyph, carry float64, respace bool) bool {
	if respace && op.Operator == "\"" {
		return true
	}
	if carry != 0 && len(gl) > 0 {
		return true
	}
	for _, g := range gl {
		if g.removed || g.flow || g.shift != 0 {
			return true
		}
		if respace && math.Abs(-g.adv-g.width) > 1e-9 {
			return true
		}
	}
	return false
}

// writeOp writes one text-showing operator afresh as a TJ. start is how
// far ahead of the original (TJ units, forwards) the text position is when
// it begins; it returns the same at its end.
func writeOp(op *content.Op, gl []opGlyph, start float64, respace bool) ([]content.Op, float64) {
	n := len(op.Operands)
	if n == 0 {
		return []content.Op{*op}, start
	}
	last := op.Operands[n-1]
	var elems []content.Operand
	switch {
	case op.Operator == "TJ" && last.Kind == content.KindArray:
		elems = last.Array
	case op.Operator != "TJ" && last.Kind == content.KindString:
		elems = []content.Operand{last}
	default:
		return []content.Op{*op}, start
	}

	var arr []content.Operand
	var str []byte
	hex, open := false, false
	closeStr := func() {
		if open {
			arr = append(arr, content.Operand{Kind: content.KindString, Hex: hex, Bytes: str})
			str, open = nil, false
		}
	}
	add := func(b []byte, h bool) {
		if open && hex != h {
			closeStr()
		}
		if !open {
			str, hex, open = make([]byte, 0, len(b)), h, true
		}
		str = append(str, b...)
	}
	orig, out := 0.0, start // text positions, forwards, from the operator's start
	k := 0
	for ei, el := range elems {
		switch el.Kind {
		case content.KindNumber:
			orig -= el.Num
			continue
		case content.KindString:
		default:
			continue
		}
		for k < len(gl) && gl[k].elem < ei {
			k++
		}
		pos := 0
		for ; k < len(gl) && gl[k].elem == ei; k++ {
			g := gl[k]
			if g.start < pos || g.end > len(el.Bytes) || g.start >= g.end {
				continue
			}
			if g.start > pos {
				add(el.Bytes[pos:g.start], el.Hex) // bytes no glyph stands for
			}
			pos = g.end
			if g.removed {
				orig -= g.adv
				continue
			}
			target := orig + g.shift
			if g.flow {
				target = out
			}
			if move := math.Round((target-out)*1000) / 1000; move != 0 {
				closeStr()
				arr = append(arr, num(-move))
				out += move
			}
			add(el.Bytes[g.start:g.end], el.Hex)
			if respace {
				out += g.width
			} else {
				out -= g.adv
			}
			orig -= g.adv
		}
		if pos < len(el.Bytes) {
			add(el.Bytes[pos:], el.Hex)
		}
		closeStr()
	}

	var pre []content.Op
	switch op.Operator {
	case "'":
		pre = []content.Op{{Operator: "T*"}}
	case "\"":
		if n >= 3 && !respace {
			pre = []content.Op{
				{Operator: "Tw", Operands: []content.Operand{op.Operands[n-3]}},
				{Operator: "Tc", Operands: []content.Operand{op.Operands[n-2]}},
			}
		}
		pre = append(pre, content.Op{Operator: "T*"})
	}
	if len(arr) == 0 {
		return pre, out - orig
	}
	return append(pre, content.Op{Operator: "TJ", Operands: []content.Operand{{Kind: content.KindArray, Array: arr}}}), out - orig
}
