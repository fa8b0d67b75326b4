package strokefont

import (
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/pdf/content"
)

// labels are reason texts of the kind redaction boxes carry, plus every
// glyph and some text that has to be folded.
var labels = []string{
	"Third-party information",
	"S40(2) personal data",
	"Risk of harm",
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz 0123456789",
	"( ) . , : ; - / ' & § ?",
	"Zoë’s café – naïve 日本 \"quoted\" ﬁle",
	"  x  ",
}

// allowedOps are the only operators Fit may emit: graphics state and
// stroked paths, never text (BT, ET, Tj, TJ, Tf, ', ") or colour.
var allowedOps = map[string]bool{
	"m": true, "l": true, "c": true, "S": true, "w": true,
	"J": true, "j": true, "q": true, "Q": true, "cm": true,
}

// number is the only form a numeric operand may take: at most three
// decimals, no exponent.
var number = regexp.MustCompile(`^-?[0-9]+(\.[0-9]{1,3})?$`)

func TestFitOperators(t *testing.T) {
	for _, s := range labels {
		t.Run(s, func(t *testing.T) {
			ops, ok := Fit(s, [4]float64{100.25, 200, 700, 260}, 30)
			if !ok {
				t.Fatal("Fit: ok = false")
			}
			parsed, err := content.Parse(ops, content.Limits{})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(parsed) < 4 || parsed[0].Operator != "q" || parsed[len(parsed)-1].Operator != "Q" {
				t.Fatalf("ops not wrapped in q…Q:\n%s", ops)
			}
			depth := 0
			var sawWidth, sawStroke bool
			for _, op := range parsed {
				if !allowedOps[op.Operator] {
					t.Errorf("operator %q not allowed", op.Operator)
				}
				for _, o := range op.Operands {
					if o.Kind != content.KindNumber {
						t.Errorf("%s: operand of kind %d, want number", op.Operator, o.Kind)
					}
				}
				switch op.Operator {
				case "q":
					depth++
				case "Q":
					depth--
				case "w":
					sawWidth = true
				case "S":
					sawStroke = true
				}
				if depth < 0 {
					t.Fatal("Q without q")
				}
			}
			if depth != 0 || !sawWidth || !sawStroke {
				t.Errorf("depth %d, line width set %v, stroked %v", depth, sawWidth, sawStroke)
			}
			for _, f := range strings.Fields(string(ops)) {
				if !allowedOps[f] && !number.MatchString(f) {
					t.Errorf("token %q is neither an allowed operator nor a plain number", f)
				}
			}
		})
	}
}

// inkBox returns the bounding box of the path points in ops, widened by
// half the line width, and the line width.
func inkBox(t *testing.T, ops []byte) (box [4]float64, lw float64) {
	t.Helper()
	parsed, err := content.Parse(ops, content.Limits{})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	box = [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, op := range parsed {
		switch op.Operator {
		case "w":
			lw = op.Operands[0].Num
		case "m", "l":
			x, y := op.Operands[0].Num, op.Operands[1].Num
			box = [4]float64{min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)}
		}
	}
	return [4]float64{box[0] - lw/2, box[1] - lw/2, box[2] + lw/2, box[3] + lw/2}, lw
}

func TestFitInsideRect(t *testing.T) {
	rects := [][4]float64{
		{0, 0, 612, 792},
		{72, 700, 540, 716},   // a line of body text
		{300, 100, 330, 400},  // tall and narrow
		{-50.5, -20, 10, 3.5}, // negative coordinates
		{10, 10, 2000, 30},
	}
	for _, s := range labels {
		for _, r := range rects {
			for _, maxH := range []float64{3, 8, 12, 1000} {
				ops, ok := Fit(s, r, maxH)
				if !ok {
					continue
				}
				box, lw := inkBox(t, ops)
				if box[0] < r[0] || box[1] < r[1] || box[2] > r[2] || box[3] > r[3] {
					t.Errorf("Fit(%q, %v, %v): ink %v outside rect", s, r, maxH, box)
				}
				// Centred: equal margins left and right (the vertical
				// centre is that of the cap-height block, not the ink).
				if l, rr := box[0]-r[0], r[2]-box[2]; math.Abs(l-rr) > 0.01 {
					t.Errorf("Fit(%q, %v, %v): margins %.3f left, %.3f right", s, r, maxH, l, rr)
				}
				if h := lw / lineWidth * capHeight; h > maxH+0.01 || h < MinHeight-0.01 {
					t.Errorf("Fit(%q, %v, %v): cap height %.3f", s, r, maxH, h)
				}
			}
		}
	}
}

func TestFitCapHeight(t *testing.T) {
	// "H" spans exactly baseline to cap height, so its point range is the
	// cap height Fit chose: maxHeight when the rect is roomy.
	for _, h := range []float64{3, 7.5, 12, 40} {
		ops, ok := Fit("H", [4]float64{0, 0, 1000, 1000}, h)
		if !ok {
			t.Fatalf("Fit(H, big, %v): ok = false", h)
		}
		box, lw := inkBox(t, ops)
		if got := box[3] - box[1] - lw; math.Abs(got-h) > 0.002 {
			t.Errorf("cap height %.4f, want %v", got, h)
		}
	}
}

