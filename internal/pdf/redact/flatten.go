package redact

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
)

// Annotation flags (PDF 32000-1 table 165).
const (
	annotHidden = 1 << 1
	annotNoView = 1 << 5
)

// flattenFields turns the interactive form into page content: every
// visible widget's normal appearance is drawn into its page as a form
// XObject, the widgets leave the pages and the AcroForm leaves the
// catalog. Field values then are page text like any other, found by marks
// and terms and cut by the same code, and nothing editable, hidden in a
// field's value, survives into a released file. It returns the widgets
// drawn per page (0-based) and what could not be drawn.
func flattenFields(doc *ingest.Document) (drawn []int, problems []string, err error) {
	root, err := doc.Ctx.Catalog()
	if err != nil {
		return nil, nil, fmt.Errorf("catalog: %w", err)
	}
	acro, _ := doc.Ctx.DereferenceDict(root["AcroForm"])
	drawn = make([]int, doc.NumPages())
	for i := 0; i < doc.NumPages(); i++ {
		n, probs, err := flattenPage(doc, i, acro)
		if err != nil {
			return nil, nil, fmt.Errorf("page %d: form fields: %w", i+1, err)
		}
		drawn[i] = n
		problems = append(problems, probs...)
	}
	delete(root, "AcroForm")
	return drawn, problems, nil
}

// flattenPage draws the widgets of page i and takes them off it.
func flattenPage(doc *ingest.Document, i int, acro types.Dict) (int, []string, error) {
	page := doc.Page(i).Dict
	annots, err := doc.Ctx.DereferenceArray(page["Annots"])
	if err != nil || len(annots) == 0 {
		return 0, nil, nil
	}
	var keep types.Array
	var draw bytes.Buffer
	xobjs := types.Dict{}
	var problems []string
	for _, o := range annots {
		d, err := doc.Ctx.DereferenceDict(o)
		if err != nil || d == nil || d.Subtype() == nil || *d.Subtype() != "Widget" {
			keep = append(keep, o)
			continue
		}
		flags, _ := doc.Ctx.DereferenceInteger(d["F"])
		if flags != nil && flags.Value()&(annotHidden|annotNoView) != 0 {
			continue // never shown: it goes without a trace
		}
		rect, ok := rectOf(doc, d["Rect"])
		if !ok || rect[2]-rect[0] <= 0 || rect[3]-rect[1] <= 0 {
			continue
		}
		ap, err := appearance(doc, d, acro, rect)
		if err != nil {
			problems = append(problems, fmt.Sprintf("page %d: a form field's appearance could not be drawn (%v); the field was removed", i+1, err))
			continue
		}
		if ap == nil {
			continue // nothing to show
		}
		m, ok := fitMatrix(doc, ap, rect)
		if !ok {
			continue
		}
		name := fmt.Sprintf("RGField%d", len(xobjs)+1)
		xobjs[name] = *ap
		f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
		fmt.Fprintf(&draw, "q %s %s %s %s %s %s cm /%s Do Q\n", f(m[0]), f(m[1]), f(m[2]), f(m[3]), f(m[4]), f(m[5]), name)
	}
	if len(keep) == len(annots) {
		return 0, nil, nil
	}
	if len(keep) == 0 {
		delete(page, "Annots")
	} else {
		page["Annots"] = keep
	}
	if len(xobjs) == 0 {
		return 0, problems, nil
	}
	if err := addXObjects(doc, i, xobjs); err != nil {
		return 0, nil, err
	}
	if err := appendContent(doc, page, draw.Bytes()); err != nil {
		return 0, nil, err
	}
	return len(xobjs), problems, nil
}

// appearance returns a reference to the widget's normal appearance stream:
// its /AP /N, the state /AS picks when /N holds several, or for a text or
// choice field without one, an appearance made from its value. nil means
// the widget shows nothing.
func appearance(doc *ingest.Document, w, acro types.Dict, rect [4]float64) (*types.IndirectRef, error) {
	if ap, _ := doc.Ctx.DereferenceDict(w["AP"]); ap != nil {
		n := ap["N"]
		switch v := n.(type) {
		case types.IndirectRef:
			o, err := doc.Ctx.Dereference(v)
			if err != nil {
				return nil, err
			}
			switch st := o.(type) {
			case types.StreamDict:
				return &v, nil
			case types.Dict:
				return stateAppearance(doc, w, st)
			}
			return nil, nil
		case types.Dict:
			return stateAppearance(doc, w, v)
		}
	}
	ft := inherited(doc, w, "FT")
	if ft == nil || (ft.String() != "Tx" && ft.String() != "Ch") {
		return nil, nil
	}
	value := fieldText(doc, inherited(doc, w, "V"))
	if strings.TrimSpace(value) == "" {
		return nil, nil
	}
	return textAppearance(doc, w, acro, rect, value)
}

