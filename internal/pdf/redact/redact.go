// Package redact removes text from PDFs for real: glyphs under a mark, or
// matching a term, are cut out of the content streams that draw them (form
// XObjects included, copied first when another page uses them too), an
// opaque box is drawn over each mark, and the file is written afresh and
// verified by reading it back (DESIGN.md §5 items 4–5).
//
// Which glyphs go: every glyph whose centre lies in a mark, or whose box is
// at least half covered by one. A removed run of glyphs leaves one TJ
// adjustment behind, never the individual widths or kerning of what was
// removed; under the default width policy that adjustment is widened to a
// coarse quantum, so the gap no longer tells how long the removed text was.
package redact

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/releasegate/releasegate/internal/pdf/text"
)

// Mark is a rectangle to redact on a page, in the page's default user
// space measured from the MediaBox's lower-left corner, unrotated (the
// space of text.Glyph quads).
type Mark struct {
	Page   int        `json:"page"`
	Rect   [4]float64 `json:"rect"`
	Reason string     `json:"reason,omitempty"`
}

// Policy says how much of the removed text's width the result may show.
type Policy string

// Width policies.
const (
	// Quantised widens every removed gap to a whole number of quanta of
	// the line's font size, so names of similar length leave the same gap.
	Quantised Policy = "quantised"
	// Exact keeps the original layout: the gap is as wide as what was
	// removed, which leaks its width (the report says so).
	Exact Policy = "exact"
	// Line removes every glyph on a line that holds a mark.
	Line Policy = "line"
)

// quantum is the width policy's unit, in thousandths of the font size:
// gaps are widened to whole multiples of three ems.
const quantum = 3000

// ParsePolicy reads a policy name; "" is Quantised.
func ParsePolicy(s string) (Policy, error) {
	switch Policy(s) {
	case "", Quantised:
		return Quantised, nil
	case Exact, Line:
		return Policy(s), nil
	}
	return "", fmt.Errorf("width policy %q: want quantised, exact or line", s)
}

// ErrVerify is wrapped by a redaction whose output failed verification.
var ErrVerify = errors.New("the redacted file failed verification")

// covered reports whether a glyph with box b goes under mark m: its centre
// inside, or at least half its area covered.
func covered(b, m [4]float64) bool {
	cx, cy := (b[0]+b[2])/2, (b[1]+b[3])/2
	if cx >= m[0] && cx <= m[2] && cy >= m[1] && cy <= m[3] {
		return true
	}
	area := (b[2] - b[0]) * (b[3] - b[1])
	if area <= 0 {
		return false
	}
	w := math.Min(b[2], m[2]) - math.Max(b[0], m[0])
	h := math.Min(b[3], m[3]) - math.Max(b[1], m[1])
	return w > 0 && h > 0 && w*h >= area/2
}

// normRect orders a rectangle's corners.
func normRect(r [4]float64) [4]float64 {
	if r[0] > r[2] {
		r[0], r[2] = r[2], r[0]
	}
	if r[1] > r[3] {
		r[1], r[3] = r[3], r[1]
	}
	return r
}

// selectGlyphs returns the indices of the glyphs of page p to remove:
// those under marks, those matching terms, and under the Line policy every
// glyph on a line that holds one of those.
func selectGlyphs(p *text.Page, marks []Mark, m *matcher, policy Policy) []int {
	sel := map[int]bool{}
	for i := range p.Glyphs {
		b := p.Glyphs[i].Quad.Bounds()
		for _, mk := range marks {
			if mk.Page == p.Number && covered(b, normRect(mk.Rect)) {
				sel[i] = true
				break
			}
		}
	}
	for _, g := range m.find(p) {
		sel[g] = true
	}
	if policy == Line && len(sel) > 0 {
		lines := map[int]bool{}
		for _, w := range p.Words {
			for _, g := range w.Glyphs {
				if sel[g] {
					lines[w.Line] = true
				}
			}
		}
		for _, w := range p.Words {
			if lines[w.Line] {
				for _, g := range w.Glyphs {
					sel[g] = true
				}
			}
		}
	}
	fillSpaces(p, sel)
	out := make([]int, 0, len(sel))
	for g := range sel {
		out = append(out, g)
	}
	sort.Ints(out)
	return out
}

// fillSpaces adds to sel the white space drawn between two selected glyphs
// of the same operator, so that "Alfie Thompson" goes as one run and leaves
// one gap, not two around a kept space.
func fillSpaces(p *text.Page, sel map[int]bool) {
	last := -1 // the last selected glyph, in drawing order
	for i := range p.Glyphs {
		if !sel[i] {
			continue
		}
		if last >= 0 && i > last+1 {
			a, b := p.Glyphs[last].Source, p.Glyphs[i].Source
			if a.Form == b.Form && a.Op == b.Op {
				all := true
				for k := last + 1; k < i && all; k++ {
					all = strings.TrimSpace(p.Glyphs[k].Text) == ""
				}
				if all {
					for k := last + 1; k < i; k++ {
						sel[k] = true
					}
				}
			}
		}
		last = i
	}
}

// minQuanta is the narrowest gap, in quanta: short names are the easiest
// to tell apart by width, so every gap is at least this wide.
const minQuanta = 2
