package redact

import (
	"math"
	"sort"

	"github.com/releasegate/releasegate/internal/pdf/text"
)

// Under the quantised policy a line that loses glyphs is laid out afresh,
// so that nothing on it depends on what was removed (Bland, Iyer and
// Levchenko, PETS 2023):
//
//   - each run of removed glyphs becomes a gap a whole number of quanta
//     wide (at least minQuanta), whatever the run's own width;
//   - the kept glyphs are set at their fonts' own advances: kerning,
//     character and word spacing, and the wider word gaps of justified
//     text (which tell the natural width of the whole line, removed text
//     included) all go; a gap between words with no space glyph becomes a
//     quarter of an em;
//   - glyphs drawn over their neighbour (accents, overprinting) keep
//     their offset from it, and a gap wider than columnGap (a tab stop, a
//     table's next cell) keeps what follows where it was, unless the
//     widened line now reaches it.
//
// The line starts where it started: a line whose first glyph is removed
// keeps that glyph's place as the gap's start.

const (
	kernGap   = 0.1  // gaps up to this, in ems, are kerning: they close
	columnGap = 1.5  // gaps beyond this, in ems, separate columns
	spaceGap  = 0.25 // a word gap with no space glyph, in ems
)

// layoutPlan is where the kept glyphs of a page's laid-out lines go.
type layoutPlan struct {
	shift map[int]float64 // glyph → how far forwards it moves, in its TJ units
	boxes [][4]Point      // a box over each removed run, at its widened place
	kept  int             // lines with removed glyphs left in their own layout
	// unplanned are the removed glyphs of those lines.
	unplanned []int
}

// item is a kept glyph or a run of removed ones, along a line.
type item struct {
	glyphs  []int
	removed bool
	space   bool
	s, w    float64 // start along the line and natural width (page space)
	size    float64 // em
}

// planLayout lays out afresh every line of p that holds a removed glyph.
// A line here is what a reader sees as one: every glyph on the same
// baseline, whatever order they were drawn in.
func planLayout(p *text.Page, removed map[int]bool) layoutPlan {
	pl := layoutPlan{shift: map[int]float64{}}
	vls := visualLines(p)
	for li, vl := range vls {
		has := false
		for _, gi := range vl.glyphs {
			has = has || removed[gi]
		}
		switch {
		case !has:
		case !vl.ok:
			pl.kept++
			for _, gi := range vl.glyphs {
				if removed[gi] {
					pl.unplanned = append(pl.unplanned, gi)
				}
			}
		default:
			pl.planLine(p, vl.glyphs, removed, vl.dir, rightMargin(vls, li))
		}
	}
	return pl
}

// rightMargin returns where the column of line li ends on the right: the
// furthest any other line of the column reaches (NaN when it has none).
// The column is the lines in the same direction starting within a few
// ems of this one (a paragraph's indented first line too). Other lines
// only: this line's own end would tell how long its removed text was.
func rightMargin(vls []visualLine, li int) float64 {
	l := &vls[li]
	margin := math.NaN()
	for mi := range vls {
		m := &vls[mi]
		if mi == li || !m.ok || m.dir.X*l.dir.X+m.dir.Y*l.dir.Y < 0.999 || math.Abs(m.start-l.start) > 4*l.size {
			continue
		}
		if math.IsNaN(margin) || m.end > margin {
			margin = m.end
		}
	}
	return margin
}

// visualLine is the glyphs on one baseline, ordered along it.
type visualLine struct {
	glyphs []int
	dir    Point
	perp   float64 // the baseline's offset across dir
	size   float64
	ok     bool // can be laid out (see lineDir)
	// start and end are where its glyphs begin and end along dir (their
	// fonts' own advances), when ok.
	start, end float64
}

