package strokefont

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Grid metrics of the glyph data, in font units.
const (
	capHeight = 10.0 // top of capitals, digits and ascenders
	descender = -3.0 // bottom of g, j, p, q, y
	lineWidth = 0.9  // stroke width
)

type point struct{ x, y float64 }

// glyph is one character: its advance width and the polylines that draw
// it, in font units with the origin on the baseline at the left edge.
type glyph struct {
	adv     float64
	strokes [][]point
}

// glyphSource describes the glyphs. In path, strokes are separated by ";"
// and a stroke is a space-separated list of items: "x,y" is a point, and
// "cx,cy,rx,ry,a0,a1" is an elliptical arc from angle a0 to a1 (degrees,
// anticlockwise when a1 > a0) flattened to points. Consecutive items are
// joined by straight lines.
var glyphSource = []struct {
	r    rune
	adv  float64
	path string
}{
	{' ', 4, ""},

	{'A', 8, "1,0 4,10 7,0; 2.2,4 5.8,4"},
	{'B', 8.5, "1,0 1,10 4.5,10 4.5,7.5,2.5,2.5,90,-90 1,5; 1,5 5,5 5,2.5,2.5,2.5,90,-90 1,0"},
	{'C', 8.5, "4.5,5,3.5,5,40,320"},
	{'D', 8, "1,0 1,10 3.5,10 3.5,6.5,3.5,3.5,90,0 3.5,3.5,3.5,3.5,0,-90 1,0"},
	{'E', 7.5, "6.5,10 1,10 1,0 6.5,0; 1,5 5.5,5"},
	{'F', 7, "6.5,10 1,10 1,0; 1,5 5.5,5"},
	{'G', 9, "4.5,5,3.5,5,40,360 8,4 4.8,4"},
	{'H', 8, "1,0 1,10; 7,0 7,10; 1,5 7,5"},
	{'I', 4, "1,10 3,10; 2,10 2,0; 1,0 3,0"},
	{'J', 7, "6,10 6,3 3.5,3,2.5,3,0,-170"},
	{'K', 7.5, "1,0 1,10; 6.5,10 1,3.5; 3.2,6.1 6.5,0"},
	{'L', 7, "1,10 1,0 6,0"},
	{'M', 10, "1,0 1,10 5,3 9,10 9,0"},
	{'N', 8, "1,0 1,10 7,0 7,10"},
	{'O', 9, "4.5,5,3.5,5,0,360"},
	{'P', 8, "1,0 1,10 4.5,10 4.5,7.25,2.75,2.75,90,-90 1,4.5"},
	{'Q', 9, "4.5,5,3.5,5,0,360; 5.3,2.4 8,-0.6"},
	{'R', 8, "1,0 1,10 4.5,10 4.5,7.25,2.75,2.75,90,-90 1,4.5; 4.2,4.5 7,0"},
	{'S', 8, "4,7.5,2.8,2.5,30,270 4,2.5,3,2.5,90,-150"},
	{'T', 8, "0.8,10 7.2,10; 4,10 4,0"},
	{'U', 8, "1,10 1,3 4,3,3,3,180,360 7,10"},
	{'V', 8, "0.8,10 4,0 7.2,10"},
	{'W', 11, "0.8,10 3,0 5.5,8 8,0 10.2,10"},
	{'X', 8, "1,10 7,0; 1,0 7,10"},
	{'Y', 8, "1,10 4,5 7,10; 4,5 4,0"},
	{'Z', 8, "1,10 7,10 1,0 7,0"},

	{'a', 7, "3.5,3.5,2.5,3.5,0,360; 6,7 6,0"},
	{'b', 7, "1,10 1,0; 3.5,3.5,2.5,3.5,0,360"},
	{'c', 6.5, "3.5,3.5,2.5,3.5,40,320"},
	{'d', 7, "6,10 6,0; 3.5,3.5,2.5,3.5,0,360"},
	{'e', 7, "1,3.5 6,3.5 3.5,3.5,2.5,3.5,0,315"},
	{'f', 5.5, "3.5,8.5,1.5,1.5,30,180 2,0; 0.5,7 4.5,7"},
	{'g', 7, "3.5,3.5,2.5,3.5,0,360; 6,7 6,-1 3.5,-1,2.5,2,0,-160"},
	{'h', 7, "1,10 1,0; 1,4.5 3.5,4.5,2.5,2.5,180,0 6,0"},
	{'i', 3, "1.5,0 1.5,7; 1.5,8.9 1.5,9.3"},
	{'j', 4.5, "3,7 3,-1.5 1.6,-1.5,1.4,1.5,0,-160; 3,8.9 3,9.3"},
	{'k', 6.5, "1,10 1,0; 5.5,7 1,2.5; 2.8,4.3 5.5,0"},
	{'l', 3, "1.5,10 1.5,0"},
	{'m', 9, "1,7 1,0; 1,5 2.75,5,1.75,2,180,0 4.5,0; 4.5,5 6.25,5,1.75,2,180,0 8,0"},
	{'n', 7, "1,7 1,0; 1,4.5 3.5,4.5,2.5,2.5,180,0 6,0"},
	{'o', 7, "3.5,3.5,2.5,3.5,0,360"},
	{'p', 7, "1,7 1,-3; 3.5,3.5,2.5,3.5,0,360"},
	{'q', 7, "6,7 6,-3; 3.5,3.5,2.5,3.5,0,360"},
	{'r', 5.5, "1,7 1,0; 1,4 3.5,4,2.5,3,180,70"},
	{'s', 6, "3,5.25,2,1.75,30,270 3,1.75,2.2,1.75,90,-150"},
	{'t', 5, "2,9.5 2,1.5 3.5,1.5,1.5,1.5,180,300; 0.5,7 4.5,7"},
	{'u', 7, "1,7 1,2.5 3.5,2.5,2.5,2.5,180,360; 6,7 6,0"},
	{'v', 7, "1,7 3.5,0 6,7"},
	{'w', 10, "0.8,7 2.9,0 5,5.5 7.1,0 9.2,7"},
	{'x', 6.5, "1,7 5.5,0; 1,0 5.5,7"},
	{'y', 7, "1,7 3.4,0; 6,7 2.5,-2.5 1.2,-3"},
	{'z', 6.5, "1,7 5.5,7 1,0 5.5,0"},

	{'0', 7, "3.5,7.5,2.5,2.5,0,180 3.5,2.5,2.5,2.5,180,360 6,7.5"},
	{'1', 7, "1.5,8 3.5,10 3.5,0; 1.5,0 5.5,0"},
	{'2', 7, "3.5,7.5,2.5,2.5,170,-35 1,0 6,0"},
	{'3', 7, "3.5,7.6,2.4,2.4,160,-90 3.5,2.6,2.6,2.6,90,-160"},
	{'4', 7, "4.5,0 4.5,10 1,3 6.3,3"},
	{'5', 7, "5.8,10 1.6,10 1.3,5.6 3.5,3.1,2.6,3.1,125,-150"},
	{'6', 7, "4.8,10 3.5,3,2.5,3,150,510"},
	{'7', 7, "1,10 6,10 2.5,0"},
	{'8', 7, "3.5,7.6,2.2,2.4,-90,270; 3.5,2.6,2.5,2.6,90,450"},
	{'9', 7, "2.2,0 3.5,7,2.5,3,-30,330"},

	{'(', 4.5, "6,4.25,4.5,6.5,118,242"},
	{')', 4.5, "-1.5,4.25,4.5,6.5,62,-62"},
	{'.', 3, "1.5,0.2 1.5,0.6"},
	{',', 3, "1.7,0.6 1.7,0.2 1,-1.5"},
	{':', 3, "1.5,0.2 1.5,0.6; 1.5,5 1.5,5.4"},
	{';', 3, "1.7,5 1.7,5.4; 1.7,0.6 1.7,0.2 1,-1.5"},
	{'-', 5, "1,3.5 4,3.5"},
	{'/', 5, "1,-1.5 4,10"},
	{'\'', 2.5, "1.25,10 1.25,7.5"},
	{'&', 8, "7,0 3.4,8.2,1.5,1.8,230,-50 3.3,2.3,2.3,2.3,155,380 6.6,4.2"},
	{'§', 6.5, "3.2,8.2,1.8,1.6,20,270 3.2,6.4; 3.2,4.5,1.9,1.9,0,360; 3.2,2.6 3.2,0.8,1.8,1.6,200,450"},
	{'?', 7, "3.5,7.5,2.5,2.5,165,-60 3.5,4.2 3.5,2.6; 3.5,0.2 3.5,0.6"},
}

