package redact

import (
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// destLine is how far below a destination's top edge the text it points
// at is taken to reach: about two lines of body text.
const destLine = 24.0

// removeLinksInto takes off every page the link annotations whose
// destination lies in a redacted area, since following one would show
// where removed text was and what surrounds it. boxes holds each page's
// boxes (page space), media each page's MediaBox. It returns the links
// removed per page.
func removeLinksInto(doc *ingest.Document, boxes [][][4]Point, media [][4]float64) []int {
	removed := make([]int, doc.NumPages())
	any := false
	for _, b := range boxes {
		any = any || len(b) > 0
	}
	if !any {
		return removed
	}
	dests := namedDests(doc)
	for i := 0; i < doc.NumPages(); i++ {
		page := doc.Page(i).Dict
		arr, err := doc.Ctx.DereferenceArray(page["Annots"])
		if err != nil || len(arr) == 0 {
			continue
		}
		var keep types.Array
		for _, o := range arr {
			d, err := doc.Ctx.DereferenceDict(o)
			if err == nil && d != nil && d.Subtype() != nil && *d.Subtype() == "Link" {
				if pg, region, ok := linkTarget(doc, d, dests); ok && pg < len(boxes) && hitsBox(region, boxes[pg], media[pg]) {
					removed[i]++
					continue
				}
			}
			keep = append(keep, o)
		}
		if removed[i] > 0 {
			page["Annots"] = keep
		}
	}
	return removed
}

// hitsBox reports whether region (default user space) overlaps a box.
func hitsBox(region [4]float64, boxes [][4]Point, media [4]float64) bool {
	r := [4]float64{region[0] - media[0], region[1] - media[1], region[2] - media[0], region[3] - media[1]}
	for _, q := range boxes {
		b := text.Quad(q).Bounds()
		if min(b[2], r[2]) > max(b[0], r[0]) && min(b[3], r[3]) > max(b[1], r[1]) {
			return true
		}
	}
	return false
}

// linkTarget returns the page (0-based) and region a link goes to. A
// destination that shows a whole page has no region and is not reported.
func linkTarget(doc *ingest.Document, link types.Dict, named map[string]types.Object) (int, [4]float64, bool) {
	dest := link["Dest"]
	if a, _ := doc.Ctx.DereferenceDict(link["A"]); a != nil {
		if s, _ := doc.Ctx.Dereference(a["S"]); s != nil && s.String() == "GoTo" {
			dest = a["D"]
		}
	}
	arr := resolveDest(doc, dest, named)
	if len(arr) < 2 {
		return 0, [4]float64{}, false
	}
	ir, ok := arr[0].(types.IndirectRef)
	if !ok {
		return 0, [4]float64{}, false
	}
	pg, ok := doc.PageIndex(ir.ObjectNumber.Value())
	if !ok {
		return 0, [4]float64{}, false
	}
	num := func(k int, def float64) float64 {
		if k >= len(arr) {
			return def
		}
		f, err := doc.Ctx.DereferenceNumber(arr[k])
		if err != nil {
			return def
		}
		return f
	}
	const far = 1e6
	kind, _ := doc.Ctx.Dereference(arr[1])
	switch kind.String() {
	case "XYZ":
		left, top := num(2, -far), num(3, far)
		return pg, [4]float64{left, top - destLine, far, top + 2}, true
	case "FitH", "FitBH":
		top := num(2, far)
		return pg, [4]float64{-far, top - destLine, far, top + 2}, true
	case "FitR":
		return pg, normRect([4]float64{num(2, 0), num(3, 0), num(4, 0), num(5, 0)}), true
	}
	return 0, [4]float64{}, false
}

// resolveDest follows a destination given by name or string, or wrapped in
// a dictionary's /D, to its array.
func resolveDest(doc *ingest.Document, dest types.Object, named map[string]types.Object) types.Array {
	for depth := 0; depth < 4 && dest != nil; depth++ {
		o, err := doc.Ctx.Dereference(dest)
		if err != nil || o == nil {
			return nil
		}
		switch v := o.(type) {
		case types.Array:
			return v
		case types.Dict:
			dest = v["D"]
		case types.Name:
			dest = named[v.Value()]
		case types.StringLiteral, types.HexLiteral:
			s, err := types.StringOrHexLiteral(v)
			if err != nil {
				return nil
			}
			dest = named[*s]
		default:
			return nil
		}
	}
	return nil
}

// namedDests collects the document's named destinations: the catalog's
// /Dests dictionary and the /Dests name tree, within bounds.
func namedDests(doc *ingest.Document) map[string]types.Object {
	out := map[string]types.Object{}
	root, err := doc.Ctx.Catalog()
	if err != nil {
		return out
	}
	if d, _ := doc.Ctx.DereferenceDict(root["Dests"]); d != nil {
		for k, v := range d {
			out[k] = v
		}
	}
	names, _ := doc.Ctx.DereferenceDict(root["Names"])
	if names == nil {
		return out
	}
	budget := 100000
	var walk func(o types.Object, depth int)
	walk = func(o types.Object, depth int) {
		node, _ := doc.Ctx.DereferenceDict(o)
		if node == nil || depth > 32 || budget <= 0 {
			return
		}
		budget--
		if kv, _ := doc.Ctx.DereferenceArray(node["Names"]); kv != nil {
			for k := 0; k+1 < len(kv); k += 2 {
				key, _ := doc.Ctx.Dereference(kv[k])
				if s, err := types.StringOrHexLiteral(key); err == nil && s != nil {
					out[*s] = kv[k+1]
				}
			}
		}
		if kids, _ := doc.Ctx.DereferenceArray(node["Kids"]); kids != nil {
			for _, kid := range kids {
				walk(kid, depth+1)
			}
		}
	}
	walk(names["Dests"], 0)
	return out
}