// visualLines joins the page's lines (runs of glyphs drawn one after
// another) that share a baseline, and orders each along it.
func visualLines(p *text.Page) []visualLine {
	var out []visualLine
	for _, ln := range p.Lines {
		if len(ln) == 0 {
			continue
		}
		d, ok := lineDir(p, ln)
		first := &p.Glyphs[ln[0]]
		if !ok {
			out = append(out, visualLine{glyphs: ln})
			continue
		}
		perp := first.Quad[0].Y*d.X - first.Quad[0].X*d.Y
		joined := false
		for i := range out {
			o := &out[i]
			if o.ok && o.dir.X*d.X+o.dir.Y*d.Y > 0.999 && math.Abs(o.perp-perp) < baselineSlop*min(o.size, first.Size) {
				o.glyphs = append(o.glyphs, ln...)
				joined = true
				break
			}
		}
		if !joined {
			out = append(out, visualLine{glyphs: append([]int(nil), ln...), dir: d, perp: perp, size: first.Size, ok: true})
		}
	}
	for i := range out {
		vl := &out[i]
		if !vl.ok {
			continue
		}
		sort.SliceStable(vl.glyphs, func(i, j int) bool {
			return dot(p.Glyphs[vl.glyphs[i]].Quad[0], vl.dir) < dot(p.Glyphs[vl.glyphs[j]].Quad[0], vl.dir)
		})
		vl.start, vl.end = math.Inf(1), math.Inf(-1)
		for _, gi := range vl.glyphs {
			g := &p.Glyphs[gi]
			at := dot(g.Quad[0], vl.dir)
			vl.start, vl.end = min(vl.start, at), max(vl.end, at+g.Width*g.Unit)
		}
	}
	return out
}

// baselineSlop is how far apart two baselines may be, in ems of the
// smaller text, and still be one line (superscripts, mixed sizes).
const baselineSlop = 0.3

// lineDir returns the unit vector along a line's baseline in page space,
// or false for a line it cannot be laid out along: vertical writing, or
// glyphs with no size.
func lineDir(p *text.Page, ln []int) (Point, bool) {
	var d Point
	found := false
	for _, gi := range ln {
		g := &p.Glyphs[gi]
		if g.Vertical || g.Unit <= 0 {
			return d, false
		}
		if !found {
			v := Point{X: g.Quad[1].X - g.Quad[0].X, Y: g.Quad[1].Y - g.Quad[0].Y}
			if l := math.Hypot(v.X, v.Y); l > 0 {
				d, found = Point{X: v.X / l, Y: v.Y / l}, true
			}
		}
	}
	return d, found
}

func dot(p, d Point) float64 { return p.X*d.X + p.Y*d.Y }

func (pl *layoutPlan) planLine(p *text.Page, ln []int, removed map[int]bool, d Point, margin float64) {
	var items []item
	for i := 0; i < len(ln); {
		g := &p.Glyphs[ln[i]]
		it := item{s: dot(g.Quad[0], d), size: g.Size}
		if !removed[ln[i]] {
			it.glyphs, it.w, it.space = ln[i:i+1], g.Width*g.Unit, isBlank(g.Text)
			items = append(items, it)
			i++
			continue
		}
		end := it.s
		it.removed = true
		for ; i < len(ln) && removed[ln[i]]; i++ {
			h := &p.Glyphs[ln[i]]
			end = max(end, dot(h.Quad[0], d)+h.Width*h.Unit)
			it.glyphs = append(it.glyphs, ln[i])
		}
		it.w = end - it.s
		items = append(items, it)
	}

	// out[i] is the width item i takes in the output: a kept glyph its
	// own, a removed run whole quanta.
	out := make([]float64, len(items))
	origEnd := math.Inf(-1)
	var runs []int
	for i, it := range items {
		origEnd = max(origEnd, it.s+it.w)
		out[i] = it.w
		if it.removed {
			u := p.Glyphs[it.glyphs[0]].Unit
			out[i] = quanta(it.w/u) * u
			runs = append(runs, i)
		}
	}
	starts, end, columns := layoutItems(items, out)
	// A line that would now run past its column's right margin (the
	// furthest the column's other lines reach) ends there instead: the
	// gaps give back the difference, evenly. The margin does not depend on
	// what was removed, so the gaps still say nothing of it; each keeps
	// at least an em.
	if over := end - margin; over > 0.01 && !columns && origEnd <= margin+1 {
		cut := over / float64(len(runs))
		ok := true
		for _, i := range runs {
			ok = ok && out[i]-cut >= items[i].size
		}
		if ok {
			for _, i := range runs {
				out[i] -= cut
			}
			starts, _, _ = layoutItems(items, out)
		}
	}
	for i := range items {
		it := &items[i]
		if !it.removed {
			g := &p.Glyphs[it.glyphs[0]]
			pl.shift[it.glyphs[0]] = (starts[i] - it.s) / g.Unit
			continue
		}
		pl.boxes = append(pl.boxes, runBox(p, it.glyphs, d, starts[i]-it.s, out[i]))
	}
}

