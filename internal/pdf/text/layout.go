package text

import (
	"math"
	"sort"
	"strings"
	"unicode"
)

// Reading order, worked out in display space (the page as a reader sees
// it, rotation applied):
//
//  1. glyphs are taken in the order they were drawn and joined into a line
//     while they keep the same direction, stay on the same baseline (within
//     half the font size) and move forwards;
//  2. lines are sorted top to bottom, then left to right along their
//     direction; lines on the same baseline are joined with a space;
//  3. within a line, a white-space character or a gap wider than a tenth of
//     the font size (the threshold pdftotext uses) separates words.
//
// Glyphs whose centre lies outside the crop box are left out: no reader
// shows them. Invisible text inside it (OCR layers, white text) is kept.

const (
	wordGap      = 0.1 // gap that ends a word, in font sizes
	baselineSlop = 0.5 // baseline difference within a line, in font sizes
	backtrack    = 1.0 // how far a line may step back, in font sizes
)

type line struct {
	glyphs []*Glyph
	dir    Point
	perp   float64 // baseline position across the direction
	start  float64 // along the direction
	size   float64
}

func along(p, d Point) float64  { return p.X*d.X + p.Y*d.Y }
func across(p, d Point) float64 { return p.Y*d.X - p.X*d.Y }

func readingOrder(glyphs []Glyph) string {
	var lines []*line
	var cur *line
	for i := range glyphs {
		g := &glyphs[i]
		if g.cropped || g.Text == "" {
			continue
		}
		size := max(g.Size, 0.01)
		if cur != nil {
			prev := cur.glyphs[len(cur.glyphs)-1]
			sameDir := g.dir.X*cur.dir.X+g.dir.Y*cur.dir.Y > 0.99
			onBase := math.Abs(across(g.origin, cur.dir)-cur.perp) < baselineSlop*max(size, cur.size)
			forward := along(g.origin, cur.dir) >= along(prev.end, cur.dir)-backtrack*size
			if sameDir && onBase && forward {
				cur.glyphs = append(cur.glyphs, g)
				continue
			}
		}
		cur = &line{glyphs: []*Glyph{g}, dir: g.dir, perp: across(g.origin, g.dir), start: along(g.origin, g.dir), size: size}
		lines = append(lines, cur)
	}
	if len(lines) == 0 {
		return ""
	}
	// Top to bottom: for text running left to right, "across" grows
	// upwards, so larger comes first.
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		tol := baselineSlop * min(a.size, b.size)
		if math.Abs(a.perp-b.perp) > tol {
			return a.perp > b.perp
		}
		return a.start < b.start
	})
	var sb strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			if math.Abs(l.perp-prev.perp) <= baselineSlop*min(l.size, prev.size) {
				sb.WriteByte(' ')
			} else {
				sb.WriteByte('\n')
			}
		}
		writeLine(&sb, l)
	}
	return sb.String()
}

// writeLine writes a line's words separated by single spaces.
func writeLine(sb *strings.Builder, l *line) {
	var prev *Glyph
	pendingSpace := false
	wrote := false
	for _, g := range l.glyphs {
		if isSpace(g.Text) {
			pendingSpace = wrote
			prev = g
			continue
		}
		if prev != nil && !pendingSpace && wrote {
			gap := along(g.origin, l.dir) - along(prev.end, l.dir)
			if gap > wordGap*max(g.Size, 0.01) {
				pendingSpace = true
			}
		}
		if pendingSpace {
			sb.WriteByte(' ')
			pendingSpace = false
		}
		sb.WriteString(g.Text)
		wrote = true
		prev = g
	}
}

func isSpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}
