package sanitize

import (
	"fmt"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/cmap"
	"github.com/releasegate/releasegate/internal/pdf/content"
)

const (
	// maxTreeDepth bounds outline, name, number, field and page trees
	// (real files nest a handful of levels).
	maxTreeDepth = 64
	// maxStructDepth bounds the structure tree, which follows the
	// document's own nesting (lists in tables in sections).
	maxStructDepth = 256
	// maxDirectDepth bounds nesting of direct arrays and dictionaries.
	maxDirectDepth = 64
	// maxFormDepth bounds appearance streams painting forms.
	maxFormDepth = 12
	// nodeBudget bounds the nodes one call visits across all walks.
	nodeBudget = 4 << 20
)

// walker holds what every walk needs: the document, a node budget and the
// first limit hit.
type walker struct {
	ctx    *model.Context
	budget int
	err    error
}

func newWalker(ctx *model.Context) *walker {
	return &walker{ctx: ctx, budget: nodeBudget}
}

// step spends one node of the budget; false once it is spent.
func (w *walker) step() bool {
	if w.budget <= 0 {
		w.fail("more than %d nodes", nodeBudget)
		return false
	}
	w.budget--
	return true
}

func (w *walker) fail(format string, args ...any) {
	if w.err == nil {
		w.err = fmt.Errorf("%w: %s", ErrLimit, fmt.Sprintf(format, args...))
	}
}

// deref resolves o; a dangling or unreadable reference is nil.
func (w *walker) deref(o types.Object) types.Object {
	if _, ok := o.(types.IndirectRef); !ok {
		return o
	}
	r, err := w.ctx.Dereference(o)
	if err != nil {
		return nil
	}
	return r
}

// dict resolves o to a dictionary (a stream's dictionary included).
func (w *walker) dict(o types.Object) types.Dict {
	switch v := w.deref(o).(type) {
	case types.Dict:
		return v
	case types.StreamDict:
		return v.Dict
	case *types.StreamDict:
		return v.Dict
	}
	return nil
}

// array resolves o to an array.
func (w *walker) array(o types.Object) types.Array {
	a, _ := w.deref(o).(types.Array)
	return a
}

// stream resolves o to a stream dictionary.
func (w *walker) stream(o types.Object) *types.StreamDict {
	switch v := w.deref(o).(type) {
	case types.StreamDict:
		return &v
	case *types.StreamDict:
		return v
	}
	return nil
}

// streamBytes decodes the stream o refers to, without changing it; nil
// when it cannot be decoded within maxStreamBytes.
func (w *walker) streamBytes(o types.Object) []byte {
	sd := w.stream(o)
	if sd == nil {
		return nil
	}
	c := *sd // decoding caches into the copy, not the document
	b, err := c.DecodeLengthWithLimit(-1, maxStreamBytes)
	if err != nil {
		return nil
	}
	return b
}

// texts returns the readings of a text string, or of a text stream (as
// /RC and /JS may be).
func (w *walker) texts(o types.Object) []string {
	if _, ok := o.(types.IndirectRef); ok {
		if sd := w.stream(o); sd != nil {
			if b := w.streamBytes(o); b != nil {
				return []string{streamText(b)}
			}
			return nil
		}
		o = w.deref(o)
	}
	return textOf(o)
}

// objNr returns the object number o refers to, or 0 for a direct object.
func objNr(o types.Object) int {
	if r, ok := o.(types.IndirectRef); ok {
		return r.ObjectNumber.Value()
	}
	return 0
}

// page is one leaf of the page tree.
type page struct {
	num  int // 1-based
	ref  int // object number, 0 for a direct page (invalid, but met)
	dict types.Dict
}

// pages returns the pages in order, walking the page tree with a visited
// set and a depth limit.
func (w *walker) pages() []page {
	root, err := w.ctx.Catalog()
	if err != nil || root == nil {
		return nil
	}
	type frame struct {
		o     types.Object
		depth int
	}
	var out []page
	seen := map[int]bool{}
	stack := []frame{{root["Pages"], 0}}
	for len(stack) > 0 && w.step() {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n := objNr(f.o); n != 0 {
			if seen[n] {
				continue
			}
			seen[n] = true
		}
		d := w.dict(f.o)
		if d == nil {
			continue
		}
		if t := d.Type(); t != nil && *t == "Page" || d["Kids"] == nil {
			out = append(out, page{num: len(out) + 1, ref: objNr(f.o), dict: d})
			continue
		}
		if f.depth >= maxTreeDepth {
			w.fail("page tree deeper than %d", maxTreeDepth)
			continue
		}
		kids := w.array(d["Kids"])
		for i := len(kids) - 1; i >= 0; i-- {
			stack = append(stack, frame{kids[i], f.depth + 1})
		}
	}
	return out
}

// appearanceText returns the text an annotation's appearance streams show
// (normal, rollover and down appearances, every state), read from the
// strings their text operators draw and marked-content /ActualText.
func (w *walker) appearanceText(annot types.Dict) []string {
	ap := w.dict(annot["AP"])
	if ap == nil {
		return nil
	}
	var out []string
	seen := map[int]bool{}
	for _, k := range []string{"N", "R", "D"} {
		o, ok := ap[k]
		if !ok {
			continue
		}
		if w.stream(o) != nil {
			out = append(out, w.formText(o, seen, 0)...)
			continue
		}
		for _, s := range w.dict(o) {
			out = append(out, w.formText(s, seen, 0)...)
		}
	}
	return out
}