// stateAppearance picks the appearance of the widget's current state.
func stateAppearance(doc *ingest.Document, w, states types.Dict) (*types.IndirectRef, error) {
	o, _ := doc.Ctx.Dereference(w["AS"])
	as, ok := o.(types.Name)
	if !ok {
		return nil, nil
	}
	ir, ok := states[as.Value()].(types.IndirectRef)
	if !ok {
		return nil, nil
	}
	if sd, _, err := doc.Ctx.DereferenceStreamDict(ir); err != nil || sd == nil {
		return nil, err
	}
	return &ir, nil
}

// inherited looks key up on a field and its parents.
func inherited(doc *ingest.Document, d types.Dict, key string) types.Object {
	for depth := 0; d != nil && depth < 32; depth++ {
		if v, ok := d[key]; ok {
			o, err := doc.Ctx.Dereference(v)
			if err != nil {
				return nil
			}
			return o
		}
		d, _ = doc.Ctx.DereferenceDict(d["Parent"])
	}
	return nil
}

// fieldText returns a field value as text: a string, or the first of an
// array of choices.
func fieldText(doc *ingest.Document, o types.Object) string {
	switch v := o.(type) {
	case types.StringLiteral:
		s, err := types.StringLiteralToString(v)
		if err == nil {
			return decodeTextString(s)
		}
	case types.HexLiteral:
		b, err := v.Bytes()
		if err == nil {
			return decodeTextString(string(b))
		}
	case types.Array:
		var parts []string
		for _, e := range v {
			if o, err := doc.Ctx.Dereference(e); err == nil {
				parts = append(parts, fieldText(doc, o))
			}
		}
		return strings.Join(parts, ", ")
	}
	return ""
}

// decodeTextString decodes a PDF text string: UTF-16BE after a byte order
// mark, else (close enough for a value) Latin-1.
func decodeTextString(s string) string {
	b := []byte(s)
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, 0, len(b)/2)
		for k := 2; k+1 < len(b); k += 2 {
			u = append(u, uint16(b[k])<<8|uint16(b[k+1]))
		}
		return string(utf16.Decode(u))
	}
	r := make([]rune, len(b))
	for k, c := range b {
		r[k] = rune(c)
	}
	return string(r)
}

// textAppearance makes the appearance a viewer would show for a text
// field's value: Helvetica in WinAnsi encoding at the field's size (or
// one that fits), a line per line of the value.
func textAppearance(doc *ingest.Document, w, acro types.Dict, rect [4]float64, value string) (*types.IndirectRef, error) {
	wd, ht := rect[2]-rect[0], rect[3]-rect[1]
	size := daSize(doc, w, acro)
	lines := strings.FieldsFunc(value, func(r rune) bool { return r == '\r' || r == '\n' })
	if size <= 0 {
		size = math.Min(12, ht/float64(len(lines))*0.8)
	}
	var b bytes.Buffer
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	fmt.Fprintf(&b, "/Tx BMC q 1 1 %s %s re W n BT /Helv %s Tf 0 g %s TL 2 %s Td\n",
		f(wd-2), f(ht-2), f(size), f(size*1.15), f(ht-2-size))
	for k, l := range lines {
		if k > 0 {
			b.WriteString("T* ")
		}
		b.WriteString(winAnsiLiteral(l))
		b.WriteString(" Tj\n")
	}
	b.WriteString("ET Q EMC\n")
	font := types.Dict{"Type": types.Name("Font"), "Subtype": types.Name("Type1"),
		"BaseFont": types.Name("Helvetica"), "Encoding": types.Name("WinAnsiEncoding")}
	sd, err := doc.Ctx.NewStreamDictForBuf(b.Bytes())
	if err != nil {
		return nil, err
	}
	sd.Dict["Type"] = types.Name("XObject")
	sd.Dict["Subtype"] = types.Name("Form")
	sd.Dict["BBox"] = types.Array{types.Float(0), types.Float(0), types.Float(wd), types.Float(ht)}
	sd.Dict["Resources"] = types.Dict{"Font": types.Dict{"Helv": font}}
	if err := sd.Encode(); err != nil {
		return nil, err
	}
	return doc.Ctx.IndRefForNewObject(*sd)
}

// daSize reads the font size from a field's default appearance string
// ("/Helv 10 Tf 0 g"); 0 means auto.
func daSize(doc *ingest.Document, w, acro types.Dict) float64 {
	da := inherited(doc, w, "DA")
	if da == nil && acro != nil {
		da, _ = doc.Ctx.Dereference(acro["DA"])
	}
	s := fieldText(doc, da)
	fs := strings.Fields(s)
	for k := 1; k < len(fs); k++ {
		if fs[k] == "Tf" {
			v, err := strconv.ParseFloat(fs[k-1], 64)
			if err == nil && v > 0 && v < 200 {
				return v
			}
			return 0
		}
	}
	return 0
}

