package stamp

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/content"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
)

// Footer is what every released page carries.
type Footer struct {
	Reference string // the release reference, e.g. "REL-2026-000123"
	Recipient string // name, role and organisation: "Jane Smith, Solicitor, Smith & Co"
	// Date is printed in UK form ("23 November 2026") as it reads in its
	// own location: give it in Europe/London.
	Date time.Time
	// Restrictions are the author's restrictions on onward disclosure, as
	// recorded on receipt; "" prints DefaultRestrictions.
	Restrictions string
}

// maxStream bounds the page content read to balance its graphics state.
const maxStream = 256 << 20

// resourceName is the font's resource name on every page, with a number
// added when a page already uses it.
const resourceName = "RGFooter"

// Apply returns a copy of the PDF data with f drawn at the bottom of every
// page, inside the page's crop box and turned with /Rotate so that it reads
// upright at the bottom of the page as displayed, in 7 pt Helvetica on a
// white band so that it stays legible over the page's content. The copy
// is written fresh: one revision, no encryption, a new file identifier.
//
// It fails with an error wrapping ErrFooter when f lacks a reference,
// recipient or date; with ingest's errors (ingest.ErrDamaged,
// ingest.ErrPasswordRequired, ingest.ErrTooLarge …) when data cannot be
// read; and with ErrPage when a page cannot be changed.
func Apply(ctx context.Context, data []byte, f Footer) (out []byte, err error) {
	switch {
	case strings.TrimSpace(f.Reference) == "":
		return nil, fmt.Errorf("%w: no release reference", ErrFooter)
	case strings.TrimSpace(f.Recipient) == "":
		return nil, fmt.Errorf("%w: no recipient", ErrFooter)
	case f.Date.IsZero():
		return nil, fmt.Errorf("%w: no date", ErrFooter)
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: pdfcpu panic: %v", ingest.ErrDamaged, r)
		}
	}()
	doc, err := ingest.Open(ctx, data, "", ingest.Limits{})
	if err != nil {
		return nil, fmt.Errorf("open pdf: %w", err)
	}
	fd := helvetica()
	m, err := loadMetrics(doc, fd)
	if err != nil {
		return nil, err
	}
	ref, err := doc.Ctx.IndRefForNewObject(fd)
	if err != nil {
		return nil, fmt.Errorf("add footer font: %w", err)
	}
	st := &stamper{doc: doc, font: *ref, m: m, f: f, layouts: map[float64]layout{}, streams: map[string]types.IndirectRef{}}
	for i := range doc.NumPages() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := st.page(i); err != nil {
			return nil, fmt.Errorf("page %d: %w: %w", i+1, ErrPage, err)
		}
	}
	var buf bytes.Buffer
	buf.Grow(len(data) + 4096)
	if err := doc.WriteFresh(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// stamper stamps the pages of one document.
type stamper struct {
	doc  *ingest.Document
	font types.IndirectRef // the footer font, one object for every page
	m    *metrics
	f    Footer
	// layouts by displayed width, and content streams by their bytes:
	// pages of one size share one footer stream, and every page the one
	// "q" that opens its content.
	layouts map[float64]layout
	streams map[string]types.IndirectRef
}

// page draws the footer on page i (0-based), naming the font in the
// page's own resources.
func (s *stamper) page(i int) error {
	page := s.doc.Page(i)
	g := pageGeometry(s.doc, page.Dict)
	width, _ := g.displaySize()
	l, ok := s.layouts[width]
	if !ok {
		l = s.m.lay(s.f, width)
		s.layouts[width] = l
	}
	name, err := addFont(s.doc, i, s.font)
	if err != nil {
		return err
	}
	body, err := s.doc.Contents(i, maxStream)
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	return s.appendContent(page.Dict, closeOpen(body), draw(g, l, name))
}

// draw returns the operators that paint the band and write the lines, in
// a graphics state of their own whose space is the page as displayed.
func draw(g geometry, l layout, fontName string) []byte {
	num := func(b []byte, v float64) []byte {
		if v == 0 {
			v = 0 // never "-0"
		}
		b = strconv.AppendFloat(b, v, 'f', 3, 64)
		b = bytes.TrimRight(b, "0")
		return append(bytes.TrimSuffix(b, []byte(".")), ' ')
	}
	w, _ := g.displaySize()
	b := []byte("q\n")
	for _, v := range g.displayToUser() {
		b = num(b, v)
	}
	b = append(b, "cm\n1 g\n0 0 "...)
	b = num(num(b, w), l.band)
	b = append(b, "re f\n0 g\nBT\n/"...)
	b = append(b, fontName...)
	b = append(b, ' ')
	b = num(b, fontSize)
	b = append(b, "Tf\n"...)
	b = num(num(b, l.margin), l.baseline(0))
	b = append(b, "Td\n"...)
	for k, line := range l.lines {
		if k > 0 {
			b = num(num(b, 0), -leading)
			b = append(b, "Td\n"...)
		}
		b = literal(b, line)
		b = append(b, " Tj\n"...)
	}
	return append(b, "ET\nQ\n"...)
}

// closeOpen returns what must follow a page's content to end it in the
// initial graphics state: ET when it leaves a text object open, and a Q
// for every q it leaves unmatched. Content that cannot be parsed gets
// nothing: viewers stop drawing it where it fails anyway.
func closeOpen(body []byte) []byte {
	ops, err := content.Parse(body, content.Limits{})
	if err != nil {
		return nil
	}
	depth, inText := 0, false
	for i := range ops {
		switch ops[i].Operator {
		case "q":
			depth++
		case "Q":
			if depth > 0 {
				depth--
			}
		case "BT":
			inText = true
		case "ET":
			inText = false
		}
	}
	var b []byte
	if inText {
		b = append(b, "ET\n"...)
	}
	for range depth {
		b = append(b, "Q\n"...)
	}
	return b
}

// addFont gives page i its own resources dictionary — a copy of what it
// had, own or inherited, so that pages sharing one are not changed — with
// fontRef under a name the page does not use yet, and returns that name.
func addFont(doc *ingest.Document, i int, fontRef types.IndirectRef) (string, error) {
	page := doc.Page(i)
	res := types.Dict{}
	if page.Resources != nil {
		rd, err := doc.Ctx.DereferenceDict(page.Resources)
		if err != nil {
			return "", fmt.Errorf("resources: %w", err)
		}
		for k, v := range rd {
			res[k] = v
		}
	}
	fonts := types.Dict{}
	if res["Font"] != nil {
		old, err := doc.Ctx.DereferenceDict(res["Font"])
		if err != nil {
			return "", fmt.Errorf("font resources: %w", err)
		}
		for k, v := range old {
			fonts[k] = v
		}
	}
	name := resourceName
	for n := 2; fonts[name] != nil; n++ {
		name = resourceName + strconv.Itoa(n)
	}
	fonts[name] = fontRef
	res["Font"] = fonts
	page.Dict["Resources"] = res
	return name, nil
}

// appendContent draws ops after the page's own content, which is wrapped
// in q … Q (after close, which ends what it left open), as the redact
// package adds its boxes: the page's streams are kept as they are, between
// two more.
func (s *stamper) appendContent(page types.Dict, close, ops []byte) error {
	var streams types.Array
	if c, ok := page["Contents"]; ok {
		o, err := s.doc.Ctx.Dereference(c)
		if err != nil {
			return fmt.Errorf("content: %w", err)
		}
		switch v := o.(type) {
		case types.Array:
			streams = append(streams, v...)
		case types.StreamDict:
			streams = append(streams, c)
		}
	}
	head, err := s.stream([]byte("q\n"))
	if err != nil {
		return err
	}
	tail := append([]byte("\n"), close...)
	tail = append(append(tail, "Q\n"...), ops...)
	tailRef, err := s.stream(tail)
	if err != nil {
		return err
	}
	page["Contents"] = append(append(types.Array{head}, streams...), tailRef)
	return nil
}

// stream returns a Flate content stream holding b, made once per
// document for the same bytes.
func (s *stamper) stream(b []byte) (types.IndirectRef, error) {
	if ref, ok := s.streams[string(b)]; ok {
		return ref, nil
	}
	sd, err := s.doc.Ctx.NewStreamDictForBuf(b)
	if err != nil {
		return types.IndirectRef{}, err
	}
	if err := sd.Encode(); err != nil {
		return types.IndirectRef{}, fmt.Errorf("encode content: %w", err)
	}
	ref, err := s.doc.Ctx.IndRefForNewObject(*sd)
	if err != nil {
		return types.IndirectRef{}, err
	}
	s.streams[string(b)] = *ref
	return *ref, nil
}
