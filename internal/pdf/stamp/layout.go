package stamp

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/font"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
)

// The footer's type and spacing, in points.
const (
	fontSize  = 7
	leading   = 8.4 // baseline to baseline
	padTop    = 3   // band top to the first line's ascenders
	padBottom = 6   // band bottom to the last line's descenders, and more: printers clip edges
	// maxMargin is the space left and right of the text; narrow pages get
	// 5% of their width instead.
	maxMargin = 24

	maxReleaseLines     = 2
	maxRestrictionLines = 4

	// DefaultRestrictions is printed when the author gave none: consent
	// covers this release, not what the recipient does next.
	DefaultRestrictions = "Not to be disclosed further without the author's consent."

	dateLayout = "2 January 2006" // UK order, month in words: never ambiguous
	ellipsis   = '…'
)

// helvetica is the font dictionary the footer draws with: a standard 14
// font, so nothing is embedded, in WinAnsiEncoding.
func helvetica() types.Dict {
	return types.Dict{
		"Type":     types.Name("Font"),
		"Subtype":  types.Name("Type1"),
		"BaseFont": types.Name("Helvetica"),
		"Encoding": types.Name("WinAnsiEncoding"),
	}
}

// metrics are the codes and advances of the footer font, as the font
// package reads them from the same dictionary a viewer reads.
type metrics struct {
	code  map[rune]byte
	width [256]float64 // per unit of font size
}

// loadMetrics loads fd with the document's font loader.
func loadMetrics(doc *ingest.Document, fd types.Dict) (*metrics, error) {
	f, err := font.NewLoader(doc).Load(fd, "footer")
	if err != nil {
		return nil, fmt.Errorf("footer font: %w", err)
	}
	m := &metrics{code: make(map[rune]byte, 224)}
	// Downwards, so that a character with two codes gets the lower one
	// (space is 0x20 and 0xA0, hyphen 0x2D and 0xAD).
	for c := 255; c >= 0; c-- {
		ch := f.Next([]byte{byte(c)})
		m.width[c] = ch.W0
		if c < 0x20 || ch.Text == font.Replacement {
			continue
		}
		if r := []rune(ch.Text); len(r) == 1 {
			m.code[r[0]] = byte(c)
		}
	}
	if _, ok := m.code['?']; !ok {
		return nil, fmt.Errorf("footer font: no question mark in %s", f.Name)
	}
	return m, nil
}

// encode returns s in the footer font's codes, white space runs as one
// space and characters it has no code for as "?".
func (m *metrics) encode(s string) []byte {
	var b []byte
	for i, w := range strings.Fields(s) {
		if i > 0 {
			b = append(b, ' ')
		}
		for _, r := range w {
			c, ok := m.code[r]
			if !ok {
				c = '?'
			}
			b = append(b, c)
		}
	}
	return b
}

// measure returns the width of b at the footer's size, in points.
func (m *metrics) measure(b []byte) float64 {
	w := 0.0
	for _, c := range b {
		w += m.width[c]
	}
	return w * fontSize
}

// wrap breaks b into lines no wider than width, at spaces, or inside a
// word too long for a line of its own. Beyond maxLines the text is cut and
// the last line ends in an ellipsis.
func (m *metrics) wrap(b []byte, width float64, maxLines int) [][]byte {
	width += 1e-6 // sums of widths are not exact
	var lines [][]byte
	var line []byte
	for _, word := range bytes.Split(b, []byte{' '}) { // encode left single spaces
		if len(word) == 0 {
			continue
		}
		if len(line) > 0 {
			if m.measure(line)+m.measure([]byte{' '})+m.measure(word) <= width {
				line = append(append(line, ' '), word...)
				continue
			}
			lines = append(lines, line)
			line = nil
		}
		for m.measure(word) > width {
			n := 1 // at least one character a line, however narrow the page
			for n < len(word) && m.measure(word[:n+1]) <= width {
				n++
			}
			lines = append(lines, word[:n:n])
			word = word[n:]
		}
		line = append([]byte(nil), word...) // never an alias of b: it grows
	}
	if len(line) > 0 {
		lines = append(lines, line)
	}
	if len(lines) <= maxLines {
		return lines
	}
	lines = lines[:maxLines]
	el, ok := m.code[ellipsis]
	if !ok {
		el = '?'
	}
	last := append([]byte(nil), lines[maxLines-1]...)
	for len(last) > 0 && (last[len(last)-1] == ' ' || m.measure(last)+m.measure([]byte{el}) > width) {
		last = last[:len(last)-1]
	}
	lines[maxLines-1] = append(last, el)
	return lines
}

// layout is the footer as one page shows it.
type layout struct {
	lines  [][]byte // in the font's codes
	margin float64  // left edge of the text, in display space
	band   float64  // height of the white band
}

// lay sets out footer f for a page width points wide as displayed.
func (m *metrics) lay(f Footer, width float64) layout {
	margin := min(maxMargin, 0.05*width)
	avail := width - 2*margin
	release := fmt.Sprintf("Released %s to %s on %s", f.Reference, f.Recipient, f.Date.Format(dateLayout))
	restr := f.Restrictions
	if strings.TrimSpace(restr) == "" {
		restr = DefaultRestrictions
	}
	lines := m.wrap(m.encode(release), avail, maxReleaseLines)
	lines = append(lines, m.wrap(m.encode("Restrictions: "+restr), avail, maxRestrictionLines)...)
	return layout{
		lines:  lines,
		margin: margin,
		band:   padBottom + float64(len(lines))*leading + padTop,
	}
}

// baseline returns the height of line i's baseline above the page's
// bottom edge as displayed.
func (l layout) baseline(i int) float64 {
	return l.band - padTop - 0.8*fontSize - float64(i)*leading
}

// literal appends b to dst as a PDF literal string (§7.3.4.2):
// delimiters and the backslash escaped, other bytes outside printable
// ASCII in octal, so the stream stays 7-bit and survives any line-end
// rewriting.
func literal(dst, b []byte) []byte {
	dst = append(dst, '(')
	for _, c := range b {
		switch {
		case c == '(' || c == ')' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20 || c >= 0x7F:
			dst = append(dst, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, ')')
}