// formText returns the text a form XObject shows, nested forms included.
func (w *walker) formText(o types.Object, seen map[int]bool, depth int) []string {
	if n := objNr(o); n != 0 {
		if seen[n] {
			return nil
		}
		seen[n] = true
	}
	if !w.step() {
		return nil
	}
	if depth > maxFormDepth {
		w.fail("appearance forms nested deeper than %d", maxFormDepth)
		return nil
	}
	sd := w.stream(o)
	if sd == nil {
		return nil
	}
	data := w.streamBytes(o)
	if data == nil {
		return nil
	}
	ops, err := content.Parse(data, content.Limits{})
	if err != nil && len(ops) == 0 {
		return nil
	}
	res := w.dict(sd.Dict["Resources"])
	fonts := w.dict(res["Font"])
	xobjs := w.dict(res["XObject"])
	var out []string
	var b strings.Builder
	dec := fontDecoder{}
	flush := func() {
		if strings.TrimSpace(b.String()) != "" {
			out = append(out, b.String())
		}
		b.Reset()
	}
	show := func(op content.Operand) {
		if op.Kind == content.KindString {
			b.WriteString(dec.decode(op.Bytes))
		}
	}
	for _, op := range ops {
		switch op.Operator {
		case "Tf":
			if len(op.Operands) > 0 && op.Operands[0].Kind == content.KindName {
				dec = w.decoderFor(fonts[string(op.Operands[0].Bytes)])
			}
		case "Tj":
			for _, a := range op.Operands {
				show(a)
			}
		case "'", "\"":
			b.WriteByte(' ')
			for _, a := range op.Operands {
				show(a)
			}
		case "TJ":
			for _, a := range op.Operands {
				for _, e := range a.Array {
					if e.Kind == content.KindNumber && e.Num < -200 {
						b.WriteByte(' ')
					}
					show(e)
				}
			}
		case "Td", "TD", "T*", "Tm", "BT":
			b.WriteByte(' ')
		case "ET":
			flush()
		case "BDC", "DP":
			for _, a := range op.Operands {
				if a.Kind != content.KindDict {
					continue
				}
				for _, k := range []string{"ActualText", "Alt", "E"} {
					if v, ok := a.Lookup(k); ok && v.Kind == content.KindString {
						s, alt := decodeText(v.Bytes)
						out = append(out, s)
						if alt != "" {
							out = append(out, alt)
						}
					}
				}
			}
		case "Do":
			if len(op.Operands) > 0 && op.Operands[0].Kind == content.KindName {
				if x := xobjs[string(op.Operands[0].Bytes)]; x != nil {
					if s := w.stream(x); s != nil {
						if st := s.Dict.Subtype(); st != nil && *st == "Form" {
							flush()
							out = append(out, w.formText(x, seen, depth+1)...)
						}
					}
				}
			}
		}
	}
	flush()
	return out
}

// fontDecoder turns the bytes of a shown string into text: through the
// font's ToUnicode CMap when it has one, else one byte a character.
type fontDecoder struct {
	toUnicode *cmap.CMap
	twoByte   bool // a composite font without ToUnicode: codes are unknowable
}

func (w *walker) decoderFor(o types.Object) fontDecoder {
	fd := w.dict(o)
	if fd == nil {
		return fontDecoder{}
	}
	if tu := fd["ToUnicode"]; tu != nil {
		if data := w.streamBytes(tu); data != nil {
			if cm, err := cmap.Parse(data, cmap.Options{}); err == nil {
				return fontDecoder{toUnicode: cm}
			}
		}
	}
	if st := fd.Subtype(); st != nil && *st == "Type0" {
		return fontDecoder{twoByte: true}
	}
	return fontDecoder{}
}

func (d fontDecoder) decode(s []byte) string {
	switch {
	case d.toUnicode != nil:
		var b strings.Builder
		for len(s) > 0 {
			code, n, _ := d.toUnicode.Next(s)
			if n <= 0 {
				n = 1
			}
			if u, ok := d.toUnicode.Unicode(code, n); ok {
				b.WriteString(u)
			} else {
				b.WriteRune('\uFFFD')
			}
			s = s[n:]
		}
		return b.String()
	case d.twoByte:
		return ""
	}
	return pdfDocText(s)
}

// reachable returns the object numbers pdfcpu writes: those reachable from
// the catalog, the Info dictionary and the extra trailer streams.
func (w *walker) reachable() map[int]bool {
	seen := map[int]bool{}
	var stack []types.Object
	if w.ctx.Root != nil {
		stack = append(stack, *w.ctx.Root)
	}
	if w.ctx.Info != nil {
		stack = append(stack, *w.ctx.Info)
	}
	if w.ctx.AdditionalStreams != nil {
		stack = append(stack, *w.ctx.AdditionalStreams)
	}
	type item struct {
		o     types.Object
		depth int
	}
	work := make([]item, 0, len(stack))
	for _, o := range stack {
		work = append(work, item{o, 0})
	}
	for len(work) > 0 && w.step() {
		it := work[len(work)-1]
		work = work[:len(work)-1]
		switch v := it.o.(type) {
		case types.IndirectRef:
			n := v.ObjectNumber.Value()
			if seen[n] {
				continue
			}
			seen[n] = true
			e, ok := w.ctx.Table[n]
			if ok && e != nil && !e.Free && e.Object != nil {
				work = append(work, item{e.Object, 0})
			}
		case types.Dict:
			if it.depth > maxDirectDepth {
				continue
			}
			for _, k := range sortedKeys(v) {
				work = append(work, item{v[k], it.depth + 1})
			}
		case types.StreamDict:
			work = append(work, item{v.Dict, it.depth})
		case *types.StreamDict:
			work = append(work, item{v.Dict, it.depth})
		case types.Array:
			if it.depth > maxDirectDepth {
				continue
			}
			for _, e := range v {
				work = append(work, item{e, it.depth + 1})
			}
		}
	}
	return seen
}
