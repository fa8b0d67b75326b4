package ingest

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// scan.go tells text pages from image-only pages. It is deliberately small:
// a page shows text when a text-showing operator (Tj, TJ, ' or ") with a
// non-empty string runs inside BT … ET, in the page's content or in a form
// XObject the page paints with Do; a page is image-only when it paints an
// image XObject or an inline image (BI … ID … EI) and shows no text. The
// full content-stream interpreter lives in internal/pdf/content.

// maxTreeDepth bounds the page tree; maxFormDepth bounds forms painting
// forms.
const (
	maxTreeDepth = 64
	maxFormDepth = 12
)

// page is a leaf of the page tree with the resources it inherits.
type page struct {
	dict  types.Dict
	res   types.Object // /Resources, own or inherited; may be nil
	objNr int          // 0 when the page dictionary is direct
}

// walkPages lists the pages in order. It fails on a cycle, a node reached
// twice, a missing node or a tree deeper than maxTreeDepth.
func walkPages(doc *model.Context) ([]page, error) {
	root, err := doc.Catalog()
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	top, ok := root.Find("Pages")
	if !ok {
		return nil, errors.New("catalog has no /Pages")
	}
	var pages []page
	seen := map[int]bool{}
	var walk func(o, res types.Object, depth int) error
	walk = func(o, res types.Object, depth int) error {
		if depth > maxTreeDepth {
			return errors.New("page tree too deep")
		}
		objNr := 0
		if ir, ok := o.(types.IndirectRef); ok {
			n := ir.ObjectNumber.Value()
			objNr = n
			if seen[n] {
				return fmt.Errorf("page tree reaches obj#%d twice", n)
			}
			seen[n] = true
		}
		d, err := doc.DereferenceDict(o)
		if err != nil {
			return fmt.Errorf("page tree node: %w", err)
		}
		if d == nil {
			return errors.New("page tree node missing")
		}
		if r, ok := d.Find("Resources"); ok {
			res = r
		}
		kids, hasKids := d.Find("Kids")
		if t := d.Type(); !hasKids || t != nil && *t == "Page" {
			pages = append(pages, page{dict: d, res: res, objNr: objNr})
			return nil
		}
		arr, err := doc.DereferenceArray(kids)
		if err != nil {
			return fmt.Errorf("page tree kids: %w", err)
		}
		for _, k := range arr {
			if err := walk(k, res, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(top, nil, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

// scanResult says what a page or form paints.
type scanResult struct {
	text  bool // shows text
	image bool // paints an image
}

func (r *scanResult) add(o scanResult) {
	r.text = r.text || o.text
	r.image = r.image || o.image
}

// scanner scans pages of one document, remembering what each form XObject
// paints.
type scanner struct {
	doc    *model.Context
	dec    *decoder
	max    int64 // largest content stream to decode
	forms  map[int]scanResult
	active map[int]bool // forms being scanned, to stop cycles
}

func newScanner(doc *model.Context, dec *decoder, max int64) *scanner {
	return &scanner{doc: doc, dec: dec, max: max, forms: map[int]scanResult{}, active: map[int]bool{}}
}

// page scans one page's content streams, which are concatenated as the
// specification says (text objects may span them).
func (s *scanner) page(pg page) (scanResult, error) {
	content, err := pageContents(s.doc, pg.dict, s.streamContent)
	if err != nil {
		return scanResult{}, err
	}
	res, err := s.resources(pg.res)
	if err != nil {
		return scanResult{}, err
	}
	return s.scan(content, res, 0), nil
}

// pageContents returns a page's content streams decoded by decode and, when
// there are several, joined by newlines as the specification reads them
// (§7.8.2: an operator's operands may be split across streams). A page
// without /Contents has none; one that names streams not in the file is
// ErrDamaged.
func pageContents(doc *model.Context, page types.Dict, decode func(types.Object) ([]byte, error)) ([]byte, error) {
	c, ok := page.Find("Contents")
	if !ok {
		return nil, nil
	}
	o, err := doc.Dereference(c)
	if err != nil {
		return nil, fmt.Errorf("contents: %w: %w", ErrDamaged, err)
	}
	var streams []types.Object
	switch v := o.(type) {
	case types.StreamDict:
		streams = []types.Object{c}
	case types.Array:
		streams = v
	case nil:
		if ir, ok := c.(types.IndirectRef); ok {
			return nil, fmt.Errorf("content stream obj#%d missing: %w", ir.ObjectNumber.Value(), ErrDamaged)
		}
		return nil, nil
	default:
		return nil, fmt.Errorf("contents is a %T: %w", o, ErrDamaged)
	}
	if len(streams) == 1 {
		return decode(streams[0])
	}
	var content []byte
	for _, so := range streams {
		b, err := decode(so)
		if err != nil {
			return nil, err
		}
		content = append(content, b...)
		content = append(content, '\n')
	}
	return content, nil
}

// streamContent decodes the stream o refers to. A stream that is named but
// not in the file is ErrDamaged.
func (s *scanner) streamContent(o types.Object) ([]byte, error) {
	sd, _, err := s.doc.DereferenceStreamDict(o)
	if err != nil {
		return nil, fmt.Errorf("content stream: %w: %w", ErrDamaged, err)
	}
	if sd == nil {
		// A page that names content which is not in the file has lost
		// it, typically to truncation: accepting it would show a blank
		// page where the author wrote something.
		if ir, ok := o.(types.IndirectRef); ok {
			return nil, fmt.Errorf("content stream obj#%d missing: %w", ir.ObjectNumber.Value(), ErrDamaged)
		}
		return nil, nil
	}
	if sd.Content != nil {
		return sd.Content, nil
	}
	b, err := s.dec.decodeAll(sd.Raw, pipeline(sd), s.max)
	if errors.Is(err, errDecodeLimit) {
		return nil, &SizeLimitError{Resource: ResourceDecodedBytes, Got: s.max + 1, Max: s.max}
	}
	if err != nil {
		return nil, fmt.Errorf("decode content stream: %w", err)
	}
	return b, nil
}

func (s *scanner) resources(o types.Object) (types.Dict, error) {
	if o == nil {
		return nil, nil
	}
	d, err := s.doc.DereferenceDict(o)
	if err != nil {
		return nil, fmt.Errorf("resources: %w: %w", ErrDamaged, err)
	}
	return d, nil
}

// scan tokenizes content and reports what it paints, stopping at the first
// text (which settles the question for the page).
func (s *scanner) scan(content []byte, res types.Dict, depth int) scanResult {
	var r scanResult
	l := lexer{b: content}
	inText := false
	str := false    // a non-empty string among the current operands
	name := token{} // the last name operand, for Do
	for {
		t := l.next()
		switch t.kind {
		case tokEOF:
			return r
		case tokString, tokHex:
			str = str || t.strLen > 0
			continue
		case tokName:
			name = t
			continue
		case tokKeyword:
		default:
			continue
		}
		switch string(content[t.start:t.end]) {
		case "BT":
			inText = true
		case "ET":
			inText = false
		case "Tj", "TJ", "'", "\"":
			if inText && str {
				r.text = true
				return r
			}
		case "Do":
			if name.kind == tokName {
				r.add(s.xobject(nameValue(content[name.start:name.end]), res, depth))
				if r.text {
					return r
				}
			}
		case "BI":
			r.image = true
			skipInlineImage(&l)
		}
		str, name = false, token{}
	}
}

// xobject reports what painting the named XObject of res paints.
func (s *scanner) xobject(name string, res types.Dict, depth int) scanResult {
	if res == nil {
		return scanResult{}
	}
	xo, err := s.doc.DereferenceDict(res["XObject"])
	if err != nil || xo == nil {
		return scanResult{}
	}
	ref, ok := xo[name]
	if !ok {
		return scanResult{}
	}
	objNr := -1
	if ir, ok := ref.(types.IndirectRef); ok {
		objNr = ir.ObjectNumber.Value()
		if r, ok := s.forms[objNr]; ok {
			return r
		}
		if s.active[objNr] {
			return scanResult{}
		}
	}
	sd, _, err := s.doc.DereferenceStreamDict(ref)
	if err != nil || sd == nil {
		return scanResult{}
	}
	st := sd.Subtype()
	switch {
	case st != nil && *st == "Image":
		return scanResult{image: true}
	case st == nil || *st != "Form" || depth >= maxFormDepth:
		return scanResult{}
	}
	content, err := s.streamContent(ref)
	if err != nil {
		return scanResult{}
	}
	// A form without resources of its own uses those of whatever paints
	// it, so only forms with their own are remembered.
	formRes, own := res, false
	if fr, ok := sd.Find("Resources"); ok {
		if d, err := s.resources(fr); err == nil && d != nil {
			formRes, own = d, true
		}
	}
	if objNr < 0 {
		return s.scan(content, formRes, depth+1)
	}
	s.active[objNr] = true
	r := s.scan(content, formRes, depth+1)
	delete(s.active, objNr)
	if own {
		s.forms[objNr] = r
	}
	return r
}

// skipInlineImage moves l past an inline image whose BI has just been read:
// the dictionary up to ID, one white-space byte, the data, and EI. The data
// length comes from /L or /Length when given (PDF 2.0), else the data ends
// at the first "EI" between white space.
func skipInlineImage(l *lexer) {
	length := int64(-1)
	for {
		t := l.next()
		if t.kind == tokEOF {
			return
		}
		if t.kind == tokKeyword && string(l.b[t.start:t.end]) == "ID" {
			break
		}
		if t.kind == tokName {
			if k := string(l.b[t.start:t.end]); k == "/L" || k == "/Length" {
				save := l.pos
				if v, ok := l.parseValue(0); ok {
					if n, ok := v.(int64); ok {
						length = n
					}
				} else {
					l.pos = save
				}
			}
		}
	}
	l.pos++ // the single white-space byte after ID
	if length >= 0 && length <= int64(len(l.b)-l.pos) {
		end := l.pos + int(length)
		j := end
		for j < len(l.b) && isSpace(l.b[j]) {
			j++
		}
		if bytes.HasPrefix(l.b[j:], []byte("EI")) {
			l.pos = j + 2
			return
		}
	}
	for i := l.pos; i+1 < len(l.b); i++ {
		if l.b[i] == 'E' && l.b[i+1] == 'I' && (i == 0 || isSpace(l.b[i-1])) &&
			(i+2 == len(l.b) || isSpace(l.b[i+2]) || isDelim(l.b[i+2])) {
			l.pos = i + 2
			return
		}
	}
	l.pos = len(l.b)
}