// glyphs maps each rune of glyphSource to its parsed glyph.
var glyphs = func() map[rune]glyph {
	m := make(map[rune]glyph, len(glyphSource))
	for _, g := range glyphSource {
		strokes, err := parsePath(g.path)
		if err != nil {
			panic(fmt.Sprintf("strokefont: glyph %q: %v", g.r, err))
		}
		m[g.r] = glyph{adv: g.adv, strokes: strokes}
	}
	return m
}()

// arcStep is the largest angle, in degrees, spanned by one segment of a
// flattened arc; at label sizes the facets are invisible.
const arcStep = 12.0

// parsePath reads the stroke syntax described at glyphSource.
func parsePath(path string) ([][]point, error) {
	var strokes [][]point
	for s := range strings.SplitSeq(path, ";") {
		var pts []point
		for item := range strings.FieldsSeq(s) {
			var v []float64
			for f := range strings.SplitSeq(item, ",") {
				n, err := strconv.ParseFloat(f, 64)
				if err != nil {
					return nil, fmt.Errorf("item %q: %w", item, err)
				}
				v = append(v, n)
			}
			switch len(v) {
			case 2:
				pts = appendPoint(pts, point{v[0], v[1]})
			case 6:
				n := max(1, int(math.Ceil(math.Abs(v[5]-v[4])/arcStep)))
				for i := 0; i <= n; i++ {
					a := (v[4] + (v[5]-v[4])*float64(i)/float64(n)) * math.Pi / 180
					pts = appendPoint(pts, point{v[0] + v[2]*math.Cos(a), v[1] + v[3]*math.Sin(a)})
				}
			default:
				return nil, fmt.Errorf("item %q: want 2 or 6 numbers", item)
			}
		}
		switch {
		case len(pts) == 0 && strings.TrimSpace(s) == "":
		case len(pts) < 2:
			return nil, fmt.Errorf("stroke %q has fewer than two points", s)
		default:
			strokes = append(strokes, pts)
		}
	}
	return strokes, nil
}

// appendPoint appends p unless it repeats the last point, so that an arc
// starting where the previous item ended does not draw an empty segment.
func appendPoint(pts []point, p point) []point {
	if n := len(pts); n > 0 && math.Abs(pts[n-1].x-p.x) < 1e-9 && math.Abs(pts[n-1].y-p.y) < 1e-9 {
		return pts
	}
	return append(pts, p)
}
