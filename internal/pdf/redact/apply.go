package redact

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/content"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/sanitize"
	"github.com/releasegate/releasegate/internal/pdf/strokefont"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// Options say what to redact and how.
type Options struct {
	Marks  []Mark
	Terms  []string
	Policy Policy
	// Labels prints each mark's reason on its box, in white strokes (never
	// glyphs: no text may lie under a mark).
	Labels bool
	Limits text.Limits

	// exactPages are pages kept in their own layout under the quantised
	// policy: widening their gaps ran text into other text.
	exactPages map[int]bool
}

// PageReport says what was removed from one page.
type PageReport struct {
	Page          int `json:"page"`
	GlyphsRemoved int `json:"glyphs_removed"`
	Boxes         int `json:"boxes"`
	// Areas are the boxes drawn, as rectangles in page space.
	Areas [][4]float64 `json:"areas,omitempty"`
	// ImagesChanged counts images whose pixels under the boxes were
	// overwritten; ImagesRemoved those replaced whole (data this engine
	// cannot change: JBIG2, JPX, CCITT, indexed colour…).
	ImagesChanged int `json:"images_changed"`
	ImagesRemoved int `json:"images_removed"`
	// AnnotationsRemoved counts annotations over a redacted area (a note,
	// a highlight, a link), removed with their pop-ups.
	AnnotationsRemoved int `json:"annotations_removed"`
	// FieldsFlattened counts form-field widgets drawn into the page's
	// content (the interactive form itself is removed).
	FieldsFlattened int `json:"fields_flattened,omitempty"`
	// FormsCopied counts form XObjects shared with other pages that were
	// copied for this page before glyphs were cut from them.
	FormsCopied int `json:"forms_copied,omitempty"`
	// WidthsLeak: removed text on this page kept its exact width.
	WidthsLeak bool `json:"widths_leak,omitempty"`
}

// Report is what a redaction did.
type Report struct {
	Policy     Policy       `json:"width_policy"`
	WidthsLeak bool         `json:"widths_leak"`
	Pages      []PageReport `json:"pages"`
	// Sanitised lists what went at document level (kinds and places,
	// never text).
	Sanitised []sanitize.Item `json:"sanitised,omitempty"`
	Problems  []string        `json:"problems,omitempty"`

	overlaps []int // per page of the input, glyphs running into their neighbour
	visible  []int // per page, visible glyphs kept
}

// maxStream bounds one rewritten content stream.
const maxStream = 256 << 20