func TestFitTooSmall(t *testing.T) {
	tests := []struct {
		name string
		s    string
		rect [4]float64
		maxH float64
	}{
		{"short rect", "Risk of harm", [4]float64{0, 0, 500, 3}, 12},
		{"narrow rect", "Third-party information", [4]float64{0, 0, 40, 100}, 12},
		{"small maxHeight", "Risk", [4]float64{0, 0, 500, 100}, 2.9},
		{"empty", "", [4]float64{0, 0, 500, 100}, 12},
		{"spaces", "   ", [4]float64{0, 0, 500, 100}, 12},
		{"inverted rect", "Risk", [4]float64{500, 100, 0, 0}, 12},
		{"NaN", "Risk", [4]float64{0, 0, math.NaN(), 100}, 12},
		{"infinite", "Risk", [4]float64{0, 0, math.Inf(1), math.Inf(1)}, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ops, ok := Fit(tt.s, tt.rect, tt.maxH); ok || ops != nil {
				t.Errorf("Fit = %q, %v; want nil, false", ops, ok)
			}
		})
	}
	// Just tall enough for MinHeight: 10 units of block, line width and
	// padding, scaled to a cap height of 3.
	need := (capHeight + lineWidth + 2*padding) * MinHeight / capHeight
	if _, ok := Fit("HH", [4]float64{0, 0, 500, need + 1e-9}, 12); !ok {
		t.Errorf("Fit in a rect %.3f high: ok = false, want true", need)
	}
	if _, ok := Fit("HH", [4]float64{0, 0, 500, need - 0.01}, 12); ok {
		t.Errorf("Fit in a rect %.3f high: ok = true, want false", need-0.01)
	}
}

func TestWidth(t *testing.T) {
	for _, s := range labels {
		w1 := Width(s, 1)
		if w1 <= 0 {
			t.Errorf("Width(%q, 1) = %v", s, w1)
		}
		for _, h := range []float64{0, 3, 7.25, 100} {
			if got := Width(s, h); math.Abs(got-w1*h) > 1e-9*max(1, w1*h) {
				t.Errorf("Width(%q, %v) = %v, want %v", s, h, got, w1*h)
			}
		}
	}
	if w := Width("", 10); w != 0 {
		t.Errorf("Width(\"\", 10) = %v", w)
	}
	if a, b := Width("MW", 10), Width("il", 10); a <= b {
		t.Errorf("Width(MW) = %v <= Width(il) = %v; widths should be proportional", a, b)
	}
	if a, b := Width("café", 10), Width("cafe", 10); a != b {
		t.Errorf("Width(café) = %v, Width(cafe) = %v", a, b)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Risk of harm", "Risk of harm"},
		{"é à Ç Ñ ö", "e a C N o"},
		{"Straße", "Strasse"},
		{"Zoë’s – “x”", "Zoe's - 'x'"},
		{"ﬁ ½ ²", "fi 1/2 2"},
		{"a\tb\nc", "a b c"},
		{"€ 日 | @", "? ? ? ?"},
		{"soft\u00adhy\u200bphen", "softhyphen"},
	}
	for _, tt := range tests {
		if got := string(fold(tt.in)); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// charset is every character the font must draw.
const charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 ().,:;-/'&§?"

func TestGlyphs(t *testing.T) {
	for _, r := range charset {
		if _, ok := glyphs[r]; !ok {
			t.Errorf("no glyph for %q", r)
		}
	}
	if len(glyphs) != len(glyphSource) {
		t.Errorf("%d glyphs from %d source entries: a rune is defined twice", len(glyphs), len(glyphSource))
	}
	for r, g := range glyphs {
		t.Run(string(r), func(t *testing.T) {
			if g.adv <= 0 {
				t.Fatalf("advance %v", g.adv)
			}
			if (len(g.strokes) == 0) != (r == ' ') {
				t.Errorf("%d strokes", len(g.strokes))
			}
			for _, st := range g.strokes {
				if len(st) < 2 {
					t.Errorf("stroke of %d points", len(st))
				}
				for _, p := range st {
					const eps = 1e-9
					if p.x < -eps || p.x > g.adv+eps || p.y < descender-eps || p.y > capHeight+eps {
						t.Errorf("point (%.3f, %.3f) outside the advance box [0, %v]×[%v, %v]",
							p.x, p.y, g.adv, descender, capHeight)
					}
				}
			}
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	for _, p := range []string{"1,2", "1,2 x,3", "1,2,3 4,5", "1,2 3,4;;5,6"} {
		if _, err := parsePath(p); err == nil {
			t.Errorf("parsePath(%q): no error", p)
		}
	}
}

func TestAppendNum(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0"}, {-0.0001, "0"}, {1, "1"}, {-2.5, "-2.5"}, {1.23456, "1.235"},
		{0.1, "0.1"}, {1e-7, "0"}, {123456789.0004, "123456789"}, {1e20, "100000000000000000000"},
	}
	for _, tt := range tests {
		if got := string(appendNum(nil, tt.v)); got != tt.want {
			t.Errorf("appendNum(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
