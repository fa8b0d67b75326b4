package stamp

import (
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
)

// geometry is what of a page's boxes and rotation the footer needs.
type geometry struct {
	crop   [4]float64 // the visible area, in default user space, normalised
	rotate int        // 0, 90, 180 or 270: clockwise turn when displayed
}

// maxInherit bounds the page tree levels searched for inherited attributes.
const maxInherit = 64

// pageGeometry reads the crop box (clipped to the media box, as viewers
// clip it; the media box when absent or empty) and the rotation of a
// page, inherited through the page tree as §7.7.3.4 allows.
func pageGeometry(doc *ingest.Document, page types.Dict) geometry {
	media, ok := rect(doc, inherited(doc, page, "MediaBox"))
	if !ok || media[2]-media[0] <= 0 || media[3]-media[1] <= 0 {
		media = [4]float64{0, 0, 612, 792} // US Letter, as readers assume
	}
	g := geometry{crop: media}
	if c, ok := rect(doc, inherited(doc, page, "CropBox")); ok {
		c = [4]float64{max(c[0], media[0]), max(c[1], media[1]), min(c[2], media[2]), min(c[3], media[3])}
		if c[2] > c[0] && c[3] > c[1] {
			g.crop = c
		}
	}
	if r, ok := num(doc, inherited(doc, page, "Rotate")); ok {
		g.rotate = ((int(r)%360 + 360) % 360) / 90 * 90
	}
	return g
}

// displaySize returns the page's width and height as displayed.
func (g geometry) displaySize() (w, h float64) {
	w, h = g.crop[2]-g.crop[0], g.crop[3]-g.crop[1]
	if g.rotate == 90 || g.rotate == 270 {
		w, h = h, w
	}
	return w, h
}

// displayToUser returns the matrix (for cm) that maps display space —
// origin at the lower-left corner of the page as displayed, x to the
// right, y up — to default user space.
func (g geometry) displayToUser() [6]float64 {
	x0, y0, x1, y1 := g.crop[0], g.crop[1], g.crop[2], g.crop[3]
	switch g.rotate {
	case 90: // the user space's right edge is at the bottom
		return [6]float64{0, 1, -1, 0, x1, y0}
	case 180:
		return [6]float64{-1, 0, 0, -1, x1, y1}
	case 270: // the user space's left edge is at the bottom
		return [6]float64{0, -1, 1, 0, x0, y1}
	}
	return [6]float64{1, 0, 0, 1, x0, y0}
}

// inherited finds key in the page dictionary or its ancestors.
func inherited(doc *ingest.Document, page types.Dict, key string) types.Object {
	d := page
	for range maxInherit {
		if d == nil {
			return nil
		}
		if v, ok := d[key]; ok {
			o, err := doc.Ctx.Dereference(v)
			if err != nil {
				return nil
			}
			return o
		}
		p, err := doc.Ctx.DereferenceDict(d["Parent"])
		if err != nil {
			return nil
		}
		d = p
	}
	return nil
}

// rect reads a rectangle, normalised: any two opposite corners may be
// given (§7.9.5).
func rect(doc *ingest.Document, o types.Object) ([4]float64, bool) {
	a, ok := o.(types.Array)
	if !ok || len(a) != 4 {
		return [4]float64{}, false
	}
	var r [4]float64
	for i, v := range a {
		n, ok := num(doc, v)
		if !ok {
			return [4]float64{}, false
		}
		r[i] = n
	}
	if r[0] > r[2] {
		r[0], r[2] = r[2], r[0]
	}
	if r[1] > r[3] {
		r[1], r[3] = r[3], r[1]
	}
	return r, true
}

func num(doc *ingest.Document, o types.Object) (float64, bool) {
	v, err := doc.Ctx.Dereference(o)
	if err != nil {
		return 0, false
	}
	switch n := v.(type) {
	case types.Integer:
		return float64(n), true
	case types.Float:
		return float64(n), true
	}
	return 0, false
}