// layoutItems places the items of a line given the width each takes: it
// returns where each starts and where the line ends, and whether the line
// has a column gap.
func layoutItems(items []item, out []float64) (starts []float64, end float64, columns bool) {
	starts = make([]float64, len(items))
	cursor := 0.0 // where the output's previous item ended
	for i := range items {
		it := &items[i]
		start := it.s
		if i > 0 {
			a := &items[i-1]
			gap := it.s - (a.s + a.w)
			em := max(a.size, it.size)
			switch {
			case gap < -kernGap*em:
				start = cursor + gap // drawn over its neighbour
			case gap <= kernGap*em:
				start = cursor
			case gap <= columnGap*em:
				start = cursor
				if !a.space && !it.space {
					start += spaceGap * em
				}
			default:
				start = max(it.s, cursor+spaceGap*em)
				columns = true
			}
		}
		starts[i] = start
		cursor = max(cursor, start+out[i])
	}
	return starts, cursor, columns
}

// quanta widens a width (TJ units, positive) to whole quanta, at least
// minQuanta of them.
func quanta(w float64) float64 {
	return max(math.Ceil(w/quantum), minQuanta) * quantum
}

// runBox is the box over a run of removed glyphs moved off along d and
// widened to w (page space).
func runBox(p *text.Page, run []int, d Point, off, w float64) [4]Point {
	first := &p.Glyphs[run[0]]
	// Up: the tallest glyph's side.
	up := Point{}
	for _, gi := range run {
		q := &p.Glyphs[gi].Quad
		v := Point{X: q[3].X - q[0].X, Y: q[3].Y - q[0].Y}
		if math.Hypot(v.X, v.Y) > math.Hypot(up.X, up.Y) {
			up = v
		}
	}
	o := Point{X: first.Quad[0].X + d.X*off, Y: first.Quad[0].Y + d.Y*off}
	e := Point{X: o.X + d.X*w, Y: o.Y + d.Y*w}
	return [4]Point{o, e, {X: e.X + up.X, Y: e.Y + up.Y}, {X: o.X + up.X, Y: o.Y + up.Y}}
}

// exactBoxes returns a box over each run of the glyphs sel as they lie:
// neighbours on a line make one run.
func exactBoxes(p *text.Page, sel []int) [][4]Point {
	in := make(map[int]bool, len(sel))
	for _, gi := range sel {
		in[gi] = true
	}
	var out [][4]Point
	onLine := map[int]bool{}
	for _, ln := range p.Lines {
		for i := 0; i < len(ln); {
			if !in[ln[i]] {
				i++
				continue
			}
			first := &p.Glyphs[ln[i]]
			last := first
			for ; i < len(ln) && in[ln[i]]; i++ {
				onLine[ln[i]] = true
				last = &p.Glyphs[ln[i]]
			}
			out = append(out, [4]Point{first.Quad[0], last.Quad[1], last.Quad[2], first.Quad[3]})
		}
	}
	for _, gi := range sel {
		if !onLine[gi] {
			out = append(out, p.Glyphs[gi].Quad)
		}
	}
	return out
}

func isBlank(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\u00a0' && r != '\t' {
			return false
		}
	}
	return s != ""
}