// winAnsiLiteral writes s as a PDF string in WinAnsi encoding; what the
// encoding cannot hold becomes '?'.
func winAnsiLiteral(s string) string {
	var b strings.Builder
	b.WriteByte('(')
	for _, r := range s {
		c := byte('?')
		switch {
		case r >= 0x20 && r < 0x7F, r >= 0xA0 && r <= 0xFF:
			c = byte(r)
		case r == '\u2019':
			c = 0x92
		case r == '\u2018':
			c = 0x91
		case r == '\u2013':
			c = 0x96
		case r == '\u2014':
			c = 0x97
		case r == '\u20AC':
			c = 0x80
		}
		switch c {
		case '(', ')', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			if c < 0x20 || c >= 0x7F {
				fmt.Fprintf(&b, "\\%03o", c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte(')')
	return b.String()
}

// fitMatrix returns the matrix that maps appearance ap's bounding box, as
// transformed by its /Matrix, onto rect (PDF 32000-1 §12.5.5).
func fitMatrix(doc *ingest.Document, ap *types.IndirectRef, rect [4]float64) ([6]float64, bool) {
	sd, _, err := doc.Ctx.DereferenceStreamDict(*ap)
	if err != nil || sd == nil {
		return [6]float64{}, false
	}
	bbox, ok := rectOf(doc, sd.Dict["BBox"])
	if !ok {
		return [6]float64{}, false
	}
	mat := [6]float64{1, 0, 0, 1, 0, 0}
	if a, err := doc.Ctx.DereferenceArray(sd.Dict["Matrix"]); err == nil && len(a) == 6 {
		for k, v := range a {
			if f, err := doc.Ctx.DereferenceNumber(v); err == nil {
				mat[k] = f
			}
		}
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range [4][2]float64{{bbox[0], bbox[1]}, {bbox[2], bbox[1]}, {bbox[2], bbox[3]}, {bbox[0], bbox[3]}} {
		x := mat[0]*p[0] + mat[2]*p[1] + mat[4]
		y := mat[1]*p[0] + mat[3]*p[1] + mat[5]
		x0, y0, x1, y1 = math.Min(x0, x), math.Min(y0, y), math.Max(x1, x), math.Max(y1, y)
	}
	if x1-x0 < 1e-6 || y1-y0 < 1e-6 {
		return [6]float64{}, false
	}
	sx, sy := (rect[2]-rect[0])/(x1-x0), (rect[3]-rect[1])/(y1-y0)
	return [6]float64{sx, 0, 0, sy, rect[0] - x0*sx, rect[1] - y0*sy}, true
}

// addXObjects gives page i resources of its own with xobjs added to its
// XObject dictionary (the shared or inherited ones stay as they were).
func addXObjects(doc *ingest.Document, i int, xobjs types.Dict) error {
	page := doc.Page(i)
	res := types.Dict{}
	if rd, err := doc.Ctx.DereferenceDict(page.Resources); err == nil && rd != nil {
		for k, v := range rd {
			res[k] = v
		}
	}
	xo := types.Dict{}
	if old, err := doc.Ctx.DereferenceDict(res["XObject"]); err == nil && old != nil {
		for k, v := range old {
			xo[k] = v
		}
	}
	for k, v := range xobjs {
		if _, taken := xo[k]; taken {
			return fmt.Errorf("resource name %s is taken", k)
		}
		xo[k] = v
	}
	res["XObject"] = xo
	page.Dict["Resources"] = res
	return nil
}

// appendContent draws ops after the page's own content, in a graphics
// state of their own: the page's content is wrapped in q … Q.
func appendContent(doc *ingest.Document, page types.Dict, ops []byte) error {
	var streams types.Array
	if c, ok := page["Contents"]; ok {
		o, err := doc.Ctx.Dereference(c)
		if err != nil {
			return err
		}
		switch v := o.(type) {
		case types.Array:
			streams = append(streams, v...)
		case types.StreamDict:
			streams = append(streams, c)
		}
	}
	newStream := func(b []byte) (types.Object, error) {
		sd, err := doc.Ctx.NewStreamDictForBuf(b)
		if err != nil {
			return nil, err
		}
		if err := sd.Encode(); err != nil {
			return nil, err
		}
		ref, err := doc.Ctx.IndRefForNewObject(*sd)
		if err != nil {
			return nil, err
		}
		return *ref, nil
	}
	head, err := newStream([]byte("q\n"))
	if err != nil {
		return err
	}
	tail, err := newStream(append([]byte("\nQ\n"), ops...))
	if err != nil {
		return err
	}
	page["Contents"] = append(append(types.Array{head}, streams...), tail)
	return nil
}
