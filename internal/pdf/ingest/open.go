package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Document is an opened, measured and validated PDF for the rest of the PDF
// engine (text extraction, redaction). It carries pdfcpu's object model, so
// only packages under internal/pdf see it. A Document is not safe for
// concurrent use.
type Document struct {
	Ctx   *model.Context
	pages []page
	dec   *decoder
	lim   Limits
	index map[int]int // page object number → page index
}

// Page is one leaf of the page tree with the resources it inherits.
type Page struct {
	Dict      types.Dict
	Resources types.Object // own or inherited /Resources; may be nil
}

// Open reads a PDF the way Inspect does — the same completeness check,
// limits, cross-reference repair and password handling — and returns it
// without writing anything. Errors wrap the sentinels of errors.go.
func Open(ctx context.Context, data []byte, password string, lim Limits) (doc *Document, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("%w: pdfcpu panic: %v", ErrDamaged, r)
		}
	}()
	lim = lim.withDefaults()
	if k := Sniff(data); k != KindPDF {
		return nil, fmt.Errorf("sniff %d bytes: content is %s, not a PDF: %w", len(data), k, ErrUnsupported)
	}
	dec := newDecoder(ctx)
	if err := checkComplete(data); err != nil {
		return nil, err
	}
	sizes, err := prescan(data, lim, dec)
	if err != nil {
		return nil, fmt.Errorf("prescan: %w", err)
	}
	mc, pages, err := open(ctx, data, password, lim, dec, sizes)
	if errors.Is(err, ErrDamaged) {
		if mc2, pages2, err2 := open(ctx, hideXref(data), password, lim, dec, sizes); err2 == nil {
			mc, pages, err = mc2, pages2, nil
		}
	}
	if err != nil {
		return nil, err
	}
	index := make(map[int]int, len(pages))
	for i, p := range pages {
		if p.objNr > 0 {
			index[p.objNr] = i
		}
	}
	return &Document{Ctx: mc, pages: pages, dec: dec, lim: lim, index: index}, nil
}

// NumPages returns the number of pages.
func (d *Document) NumPages() int { return len(d.pages) }

// Page returns page i (0-based).
func (d *Document) Page(i int) Page {
	p := d.pages[i]
	res := p.res
	if own, ok := p.dict["Resources"]; ok {
		res = own // given by an edit since the document was opened
	}
	return Page{Dict: p.dict, Resources: res}
}

// PageIndex returns the index (0-based) of the page whose dictionary is
// object objNr, as a destination names it.
func (d *Document) PageIndex(objNr int) (int, bool) {
	i, ok := d.index[objNr]
	return i, ok
}

// Contents returns page i's (0-based) content streams decoded and joined,
// failing with a *SizeLimitError when together they decode to more than
// max bytes, and with ErrDamaged when the page names a stream that is not
// in the file.
func (d *Document) Contents(i int, max int64) ([]byte, error) {
	var total int64
	return pageContents(d.Ctx, d.pages[i].dict, func(o types.Object) ([]byte, error) {
		b, sd, err := d.Stream(o, max-total)
		if err == nil && sd == nil {
			if ir, ok := o.(types.IndirectRef); ok {
				return nil, fmt.Errorf("content stream obj#%d missing: %w", ir.ObjectNumber.Value(), ErrDamaged)
			}
		}
		total += int64(len(b))
		return b, err
	})
}

// Stream decodes the stream o refers to, failing with a *SizeLimitError
// when it decodes to more than max bytes. Filters this package cannot
// decode (image codecs) end the pipeline: their input is returned. A
// reference to an object that is not in the file gives (nil, nil, nil).
func (d *Document) Stream(o types.Object, max int64) ([]byte, *types.StreamDict, error) {
	sd, _, err := d.Ctx.DereferenceStreamDict(o)
	if err != nil {
		return nil, nil, fmt.Errorf("stream: %w: %w", ErrDamaged, err)
	}
	if sd == nil {
		return nil, nil, nil
	}
	if sd.Content != nil {
		if int64(len(sd.Content)) > max {
			return nil, nil, &SizeLimitError{Resource: ResourceDecodedBytes, Got: int64(len(sd.Content)), Max: max}
		}
		return sd.Content, sd, nil
	}
	b, err := d.dec.decodeAll(sd.Raw, pipeline(sd), max)
	if errors.Is(err, errDecodeLimit) {
		return nil, nil, &SizeLimitError{Resource: ResourceDecodedBytes, Got: max + 1, Max: max}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("decode stream: %w", err)
	}
	return b, sd, nil
}

// WriteFresh writes the document to w as a new file: without encryption
// and with a new file identifier. pdfcpu writes only the objects reachable
// from the catalog, as a single revision, so objects a change left
// unreferenced (old content streams, earlier revisions) are not carried
// over.
func (d *Document) WriteFresh(w io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: pdfcpu panic while writing: %v", ErrDamaged, r)
		}
	}()
	if d.Ctx.Encrypt != nil {
		d.Ctx.Cmd = model.DECRYPT // pdfcpu drops the key and /Encrypt
	}
	d.Ctx.ID = nil
	return writeContext(d.Ctx, w)
}
