package strokefont

import (
	"bytes"
	"math"
	"strconv"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MinHeight is the smallest cap height, in PDF units, at which Fit draws a
// label. Below it the strokes run together and the label is not legible,
// so the box is better left plain.
const MinHeight = 3.0

// padding is the clear margin Fit leaves on every side between the label's
// ink and the rectangle, in font units (a fifth of the cap height).
const padding = 2.0

// Width returns the advance width of s drawn at the given cap height (PDF
// units). It is proportional to height.
func Width(s string, height float64) float64 {
	var w float64
	for _, r := range fold(s) {
		w += glyphs[r].adv
	}
	return w * height / capHeight
}

// Fit returns content-stream operators that draw s as stroked outlines,
// centred horizontally and vertically in rect (x0,y0,x1,y1 in current user
// space, x0<x1, y0<y1), at a cap height of at most maxHeight, shrunk to fit
// the rect's width and height with a small padding. The stroke colour is
// left to the caller (the ops do not set colour); the ops are wrapped in
// q…Q and set their own line width, round caps and joins.
//
// ok is false (and ops nil) when the text would need a cap height below
// MinHeight to fit, when s draws nothing (empty or only spaces) and when
// rect is not a finite rectangle with x0<x1 and y0<y1.
func Fit(s string, rect [4]float64, maxHeight float64) (ops []byte, ok bool) {
	for _, v := range rect {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false
		}
	}
	strokes, box, ok := layout(fold(s))
	if !ok {
		return nil, false
	}
	// The block always spans baseline to cap height, so that labels with
	// and without capitals sit at the same height; descenders extend it.
	box[1] = min(box[1], 0)
	box[3] = max(box[3], capHeight)
	// scale is PDF units per font unit: the largest that fits the ink, its
	// half-line-width overhang and the padding in the rect.
	scale := min(maxHeight/capHeight,
		(rect[2]-rect[0])/(box[2]-box[0]+lineWidth+2*padding),
		(rect[3]-rect[1])/(box[3]-box[1]+lineWidth+2*padding))
	if !(scale*capHeight >= MinHeight) || math.IsInf(scale, 0) {
		return nil, false
	}
	tx := (rect[0]+rect[2])/2 - scale*(box[0]+box[2])/2
	ty := (rect[1]+rect[3])/2 - scale*(box[1]+box[3])/2

	ops = append(ops, "q\n"...)
	ops = appendNum(ops, scale*lineWidth)
	ops = append(ops, " w 1 J 1 j\n"...)
	for _, st := range strokes {
		for i, p := range st {
			if i > 0 {
				ops = append(ops, ' ')
			}
			ops = appendNum(ops, tx+scale*p.x)
			ops = append(ops, ' ')
			ops = appendNum(ops, ty+scale*p.y)
			if i == 0 {
				ops = append(ops, " m"...)
			} else {
				ops = append(ops, " l"...)
			}
		}
		ops = append(ops, '\n')
	}
	ops = append(ops, "S\nQ\n"...)
	return ops, true
}

// layout places the glyphs of rs on a baseline from the origin and returns
// their strokes in font units, with the bounding box (x0,y0,x1,y1) of the
// stroke centre lines. ok is false when nothing would be drawn.
func layout(rs []rune) (strokes [][]point, box [4]float64, ok bool) {
	box = [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	var x float64
	for _, r := range rs {
		g := glyphs[r]
		for _, st := range g.strokes {
			moved := make([]point, len(st))
			for i, p := range st {
				moved[i] = point{x + p.x, p.y}
				box[0], box[1] = min(box[0], moved[i].x), min(box[1], p.y)
				box[2], box[3] = max(box[2], moved[i].x), max(box[3], p.y)
			}
			strokes = append(strokes, moved)
		}
		x += g.adv
	}
	return strokes, box, len(strokes) > 0
}

// foldTable maps characters that Unicode decomposition leaves alone to
// runes the font draws.
var foldTable = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'ø': "o", 'Ø': "O",
	'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ı': "i", 'þ': "th", 'Þ': "Th",
	'‘': "'", '’': "'", '‚': ",", '′': "'", '"': "'", '“': "'", '”': "'",
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '−': "-", '⁄': "/",
	'…': "...", '[': "(", ']': ")", '{': "(", '}': ")",
}

// fold maps s to runes that have glyphs: accents are removed by
// compatibility decomposition (é→e, ﬁ→fi, ²→2), a few letters and
// punctuation marks go through foldTable, white space becomes a space,
// control and format characters (soft hyphen, zero-width space) are
// dropped, and anything else becomes '?'.
func fold(s string) []rune {
	var out []rune
	for _, r := range norm.NFKD.String(s) {
		switch _, has := glyphs[r]; {
		case has:
			out = append(out, r)
		case unicode.Is(unicode.Mn, r):
		case foldTable[r] != "":
			out = append(out, []rune(foldTable[r])...)
		case unicode.IsSpace(r):
			out = append(out, ' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		default:
			out = append(out, '?')
		}
	}
	return out
}

// appendNum writes v with at most three decimals and never in exponent
// notation, as content-stream numbers must be.
func appendNum(dst []byte, v float64) []byte {
	n := len(dst)
	dst = strconv.AppendFloat(dst, v, 'f', 3, 64)
	dst = bytes.TrimRight(dst, "0") // stops at the decimal point
	dst = bytes.TrimSuffix(dst, []byte("."))
	if string(dst[n:]) == "-0" {
		dst = append(dst[:n], '0')
	}
	return dst
}
