// Package text runs a page's content streams through a graphics- and
// text-state interpreter (ISO 32000-1 §8.4, §9.3, §9.4) and reports every
// glyph the page shows: its Unicode text, its quadrilateral in the page's
// default user space, its font, size and render mode, whether a reader can
// see it, and exactly where in which content stream it was drawn, so that
// the redaction engine can cut there. It also puts the glyphs in reading
// order (lines by baseline, words by gaps).
//
// Coordinates are PDF points in default user space with the origin moved
// to the lower-left corner of the MediaBox, unrotated: the space in which
// redaction marks are given.
//
// A glyph is invisible when its render mode is 3 or 7, when its centre
// lies outside the crop box, when it lies wholly outside the clipping
// region (tracked as a rectangle: the bounds of every clipping path), or
// when it is drawn in white (DeviceGray, RGB or CMYK) where nothing but
// white was painted before it.
// Invisible glyphs are reported all the same: the redactor must remove
// them too.
//
// The interpreter is lenient where readers are (an operator with the wrong
// operands is skipped, an unknown font draws nothing but is reported once
// per page in Page.Problems) and strict about resources: operator counts,
// form nesting, decoded stream size and a per-page time budget are
// bounded, and exceeding one fails with a *PageError naming the page.
package text

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/releasegate/releasegate/internal/pdf/content"
	"github.com/releasegate/releasegate/internal/pdf/font"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
)

// ErrLimit is wrapped by errors about a page that exceeds a limit.
var ErrLimit = errors.New("page exceeds a processing limit")

// PageError is an error about one page.
type PageError struct {
	Page int // 1-based
	Err  error
}

func (e *PageError) Error() string { return fmt.Sprintf("page %d: %v", e.Page, e.Err) }

// Unwrap returns the cause.
func (e *PageError) Unwrap() error { return e.Err }

// Limits bound the work done on one page. Zero fields take the defaults.
type Limits struct {
	MaxOps         int           // operators on a page, forms included; default 5,000,000
	MaxDepth       int           // nesting of arrays and dictionaries in operands; default 64
	MaxFormDepth   int           // forms painting forms; default 12
	MaxStreamBytes int64         // one decoded content stream; default 256 MiB
	PageBudget     time.Duration // time for one page; default 30 s
}

func (l Limits) withDefaults() Limits {
	if l.MaxOps <= 0 {
		l.MaxOps = 5_000_000
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 64
	}
	if l.MaxFormDepth <= 0 {
		l.MaxFormDepth = 12
	}
	if l.MaxStreamBytes <= 0 {
		l.MaxStreamBytes = 256 << 20
	}
	if l.PageBudget <= 0 {
		l.PageBudget = 30 * time.Second
	}
	return l
}

// Point is a position in default user space.
type Point struct{ X, Y float64 }

// Quad is a glyph's quadrilateral: lower-left, lower-right, upper-right,
// upper-left in the glyph's own orientation.
type Quad [4]Point

// Bounds returns the axis-aligned box [x0 y0 x1 y1] around q.
func (q Quad) Bounds() [4]float64 {
	b := [4]float64{q[0].X, q[0].Y, q[0].X, q[0].Y}
	for _, p := range q[1:] {
		b[0], b[1] = min(b[0], p.X), min(b[1], p.Y)
		b[2], b[3] = max(b[2], p.X), max(b[3], p.Y)
	}
	return b
}

// Source says where a glyph was drawn.
type Source struct {
	// Form is the object number of the form XObject whose stream drew the
	// glyph, or 0 for the page's own content (its streams concatenated).
	Form int
	// Op is the index of the text-showing operator in that stream's
	// operations as content.Parse returns them.
	Op int
	// Elem is the index of the string among a TJ array's elements (0 for
	// Tj, ' and ").
	Elem int
	// Start and End are the bytes of the character in the string operand.
	Start, End int
}

// Glyph is one shown character.
type Glyph struct {
	Text      string
	Quad      Quad
	Font      string
	Size      float64 // font size in user space (Tf size scaled by the text and current matrices)
	Render    int     // text render mode, 0-7
	Invisible bool
	Source    Source
	// Adv is how far the glyph moved the text position, as the TJ number
	// that moves it back: -1000 × displacement / (font size × horizontal
	// scale) (§9.4.3). A redaction that removes a run of glyphs replaces
	// them with the sum of their Adv, so what follows keeps its place.
	Adv float64
	// Width is the font's own advance for the glyph in the same units,
	// without character or word spacing or TJ adjustments: -Adv - Width
	// is the spacing (Tc, and Tw for a space) the glyph moved by.
	Width float64
	// Unit is the length on the page of one of those units (a thousandth
	// of the text-space font size) along the glyph's baseline.
	Unit     float64
	Vertical bool // drawn in a vertical writing mode

	origin, end Point // baseline start and the text position after the glyph, in display space
	dir         Point // unit vector along the baseline, in display space
}

// Image is an image a page draws.
type Image struct {
	Quad   Quad   // the image's unit square on the page
	Source Source // the Do or BI operator (Elem, Start and End unused)
	Object int    // the image XObject's object number (0 for inline images)
	Name   string // its resource name
	Inline bool
}

// Path is a painted path: its bounds (stroke width included, MediaBox
// relative) and the operators from the one that began it to the one that
// painted it, all in one stream.
type Path struct {
	Box          [4]float64
	First, Paint Source
	Clip         bool // it also clips (W or W* before the painting operator)
}

