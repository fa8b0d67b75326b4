package text

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Reading order, worked out in display space (the page as a reader sees
// it, rotation applied):
//
//  1. glyphs are taken in the order they were drawn and joined into a line
//     while they keep the same direction, stay on the same baseline (within
//     half the font size) and move forwards;
//  2. lines are sorted top to bottom, then along their direction; lines on
//     the same baseline are joined with a space;
//  3. within a line, a white-space character or a gap wider than a tenth of
//     the font size (the threshold pdftotext uses) separates words;
//  4. an accent drawn over a letter (TeX writes "é" as "´" and "e") is
//     combined with it, so the word reads as one.
//
// Every glyph is kept, invisible text (OCR layers, white text, text
// outside the crop box or even the MediaBox) included: it is in the file,
// so a redaction must find it.

const (
	wordGap      = 0.1 // gap that ends a word, in font sizes
	baselineSlop = 0.5 // baseline difference within a line, in font sizes
	backtrack    = 1.0 // how far a line may step back, in font sizes
)

// Word is a run of glyphs between spaces or gaps, in reading order.
type Word struct {
	Text   string // NFC, accents combined with their letters
	Glyphs []int  // indices into Page.Glyphs, in reading order
	Line   int    // the line it is on, counted from 0 in reading order
}

type line struct {
	glyphs []int
	dir    Point
	perp   float64 // baseline position across the direction
	start  float64 // along the direction
	size   float64
}

func along(p, d Point) float64  { return p.X*d.X + p.Y*d.Y }
func across(p, d Point) float64 { return p.Y*d.X - p.X*d.Y }

// layout returns the page's words and text in reading order.
func layout(glyphs []Glyph) ([]Word, string, [][]int) {
	lines := buildLines(glyphs)
	var words []Word
	byLine := make([][]int, len(lines))
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
		byLine[i] = l.glyphs
		lw := lineWords(glyphs, l)
		for k := range lw {
			lw[k].Line = i
		}
		for k, w := range lw {
			if k > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString(w.Text)
		}
		words = append(words, lw...)
	}
	return words, sb.String(), byLine
}

func buildLines(glyphs []Glyph) []*line {
	var lines []*line
	var cur *line
	for i := range glyphs {
		g := &glyphs[i]
		if g.Text == "" {
			continue
		}
		size := max(g.Size, 0.01)
		if cur != nil {
			prev := &glyphs[cur.glyphs[len(cur.glyphs)-1]]
			sameDir := g.dir.X*cur.dir.X+g.dir.Y*cur.dir.Y > 0.99
			onBase := math.Abs(across(g.origin, cur.dir)-cur.perp) < baselineSlop*max(size, cur.size)
			forward := along(g.origin, cur.dir) >= along(prev.end, cur.dir)-backtrack*size
			if sameDir && onBase && forward {
				cur.glyphs = append(cur.glyphs, i)
				continue
			}
		}
		cur = &line{glyphs: []int{i}, dir: g.dir, perp: across(g.origin, g.dir), start: along(g.origin, g.dir), size: size}
		lines = append(lines, cur)
	}
	// Top to bottom: for text running left to right "across" grows
	// upwards, so larger comes first.
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if math.Abs(a.perp-b.perp) > baselineSlop*min(a.size, b.size) {
			return a.perp > b.perp
		}
		return a.start < b.start
	})
	return lines
}

// lineWords splits a line into words.
func lineWords(glyphs []Glyph, l *line) []Word {
	attach := accentTargets(glyphs, l)
	marks := map[int][]int{} // letter → its accents, in line order
	for k := range l.glyphs {
		if t, ok := attach[k]; ok {
			marks[t] = append(marks[t], k)
		}
	}
	var words []Word
	var cur *Word
	var text strings.Builder
	var prev *Glyph // last base glyph, for gaps
	flush := func() {
		if cur != nil {
			cur.Text = norm.NFC.String(text.String())
			words = append(words, *cur)
			cur = nil
			text.Reset()
		}
	}
	for k, gi := range l.glyphs {
		g := &glyphs[gi]
		if isSpace(g.Text) {
			flush()
			prev = g
			continue
		}
		if _, ok := attach[k]; ok {
			// An accent: its combining form goes with the letter it sits
			// on, written out with the letter.
			continue
		}
		if prev != nil && cur != nil {
			gap := along(g.origin, l.dir) - along(prev.end, l.dir)
			if gap > wordGap*max(g.Size, 0.01) {
				flush()
			}
		}
		if cur == nil {
			cur = &Word{}
		}
		cur.Glyphs = append(cur.Glyphs, gi)
		text.WriteString(g.Text)
		for _, a := range marks[k] {
			cur.Glyphs = append(cur.Glyphs, l.glyphs[a])
			text.WriteRune(combining[[]rune(glyphs[l.glyphs[a]].Text)[0]])
		}
		prev = g
	}
	flush()
	return words
}

// accentTargets finds the accents of a line that sit on a neighbouring
// letter: position in the line of the accent → position of the letter.
func accentTargets(glyphs []Glyph, l *line) map[int]int {
	var out map[int]int
	for k, gi := range l.glyphs {
		g := &glyphs[gi]
		r := []rune(g.Text)
		if len(r) != 1 {
			continue
		}
		if _, ok := combining[r[0]]; !ok {
			continue
		}
		mid := (along(g.origin, l.dir) + along(g.end, l.dir)) / 2
		for _, n := range []int{k + 1, k - 1} {
			if n < 0 || n >= len(l.glyphs) {
				continue
			}
			b := &glyphs[l.glyphs[n]]
			if isSpace(b.Text) || len([]rune(b.Text)) == 0 {
				continue
			}
			if _, isAccent := combining[[]rune(b.Text)[0]]; isAccent {
				continue
			}
			x0, x1 := along(b.origin, l.dir), along(b.end, l.dir)
			if x0 > x1 {
				x0, x1 = x1, x0
			}
			if mid >= x0 && mid <= x1 {
				if out == nil {
					out = map[int]int{}
				}
				out[k] = n
				break
			}
		}
	}
	return out
}

// combining maps spacing accents (and combining marks, to themselves) to
// the combining character that puts them on a letter.
var combining = map[rune]rune{
	'\u00B4': '\u0301', '`': '\u0300', '\u02C6': '\u0302', '^': '\u0302',
	'\u00A8': '\u0308', '\u02DC': '\u0303', '~': '\u0303', '\u00B8': '\u0327',
	'\u02C7': '\u030C', '\u02D8': '\u0306', '\u02D9': '\u0307', '\u02DA': '\u030A',
	'\u02DB': '\u0328', '\u02DD': '\u030B', '\u00AF': '\u0304',
	'\u0300': '\u0300', '\u0301': '\u0301', '\u0302': '\u0302', '\u0303': '\u0303',
	'\u0304': '\u0304', '\u0306': '\u0306', '\u0307': '\u0307', '\u0308': '\u0308',
	'\u030A': '\u030A', '\u030B': '\u030B', '\u030C': '\u030C', '\u0327': '\u0327',
	'\u0328': '\u0328',
}

func isSpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}
