package letter

import (
	"bytes"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/releasegate/releasegate/internal/pdf/compose"
)

// Page geometry, in points: A4 with 25 mm margins.
const (
	pageW  = 595.28
	pageH  = 841.89
	margin = 25 / 25.4 * 72
	left   = margin
	right  = pageW - margin
	top    = pageH - margin

	size       = 11.0 // body text
	footerSize = 9.0  // "Page 1 of 2"
	leading    = 14.0 // baseline to baseline
	paraGap    = 7.0  // added for a blank line
	indent     = 14.0 // of a list item's text, past its bullet

	// How far a glyph box reaches above and below the baseline, in em:
	// the larger of Adobe's Helvetica boxes and those of the URW fonts
	// that readers draw the unembedded standard 14 with (Nimbus Sans,
	// -0.307 to 1.075), which is what internal/pdf/text reports.
	ascent  = 1.075
	descent = 0.307

	// bottom is the lowest baseline of body text: above it, room for the
	// footer line inside the margin.
	bottom = margin + 2*footerSize + 6
)

// The two fonts, as indices of compose.Font (Regular, Bold).
const (
	regular = iota
	bold
)

var fontRes = [2]string{compose.Regular.Resource(), compose.Bold.Resource()}

// widths holds both fonts' advance widths per WinAnsi code, in em.
var widths = sync.OnceValues(func() (*[2][256]float64, error) {
	var w [2][256]float64
	for f := range w {
		fw, err := compose.Widths(compose.Font(f))
		if err != nil {
			return nil, err
		}
		w[f] = *fw
	}
	return &w, nil
})

// run is one line of text placed on a page.
type run struct {
	font int
	size float64
	x, y float64
	text []byte // WinAnsi
}

type page struct {
	runs  []run
	rules []float64 // y of a full-width rule
}

// layout sets the letterhead and the blocks on as many pages as they need.
type layout struct {
	w     *[2][256]float64
	pages []page
	y     float64 // baseline of the last line placed; 0 at the top of a page
}

func (l *layout) width(f int, b []byte, sz float64) float64 {
	var w float64
	for _, c := range b {
		w += l.w[f][c]
	}
	return w * sz
}

func (l *layout) newPage() {
	l.pages = append(l.pages, page{})
	l.y = 0
}

// line gives the baseline for the next line, starting a page when the
// current one is full.
func (l *layout) line() float64 {
	if l.y == 0 {
		l.y = top - ascent*size
		return l.y
	}
	l.y -= leading
	if l.y < bottom {
		l.newPage()
		return l.line()
	}
	return l.y
}

func (l *layout) put(f int, x, y float64, text []byte) {
	p := &l.pages[len(l.pages)-1]
	p.runs = append(p.runs, run{font: f, size: size, x: x, y: y, text: text})
}

// wrap breaks text into lines no wider than max, between words where it
// can and inside a word only when the word alone is wider than a line.
func (l *layout) wrap(f int, text []byte, max float64) [][]byte {
	var lines [][]byte
	var cur []byte
	for _, word := range bytes.Split(text, []byte{' '}) {
		if len(word) == 0 {
			continue
		}
		if len(cur) > 0 {
			if l.width(f, cur, size)+l.width(f, []byte{' '}, size)+l.width(f, word, size) <= max {
				cur = append(append(cur, ' '), word...)
				continue
			}
			lines, cur = append(lines, cur), nil
		}
		for l.width(f, word, size) > max {
			n := 1
			for n < len(word) && l.width(f, word[:n+1], size) <= max {
				n++
			}
			lines, word = append(lines, word[:n]), word[n:]
		}
		cur = append([]byte(nil), word...)
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

func (l *layout) letterhead(now time.Time) {
	y := l.line()
	l.put(bold, left, y, winAnsi("Children's Services"))
	date := winAnsi(ukDate(now))
	l.put(regular, right-l.width(regular, date, size), y, date)
	rule := y - descent*size - 3
	l.pages[0].rules = append(l.pages[0].rules, rule)
	l.y = rule - 18 - ascent*size + leading // line() moves down a leading to the first body line
}

func (l *layout) blocks(bs []block) {
	for _, b := range bs {
		text := winAnsi(b.text)
		switch b.style {
		case gap:
			if l.y != 0 {
				l.y -= paraGap
			}
		case heading:
			if l.y != 0 && l.y-3*leading < bottom {
				l.newPage() // keep a heading with what follows
			}
			for _, t := range l.wrap(bold, text, right-left) {
				l.put(bold, left, l.line(), t)
			}
		case item:
			for i, t := range l.wrap(regular, text, right-left-indent) {
				y := l.line()
				if i == 0 {
					l.put(regular, left, y, []byte{bullet})
				}
				l.put(regular, left+indent, y, t)
			}
		default:
			for _, t := range l.wrap(regular, text, right-left) {
				l.put(regular, left, l.line(), t)
			}
		}
	}
}

// footers numbers the pages at the foot of the text area.
func (l *layout) footers() {
	for i := range l.pages {
		t := winAnsi(fmt.Sprintf("Page %d of %d", i+1, len(l.pages)))
		x := (pageW - l.width(regular, t, footerSize)) / 2
		p := &l.pages[i]
		p.runs = append(p.runs, run{font: regular, size: footerSize, x: x, y: margin + descent*footerSize, text: t})
	}
}

// content is a page's content stream.
func (p page) content() []byte {
	var b bytes.Buffer
	b.WriteString("BT\n")
	cf, cs := -1, 0.0
	for _, r := range p.runs {
		if r.font != cf || r.size != cs {
			fmt.Fprintf(&b, "/%s %s Tf\n", fontRes[r.font], num(r.size))
			cf, cs = r.font, r.size
		}
		fmt.Fprintf(&b, "1 0 0 1 %s %s Tm ", num(r.x), num(r.y))
		writeString(&b, r.text)
		b.WriteString(" Tj\n")
	}
	b.WriteString("ET\n")
	for _, y := range p.rules {
		fmt.Fprintf(&b, "0.5 w %s %s m %s %s l S\n", num(left), num(y), num(right), num(y))
	}
	return b.Bytes()
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// writeString writes s as a PDF literal string: parentheses and
// backslashes escaped, bytes outside printable ASCII in octal.
func writeString(b *bytes.Buffer, s []byte) {
	b.WriteByte('(')
	for _, c := range s {
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7F:
			fmt.Fprintf(b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(')')
}

// writePDF lays out the letter and writes it as a PDF.
func writePDF(bs []block, now time.Time) ([]byte, error) {
	w, err := widths()
	if err != nil {
		return nil, err
	}
	l := &layout{w: w}
	l.newPage()
	l.letterhead(now)
	l.blocks(bs)
	l.footers()
	contents := make([][]byte, len(l.pages))
	for i, p := range l.pages {
		contents[i] = p.content()
	}
	return compose.Write(pageW, pageH, contents)
}