// Page is one page's text.
type Page struct {
	Number   int // 1-based
	Width    float64
	Height   float64 // MediaBox size, unrotated
	Rotate   int     // /Rotate, normalised to 0, 90, 180 or 270
	MediaBox [4]float64
	CropBox  [4]float64 // relative to the MediaBox's lower-left corner
	Glyphs   []Glyph
	// Words are the page's words in reading order, and Text the same
	// words with lines separated by "\n" and words by " ". Both hold
	// every glyph, visible or not.
	Words []Word
	Text  string
	// Lines are the page's lines in reading order, each its glyphs (spaces
	// included) in drawing order.
	Lines [][]int
	// Images are the images the page draws (XObjects and inline), in
	// drawing order.
	Images []Image
	// Paths are the painted paths (not those only used to clip).
	Paths []Path
	// Forms are the object numbers of the form XObjects the page runs.
	Forms []int
	// Problems lists what could not be interpreted (an unusable font, a
	// damaged form), each once; the glyphs they would have drawn are
	// missing, so callers that must see everything treat a non-empty list
	// as a failure.
	Problems []string
}

// Extractor extracts text from the pages of one document, loading each
// font and parsing each form once. It is not safe for concurrent use.
type Extractor struct {
	doc   *ingest.Document
	fonts *font.Loader
	lim   Limits
	forms map[int]*form
}

// New returns an Extractor for doc.
func New(doc *ingest.Document, lim Limits) *Extractor {
	return &Extractor{doc: doc, fonts: font.NewLoader(doc), lim: lim.withDefaults(), forms: map[int]*form{}}
}

// NumPages returns the document's page count.
func (e *Extractor) NumPages() int { return e.doc.NumPages() }

// All extracts every page.
func (e *Extractor) All(ctx context.Context) ([]Page, error) {
	pages := make([]Page, 0, e.doc.NumPages())
	for i := range e.doc.NumPages() {
		p, err := e.Page(ctx, i+1)
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// Page extracts page n (1-based). Errors are *PageError.
func (e *Extractor) Page(ctx context.Context, n int) (Page, error) {
	if n < 1 || n > e.doc.NumPages() {
		return Page{}, &PageError{Page: n, Err: fmt.Errorf("no such page (the document has %d)", e.doc.NumPages())}
	}
	ctx, cancel := context.WithTimeoutCause(ctx, e.lim.PageBudget,
		fmt.Errorf("%w: took longer than %s", ErrLimit, e.lim.PageBudget))
	defer cancel()
	p, err := e.page(ctx, n)
	if err != nil {
		if c := context.Cause(ctx); c != nil && errors.Is(err, context.DeadlineExceeded) {
			err = c
		}
		return Page{}, &PageError{Page: n, Err: err}
	}
	return p, nil
}

func (e *Extractor) page(ctx context.Context, n int) (Page, error) {
	pg := e.doc.Page(n - 1)
	geo := e.geometry(pg.Dict)
	p := Page{
		Number:   n,
		MediaBox: geo.media,
		Width:    geo.media[2] - geo.media[0],
		Height:   geo.media[3] - geo.media[1],
		Rotate:   geo.rotate,
	}
	p.CropBox = [4]float64{geo.crop[0] - geo.media[0], geo.crop[1] - geo.media[1], geo.crop[2] - geo.media[0], geo.crop[3] - geo.media[1]}
	data, err := e.doc.Contents(n-1, e.lim.MaxStreamBytes)
	if err != nil {
		var se *ingest.SizeLimitError
		if errors.As(err, &se) {
			return Page{}, fmt.Errorf("%w: content stream: %w", ErrLimit, err)
		}
		return Page{}, err
	}
	res, err := e.resources(pg.Resources)
	if err != nil {
		return Page{}, err
	}
	ops, err := content.Parse(data, content.Limits{MaxOps: e.lim.MaxOps, MaxDepth: e.lim.MaxDepth})
	if err != nil {
		if errors.Is(err, content.ErrLimit) {
			return Page{}, fmt.Errorf("%w: content stream: %w", ErrLimit, err)
		}
		// A syntax error ends the stream where viewers stop drawing;
		// what came before still counts, and the problem is reported.
		p.Problems = append(p.Problems, fmt.Sprintf("content stream: %v", err))
		ops = parsePrefix(data, e.lim)
	}
	in := newInterp(ctx, e, geo)
	in.glyphs = make([]Glyph, 0, shownBytes(ops))
	if err := in.run(ops, res, 0, 0); err != nil {
		return Page{}, err
	}
	p.Glyphs = in.glyphs
	p.Images = in.images
	p.Paths = in.paths
	p.Forms = in.forms
	p.Problems = append(p.Problems, in.problems...)
	p.Words, p.Text, p.Lines = layout(p.Glyphs)
	return p, nil
}

// shownBytes counts the bytes of the strings ops show: the number of
// glyphs they draw with simple fonts, an upper bound with others.
func shownBytes(ops []content.Op) int {
	n := 0
	for i := range ops {
		switch ops[i].Operator {
		case "Tj", "'", "\"":
			if k := len(ops[i].Operands); k > 0 {
				n += len(ops[i].Operands[k-1].Bytes)
			}
		case "TJ":
			if k := len(ops[i].Operands); k > 0 {
				for _, el := range ops[i].Operands[k-1].Array {
					n += len(el.Bytes)
				}
			}
		}
	}
	return n
}

// parsePrefix returns the operations before a syntax error: what a viewer
// draws before it gives up on the stream.
func parsePrefix(data []byte, lim Limits) []content.Op {
	for range 64 {
		ops, err := content.Parse(data, content.Limits{MaxOps: lim.MaxOps, MaxDepth: lim.MaxDepth})
		var se *content.SyntaxError
		if err == nil {
			return ops
		}
		if !errors.As(err, &se) || se.Offset <= 0 || se.Offset >= len(data) {
			return nil
		}
		data = data[:se.Offset]
	}
	return nil
}
