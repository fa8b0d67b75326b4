package redact

import (
	"math"

	"github.com/releasegate/releasegate/internal/pdf/content"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// cut is what goes from one text-showing operator: the glyphs removed,
// each with the bytes it used and its advance.
type cut struct {
	glyphs []text.Glyph // removed glyphs of this operator, in drawing order
}

// rewrite returns ops with the glyphs in cuts (by operator index) removed,
// the operators in drop (the paths wholly inside marks) left out, and
// those in replace replaced (nil: left out).
// A removed run of glyphs becomes one TJ adjustment equal to the sum of
// their advances (kerning numbers inside the run folded in), so the glyphs
// that stay keep their place and nothing of the removed glyphs' individual
// widths is left. ' and " become T* (with Tw and Tc set for ") and a TJ.
// adjust, when not nil, replaces the adjustment of each removed run (the
// width policy); it gets the run's exact adjustment.
func rewrite(ops []content.Op, cuts map[int]*cut, drop map[int]bool, replace map[int]*content.Op, adjust func(exact float64) float64) []content.Op {
	out := make([]content.Op, 0, len(ops)+len(cuts))
	for i := range ops {
		if drop[i] {
			continue
		}
		if r, ok := replace[i]; ok {
			if r != nil {
				out = append(out, *r)
			}
			continue
		}
		c, ok := cuts[i]
		if !ok {
			out = append(out, ops[i])
			continue
		}
		out = append(out, rewriteOp(&ops[i], c, adjust)...)
	}
	return out
}

// kernLimit separates kerning (below) from adjustments that stand for a
// space (above), in thousandths of an em.
const kernLimit = 150

func num(v float64) content.Operand { return content.Operand{Kind: content.KindNumber, Num: v} }

// rewriteOp rewrites one text-showing operator.
func rewriteOp(op *content.Op, c *cut, adjust func(float64) float64) []content.Op {
	n := len(op.Operands)
	if n == 0 {
		return []content.Op{*op}
	}
	last := op.Operands[n-1]
	// The elements shown: a TJ array's, or the single string.
	var elems []content.Operand
	if op.Operator == "TJ" {
		if last.Kind != content.KindArray {
			return []content.Op{*op}
		}
		elems = last.Array
	} else {
		if last.Kind != content.KindString {
			return []content.Op{*op}
		}
		elems = []content.Operand{last}
	}
	// removed[elem] lists the byte ranges cut from that element, with the
	// advance of each.
	type piece struct {
		start, end int
		adv        float64
	}
	removed := map[int][]piece{}
	for _, g := range c.glyphs {
		removed[g.Source.Elem] = append(removed[g.Source.Elem], piece{g.Source.Start, g.Source.End, g.Adv})
	}

	var arr []content.Operand
	pending := 0.0 // adjustment of the removed run being built
	inRun := false // a removed run is open
	kerning := 0.0 // numbers met while the run is open
	flush := func() {
		if inRun {
			v := pending + kerning
			if adjust != nil {
				v = adjust(v)
			}
			if v != 0 && !math.IsNaN(v) {
				arr = append(arr, num(v))
			}
		}
		pending, kerning, inRun = 0, 0, false
	}
	for ei, el := range elems {
		switch el.Kind {
		case content.KindNumber:
			switch {
			case inRun:
				kerning += el.Num
			case adjust != nil && math.Abs(el.Num) < kernLimit:
				// Under the quantised policy the kerning of the text kept
				// around a gap goes too: producers kern by the font's pair
				// table, which would tell what letters stood next to the
				// gap. Larger numbers are word spaces and stay.
			default:
				arr = append(arr, el)
			}
			continue
		case content.KindString:
		default:
			continue
		}
		cuts := removed[ei]
		pos := 0
		for _, p := range cuts {
			if p.start < pos || p.end > len(el.Bytes) {
				continue // overlapping or out of range: cannot happen for glyphs of one string
			}
			if p.start > pos {
				flush()
				arr = append(arr, content.Operand{Kind: content.KindString, Hex: el.Hex, Bytes: el.Bytes[pos:p.start]})
			}
			inRun = true
			pending += p.adv
			pos = p.end
		}
		if pos < len(el.Bytes) {
			flush()
			arr = append(arr, content.Operand{Kind: content.KindString, Hex: el.Hex, Bytes: el.Bytes[pos:]})
		}
	}
	flush()

	var pre []content.Op
	switch op.Operator {
	case "'":
		pre = []content.Op{{Operator: "T*"}}
	case "\"":
		if n >= 3 {
			pre = []content.Op{
				{Operator: "Tw", Operands: []content.Operand{op.Operands[n-3]}},
				{Operator: "Tc", Operands: []content.Operand{op.Operands[n-2]}},
			}
		}
		pre = append(pre, content.Op{Operator: "T*"})
	}
	if len(arr) == 0 {
		return pre
	}
	return append(pre, content.Op{Operator: "TJ", Operands: []content.Operand{{Kind: content.KindArray, Array: arr}}})
}