// apply redacts doc in place.
func apply(ctx context.Context, doc *ingest.Document, opt Options) (Report, error) {
	rep := Report{Policy: opt.Policy, WidthsLeak: opt.Policy == Exact}
	m := newMatcher(opt.Terms)
	fields, probs, err := flattenFields(doc)
	if err != nil {
		return rep, err
	}
	rep.Problems = append(rep.Problems, probs...)
	ex := text.New(doc, opt.Limits)
	// First pass: which pages run which forms. A form run by several pages
	// is copied before one page's glyphs are cut from it.
	drawnBy := map[int][]int{}
	for n := 1; n <= doc.NumPages(); n++ {
		p, err := ex.Page(ctx, n)
		if err != nil {
			return rep, err
		}
		rep.overlaps = append(rep.overlaps, overlaps(&p))
		for _, f := range p.Forms {
			drawnBy[f] = append(drawnBy[f], n)
		}
		seen := map[int]bool{}
		for _, im := range p.Images {
			if im.Object > 0 && !seen[im.Object] {
				seen[im.Object] = true
				drawnBy[im.Object] = append(drawnBy[im.Object], n)
			}
		}
	}
	refs := map[int]int{}
	for f, pages := range drawnBy {
		refs[f] = len(pages)
	}
	ex = text.New(doc, opt.Limits)
	privatised := map[int]map[int]bool{} // original form → pages now drawing a copy
	allBoxes := make([][][4]Point, doc.NumPages())
	media := make([][4]float64, doc.NumPages())
	for n := 1; n <= doc.NumPages(); n++ {
		p, err := ex.Page(ctx, n)
		if err != nil {
			return rep, err
		}
		if len(p.Problems) > 0 {
			// Glyphs a problem hid cannot be found, so cannot be removed.
			return rep, fmt.Errorf("page %d: cannot read all its text (%s), so cannot redact it safely", n, p.Problems[0])
		}
		sel := selectGlyphs(&p, opt.Marks, m, opt.Policy)
		rep.visible = append(rep.visible, visibleKept(&p, sel))
		pr := PageReport{Page: n, GlyphsRemoved: len(sel), FieldsFlattened: fields[n-1]}
		policy := opt.Policy
		if opt.exactPages[n] {
			policy = Exact
		}
		pg := &pageEdit{doc: doc, page: n, dict: doc.Page(n - 1).Dict, policy: policy}
		var markBoxes [][4]Point
		var labels []label
		for _, mk := range opt.Marks {
			if mk.Page == n {
				r := normRect(mk.Rect)
				markBoxes = append(markBoxes, [4]Point{{X: r[0], Y: r[1]}, {X: r[2], Y: r[1]}, {X: r[2], Y: r[3]}, {X: r[0], Y: r[3]}})
				if opt.Labels && strings.TrimSpace(mk.Reason) != "" {
					labels = append(labels, label{rect: r, text: mk.Reason})
				}
			}
		}
		if err := pg.cut(&p, sel, pathsInside(&p, opt.Marks), refs, markBoxes); err != nil {
			return rep, fmt.Errorf("page %d: %w", n, err)
		}
		boxes := append(markBoxes, pg.runBoxes...)
		pr.ImagesChanged, pr.ImagesRemoved = pg.inlineChanged, pg.inlineRemoved
		done := map[int]bool{}
		for _, im := range p.Images {
			if im.Inline || im.Object <= 0 || !imageUnder(im, boxes) || done[im.Object] {
				continue
			}
			done[im.Object] = true
			e, err := pg.redactImage(im, boxes, refs)
			if err != nil {
				return rep, fmt.Errorf("page %d: %w", n, err)
			}
			if e.removed {
				pr.ImagesRemoved++
			} else {
				pr.ImagesChanged++
			}
		}
		pr.Boxes = len(boxes)
		allBoxes[n-1], media[n-1] = boxes, p.MediaBox
		for _, q := range boxes {
			pr.Areas = append(pr.Areas, text.Quad(q).Bounds())
		}
		pr.AnnotationsRemoved = removeAnnotations(doc, pg.dict, boxes, p.MediaBox)
		pr.FormsCopied = pg.copied
		if len(sel) > 0 || len(boxes) > 0 {
			if err := pg.writePage(boxes, labels, p.MediaBox); err != nil {
				return rep, fmt.Errorf("page %d: %w", n, err)
			}
		}
		rep.Problems = append(rep.Problems, pg.problems...)
		pr.WidthsLeak = len(sel) > 0 && (policy == Exact || pg.widthsLeak)
		rep.WidthsLeak = rep.WidthsLeak || pr.WidthsLeak
		rep.Pages = append(rep.Pages, pr)
		for _, f := range pg.privatised {
			if privatised[f] == nil {
				privatised[f] = map[int]bool{}
			}
			privatised[f][n] = true
		}
	}
	for i, k := range removeLinksInto(doc, allBoxes, media) {
		rep.Pages[i].AnnotationsRemoved += k
	}
	// An original form or image that every page drawing it now draws from
	// a copy is still named by resources (pages often share one resources
	// dictionary), so it would carry what was removed into the file:
	// empty it.
	for f, pages := range privatised {
		still := false
		for _, n := range drawnBy[f] {
			still = still || !pages[n]
		}
		if !still {
			if err := emptyForm(doc, f); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}

// visibleKept counts the glyphs of p a reader sees that are not in sel.
func visibleKept(p *text.Page, sel []int) int {
	gone := make(map[int]bool, len(sel))
	for _, gi := range sel {
		gone[gi] = true
	}
	n := 0
	for gi := range p.Glyphs {
		if !p.Glyphs[gi].Invisible && !gone[gi] {
			n++
		}
	}
	return n
}

// emptyForm replaces XObject objNr, which nothing draws any more, with an
// empty form or a one-pixel image.
func emptyForm(doc *ingest.Document, objNr int) error {
	entry, ok := doc.Ctx.FindTableEntryLight(objNr)
	if !ok {
		return nil
	}
	sd, ok := entry.Object.(types.StreamDict)
	if !ok {
		return nil
	}
	var ns *types.StreamDict
	var err error
	if st := sd.Subtype(); st != nil && *st == "Image" {
		ns, err = onePixel(doc)
	} else {
		ns, err = withContent(doc, sd.Dict, nil)
	}
	if err != nil {
		return fmt.Errorf("XObject %d: %w", objNr, err)
	}
	entry.Object = *ns
	return nil
}

// withContent returns a Flate stream holding data, with the entries of
// dict other than those that described the old data.
func withContent(doc *ingest.Document, dict types.Dict, data []byte) (*types.StreamDict, error) {
	ns, err := doc.Ctx.NewStreamDictForBuf(data)
	if err != nil {
		return nil, err
	}
	for k, v := range dict {
		switch k {
		case "Length", "Filter", "DecodeParms", "DL":
		default:
			ns.Dict[k] = v
		}
	}
	if err := ns.Encode(); err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return ns, nil
}

// label is a reason printed on a mark's box (page space).
type label struct {
	rect [4]float64
	text string
}

// maxLabelHeight is the largest cap height of a label, in points; a box
// too small for a legible label gets none.
const maxLabelHeight = 8

// Point is a position in page space.
type Point = text.Point

// pageEdit rewrites one page.
type pageEdit struct {
	doc      *ingest.Document
	page     int
	dict     types.Dict
	policy   Policy
	ops      []content.Op // the page's own content, rewritten
	changed  bool
	runBoxes [][4]Point // boxes over removed runs (widened under Quantised)
	// widthsLeak: some removed text on the page kept its layout.
	widthsLeak bool
	copied     int
	problems   []string
	// private maps a form's object number to the copy this page drew it
	// from after forms it reaches were copied: cuts go there.
	private map[int]int
	// privatised lists the original forms this page now draws from copies.
	privatised []int
	// inline images changed and removed
	inlineChanged, inlineRemoved int
}

// cut removes the glyphs sel of page p from the content streams that drew
// them and, under the quantised policy, lays out afresh the lines they
// were on.
func (pe *pageEdit) cut(p *text.Page, sel []int, drops map[int]map[int]bool, refs map[int]int, markBoxes [][4]Point) error {
	removed := make(map[int]bool, len(sel))
	for _, gi := range sel {
		removed[gi] = true
	}
	var shift map[int]float64
	if pe.policy == Quantised && len(sel) > 0 {
		pl := planLayout(p, removed)
		shift, pe.runBoxes = pl.shift, pl.boxes
		if pl.kept > 0 {
			pe.widthsLeak = true
			pe.problems = append(pe.problems, fmt.Sprintf("page %d: %d lines of vertical or unsized text keep their layout, and widths leak", pe.page, pl.kept))
		}
		// A kept line's own boxes: its removed glyphs as they lie.
		pe.runBoxes = append(pe.runBoxes, exactBoxes(p, pl.unplanned)...)
	} else {
		pe.runBoxes = exactBoxes(p, sel)
	}

	// The streams that change: those drawing a removed or moved glyph, a
	// path inside a mark, or an inline image under a box.
	touched := map[int]bool{}
	for f := range drops {
		touched[f] = true
	}
	movedOps := map[[2]int]bool{}
	for gi := range removed {
		touched[p.Glyphs[gi].Source.Form] = true
	}
	respace := map[int]bool{}
	for gi := range shift {
		src := p.Glyphs[gi].Source
		touched[src.Form] = true
		respace[src.Form] = true
		movedOps[[2]int{src.Form, src.Op}] = true
	}
	boxes := append(append([][4]Point(nil), markBoxes...), pe.runBoxes...)
	inline := map[int][]text.Image{} // stream → inline images under a box
	for _, im := range p.Images {
		if im.Inline && imageUnder(im, boxes) {
			inline[im.Source.Form] = append(inline[im.Source.Form], im)
			touched[im.Source.Form] = true
		}
	}
	if len(touched) == 0 {
		return nil
	}
	edits := map[int]*streamEdit{}
	for f := range touched {
		edits[f] = &streamEdit{glyphs: map[int][]opGlyph{}, drop: drops[f], respace: respace[f]}
	}
	type at struct{ form, op, elem, start int }
	seen := map[at]int{} // glyph position → index in its operator's list
	twice := map[int]bool{}
	for gi := range p.Glyphs {
		g := &p.Glyphs[gi]
		e := edits[g.Source.Form]
		if e == nil {
			continue
		}
		key := at{g.Source.Form, g.Source.Op, g.Source.Elem, g.Source.Start}
		if k, ok := seen[key]; ok {
			// The same form drawn twice on the page: one operator, two
			// places. What either removes goes; the layout stays.
			list := e.glyphs[g.Source.Op]
			list[k].removed = list[k].removed || removed[gi]
			twice[g.Source.Form] = true
			continue
		}
		og := opGlyph{elem: g.Source.Elem, start: g.Source.Start, end: g.Source.End, adv: g.Adv, width: g.Width, unit: g.Unit, removed: removed[gi]}
		if v, ok := shift[gi]; ok {
			og.shift = v
		} else if !og.removed && movedOps[[2]int{g.Source.Form, g.Source.Op}] {
			og.flow = true
		}
		seen[key] = len(e.glyphs[g.Source.Op])
		e.glyphs[g.Source.Op] = append(e.glyphs[g.Source.Op], og)
	}
	for f := range twice {
		for _, list := range edits[f].glyphs {
			for k := range list {
				list[k].shift, list[k].flow = 0, false
			}
		}
		if respace[f] {
			edits[f].respace = false
			pe.widthsLeak = true
			pe.problems = append(pe.problems, fmt.Sprintf("page %d: a form drawn twice on the page keeps its layout, and widths leak", pe.page))
		}
	}
	for _, e := range edits {
		for _, list := range e.glyphs {
			sort.Slice(list, func(i, j int) bool {
				if list[i].elem != list[j].elem {
					return list[i].elem < list[j].elem
				}
				return list[i].start < list[j].start
			})
		}
	}
	forms := make([]int, 0, len(edits))
	for f := range edits {
		forms = append(forms, f)
	}
	sort.Ints(forms)
	for _, f := range forms {
		e := edits[f]
		edit := func(ops []content.Op) []content.Op {
			e.replace = pe.inlineEdits(ops, inline[f], boxes)
			return rewrite(ops, e)
		}
		if f == 0 {
			data, err := pe.doc.Contents(pe.page-1, maxStream)
			if err != nil {
				return err
			}
			ops, err := content.Parse(data, content.Limits{})
			if err != nil {
				return fmt.Errorf("content stream: %w", err)
			}
			pe.ops = edit(ops)
			pe.changed = true
		} else if err := pe.cutForm(f, edit, refs); err != nil {
			return err
		}
	}
	return nil
}

// inlineEdits returns the replacement of each inline image of ops under a
// box: its pixels there blacked out, or, when its data cannot be changed,
// nothing (the image is removed).
func (pe *pageEdit) inlineEdits(ops []content.Op, ims []text.Image, boxes [][4]Point) map[int]*content.Op {
	if len(ims) == 0 {
		return nil
	}
	out := map[int]*content.Op{}
	for _, im := range ims {
		i := im.Source.Op
		if i < 0 || i >= len(ops) || ops[i].Operator != "BI" {
			continue
		}
		if op, ok := blackOutInline(&ops[i], im.Quad, boxes); ok {
			out[i] = op
			pe.inlineChanged++
		} else {
			out[i] = nil
			pe.inlineRemoved++
		}
	}
	return out
}

// writePage replaces the page's content with its rewritten content wrapped
// in q … Q, followed by the boxes in black.
func (pe *pageEdit) writePage(boxes [][4]Point, labels []label, media [4]float64) error {
	var body []byte
	if pe.changed {
		body = content.Append(nil, pe.ops)
	} else {
		data, err := pe.doc.Contents(pe.page-1, maxStream)
		if err != nil {
			return err
		}
		body = data
	}
	var b bytes.Buffer
	b.WriteString("q\n")
	b.Write(body)
	b.WriteString("\nQ\nq 0 g\n")
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	for _, q := range boxes {
		for k, p := range q {
			op := "l"
			if k == 0 {
				op = "m"
			}
			fmt.Fprintf(&b, "%s %s %s\n", f(p.X+media[0]), f(p.Y+media[1]), op)
		}
		b.WriteString("h f\n")
	}
	if len(labels) > 0 {
		b.WriteString("1 G\n")
	}
	for _, l := range labels {
		r := [4]float64{l.rect[0] + media[0], l.rect[1] + media[1], l.rect[2] + media[0], l.rect[3] + media[1]}
		if ops, ok := strokefont.Fit(l.text, r, maxLabelHeight); ok {
			b.Write(ops)
			b.WriteByte('\n')
		}
	}
	b.WriteString("Q\n")
	sd, err := pe.doc.Ctx.NewStreamDictForBuf(b.Bytes())
	if err != nil {
		return err
	}
	if err := sd.Encode(); err != nil {
		return fmt.Errorf("encode content: %w", err)
	}
	ref, err := pe.doc.Ctx.IndRefForNewObject(*sd)
	if err != nil {
		return err
	}
	pe.dict["Contents"] = *ref
	return nil
}

// cutForm removes glyphs from form XObject objNr for this page: in place
// when no other page draws it, else in a copy that this page's resources
// point to instead.
func (pe *pageEdit) cutForm(objNr int, edit func([]content.Op) []content.Op, uses map[int]int) error {
	target := objNr
	if c, ok := pe.private[objNr]; ok {
		target = c // this page's own copy: changed in place below
	}
	ref := *types.NewIndirectRef(target, 0)
	data, sd, err := pe.doc.Stream(ref, maxStream)
	if err != nil {
		return fmt.Errorf("form XObject %d: %w", objNr, err)
	}
	if sd == nil {
		return fmt.Errorf("form XObject %d is missing", objNr)
	}
	ops, err := content.Parse(data, content.Limits{})
	if err != nil {
		return fmt.Errorf("form XObject %d: %w", objNr, err)
	}
	ns, err := withContent(pe.doc, sd.Dict, content.Append(nil, edit(ops)))
	if err != nil {
		return fmt.Errorf("form XObject %d: %w", objNr, err)
	}
	if uses[objNr] <= 1 || target != objNr {
		entry, ok := pe.doc.Ctx.FindTableEntryLight(target)
		if !ok {
			return fmt.Errorf("form XObject %d is missing", objNr)
		}
		entry.Object = *ns
		return nil
	}
	newRef, err := pe.doc.Ctx.IndRefForNewObject(*ns)
	if err != nil {
		return err
	}
	if pe.repoint(objNr, *newRef) {
		pe.copied++
		pe.privatised = append(pe.privatised, objNr)
		return nil
	}
	// Drawn through another form: the chain would have to be copied too.
	// Change it everywhere instead: other pages lose the same glyphs
	// (more removed, never less).
	entry, ok := pe.doc.Ctx.FindTableEntryLight(objNr)
	if !ok {
		return fmt.Errorf("form XObject %d is missing", objNr)
	}
	entry.Object = *ns
	pe.problems = append(pe.problems, fmt.Sprintf("page %d: form XObject %d is shared and nested; it was changed for every page that draws it", pe.page, objNr))
	return nil
}

// repoint gives the page resources of its own in which every way of
// reaching form objNr — directly, or through other forms, which are copied
// in turn — names newRef instead. It reports whether any did.
func (pe *pageEdit) repoint(objNr int, newRef types.IndirectRef) bool {
	res := pe.doc.Page(pe.page - 1).Resources
	if cur, ok := pe.dict["Resources"]; ok {
		res = cur
	}
	newRes, changed := pe.repointIn(res, objNr, newRef, 0)
	if changed {
		pe.dict["Resources"] = newRes
	}
	return changed
}

// repointIn returns a copy of resources res in which objNr is replaced by
// newRef wherever its XObjects reach it, and whether anything changed.
func (pe *pageEdit) repointIn(res types.Object, objNr int, newRef types.IndirectRef, depth int) (types.Dict, bool) {
	if depth > 16 {
		return nil, false
	}
	rd, err := pe.doc.Ctx.DereferenceDict(res)
	if err != nil || rd == nil {
		return nil, false
	}
	xo, err := pe.doc.Ctx.DereferenceDict(rd["XObject"])
	if err != nil || xo == nil {
		return nil, false
	}
	newXO := types.Dict{}
	changed := false
	for k, v := range xo {
		newXO[k] = v
		ir, ok := v.(types.IndirectRef)
		if !ok {
			continue
		}
		if ir.ObjectNumber.Value() == objNr {
			newXO[k] = newRef
			changed = true
			continue
		}
		sd, _, err := pe.doc.Ctx.DereferenceStreamDict(ir)
		if err != nil || sd == nil {
			continue
		}
		if st := sd.Subtype(); st == nil || *st != "Form" {
			continue
		}
		inner, innerChanged := pe.repointIn(sd.Dict["Resources"], objNr, newRef, depth+1)
		if !innerChanged {
			continue
		}
		// The form that draws objNr is copied with resources naming the
		// copy; its content stays as it is.
		cp := types.StreamDict{Dict: types.Dict{}, StreamOffset: sd.StreamOffset, StreamLength: sd.StreamLength,
			StreamLengthObjNr: sd.StreamLengthObjNr, FilterPipeline: sd.FilterPipeline, Raw: sd.Raw, Content: sd.Content}
		for dk, dv := range sd.Dict {
			cp.Dict[dk] = dv
		}
		cp.Dict["Resources"] = inner
		ref, err := pe.doc.Ctx.IndRefForNewObject(cp)
		if err != nil {
			continue
		}
		if pe.private == nil {
			pe.private = map[int]int{}
		}
		pe.private[ir.ObjectNumber.Value()] = ref.ObjectNumber.Value()
		pe.privatised = append(pe.privatised, ir.ObjectNumber.Value())
		newXO[k] = *ref
		changed = true
	}
	if !changed {
		return nil, false
	}
	newRes := types.Dict{}
	for k, v := range rd {
		newRes[k] = v
	}
	newRes["XObject"] = newXO
	return newRes, true
}

// imageUnder reports whether a box overlaps image im.
func imageUnder(im text.Image, boxes [][4]Point) bool {
	ib := im.Quad.Bounds()
	for _, q := range boxes {
		b := text.Quad(q).Bounds()
		if min(b[2], ib[2]) > max(b[0], ib[0]) && min(b[3], ib[3]) > max(b[1], ib[1]) {
			return true
		}
	}
	return false
}

// pathsInside returns, by stream (form object number, 0 for the page) the
// operators of every painted path wholly inside a mark: they are left out.
// Paths that also clip stay, since removing them would change what other
// content shows.
func pathsInside(p *text.Page, marks []Mark) map[int]map[int]bool {
	var out map[int]map[int]bool
	for _, path := range p.Paths {
		if path.Clip || path.First.Form != path.Paint.Form {
			continue
		}
		b := path.Box
		for _, mk := range marks {
			r := normRect(mk.Rect)
			if mk.Page != p.Number || b[0] < r[0] || b[1] < r[1] || b[2] > r[2] || b[3] > r[3] {
				continue
			}
			if out == nil {
				out = map[int]map[int]bool{}
			}
			d := out[path.Paint.Form]
			if d == nil {
				d = map[int]bool{}
				out[path.Paint.Form] = d
			}
			for i := path.First.Op; i <= path.Paint.Op; i++ {
				d[i] = true
			}
			break
		}
	}
	return out
}

// removeAnnotations takes off the page every annotation whose rectangle
// overlaps a box (page space), with its pop-up, and returns how many went.
func removeAnnotations(doc *ingest.Document, page types.Dict, boxes [][4]Point, media [4]float64) int {
	if len(boxes) == 0 {
		return 0
	}
	arr, err := doc.Ctx.DereferenceArray(page["Annots"])
	if err != nil || len(arr) == 0 {
		return 0
	}
	gone := map[int]bool{} // object numbers of removed pop-ups
	var keep types.Array
	removed := 0
	for _, o := range arr {
		d, err := doc.Ctx.DereferenceDict(o)
		if err != nil || d == nil {
			keep = append(keep, o)
			continue
		}
		r, ok := rectOf(doc, d["Rect"])
		if !ok || !hitsBox(r, boxes, media) {
			keep = append(keep, o)
			continue
		}
		removed++
		if ir, ok := d["Popup"].(types.IndirectRef); ok {
			gone[ir.ObjectNumber.Value()] = true
		}
	}
	if removed == 0 {
		return 0
	}
	var final types.Array
	for _, o := range keep {
		if ir, ok := o.(types.IndirectRef); ok && gone[ir.ObjectNumber.Value()] {
			continue
		}
		final = append(final, o)
	}
	page["Annots"] = final
	return removed
}

func rectOf(doc *ingest.Document, o types.Object) ([4]float64, bool) {
	a, err := doc.Ctx.DereferenceArray(o)
	if err != nil || len(a) != 4 {
		return [4]float64{}, false
	}
	var r [4]float64
	for i, v := range a {
		f, err := doc.Ctx.DereferenceNumber(v)
		if err != nil {
			return [4]float64{}, false
		}
		r[i] = f
	}
	return normRect(r), true
}
