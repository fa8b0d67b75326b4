package text

import (
	"fmt"
	"math"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/content"
)

// geometry is a page's boxes and rotation, inherited through the page tree.
type geometry struct {
	media, crop [4]float64
	rotate      int
	// display maps default user space to display space: rotated so that
	// the page reads upright, origin at the crop box's lower-left. Reading
	// order is worked out there.
	display matrix
}

const maxInherit = 64 // page tree levels searched for inherited attributes

// inherited finds key in the page dictionary or its ancestors.
func (e *Extractor) inherited(page types.Dict, key string) types.Object {
	d := page
	for range maxInherit {
		if d == nil {
			return nil
		}
		if v, ok := d[key]; ok {
			o, err := e.doc.Ctx.Dereference(v)
			if err == nil {
				return o
			}
			return nil
		}
		p, err := e.doc.Ctx.DereferenceDict(d["Parent"])
		if err != nil {
			return nil
		}
		d = p
	}
	return nil
}

func (e *Extractor) rect(o types.Object) ([4]float64, bool) {
	a, ok := o.(types.Array)
	if !ok || len(a) != 4 {
		return [4]float64{}, false
	}
	var r [4]float64
	for i, v := range a {
		n, ok := e.num(v)
		if !ok {
			return [4]float64{}, false
		}
		r[i] = n
	}
	// Normalise: any two opposite corners may be given (§7.9.5).
	if r[0] > r[2] {
		r[0], r[2] = r[2], r[0]
	}
	if r[1] > r[3] {
		r[1], r[3] = r[3], r[1]
	}
	return r, true
}

func (e *Extractor) num(o types.Object) (float64, bool) {
	v, err := e.doc.Ctx.Dereference(o)
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

func (e *Extractor) geometry(page types.Dict) geometry {
	var g geometry
	var ok bool
	if g.media, ok = e.rect(e.inherited(page, "MediaBox")); !ok || g.media[2]-g.media[0] <= 0 || g.media[3]-g.media[1] <= 0 {
		g.media = [4]float64{0, 0, 612, 792} // US Letter, as readers assume
	}
	g.crop = g.media
	if c, ok := e.rect(e.inherited(page, "CropBox")); ok {
		// The crop box is clipped to the media box (§14.11.2).
		c = [4]float64{max(c[0], g.media[0]), max(c[1], g.media[1]), min(c[2], g.media[2]), min(c[3], g.media[3])}
		if c[2] > c[0] && c[3] > c[1] {
			g.crop = c
		}
	}
	if r, ok := e.num(e.inherited(page, "Rotate")); ok {
		g.rotate = ((int(r)%360 + 360) % 360) / 90 * 90
	}
	// Display space: translate the crop box to the origin, then rotate
	// clockwise by /Rotate.
	c := g.crop
	w, h := c[2]-c[0], c[3]-c[1]
	t := matrix{1, 0, 0, 1, -c[0], -c[1]}
	var r matrix
	switch g.rotate {
	case 90:
		r = matrix{0, -1, 1, 0, 0, w}
	case 180:
		r = matrix{-1, 0, 0, -1, w, h}
	case 270:
		r = matrix{0, 1, -1, 0, h, 0}
	default:
		r = identity
	}
	g.display = t.mul(r)
	return g
}

func (e *Extractor) resources(o types.Object) (types.Dict, error) {
	if o == nil {
		return nil, nil
	}
	d, err := e.doc.Ctx.DereferenceDict(o)
	if err != nil {
		return nil, fmt.Errorf("resources: %w", err)
	}
	return d, nil
}

// form is a parsed form XObject.
type form struct {
	ops     []content.Op
	matrix  matrix
	bbox    [4]float64
	hasBBox bool
	res     types.Dict // nil: the resources of whatever paints it
}

// loadForm parses the form XObject objNr (or the direct stream o) once.
func (e *Extractor) loadForm(o types.Object, objNr int) (*form, error) {
	if f, ok := e.forms[objNr]; ok && objNr > 0 {
		return f, nil
	}
	data, sd, err := e.doc.Stream(o, e.lim.MaxStreamBytes)
	if err != nil {
		return nil, err
	}
	if sd == nil {
		return nil, fmt.Errorf("form XObject %d is missing", objNr)
	}
	ops, err := content.Parse(data, content.Limits{MaxOps: e.lim.MaxOps, MaxDepth: e.lim.MaxDepth})
	if err != nil {
		return nil, err
	}
	f := &form{ops: ops, matrix: identity}
	if m, ok := e.doc.Ctx.Dereference(sd.Dict["Matrix"]); ok == nil {
		if a, isArr := m.(types.Array); isArr && len(a) == 6 {
			var mm matrix
			good := true
			for i, v := range a {
				n, ok := e.num(v)
				good = good && ok
				mm[i] = n
			}
			if good {
				f.matrix = mm
			}
		}
	}
	if bb, err := e.doc.Ctx.Dereference(sd.Dict["BBox"]); err == nil {
		f.bbox, f.hasBBox = e.rect(bb)
	}
	if r, ok := sd.Dict["Resources"]; ok {
		if d, err := e.doc.Ctx.DereferenceDict(r); err == nil && d != nil {
			f.res = d
		}
	}
	if objNr > 0 {
		e.forms[objNr] = f
	}
	return f, nil
}

// matrix is an affine transformation [a b c d e f] (§8.3.4).
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n: first m, then n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func (m matrix) apply(x, y float64) Point {
	return Point{x*m[0] + y*m[2] + m[4], x*m[1] + y*m[3] + m[5]}
}

// vec transforms a vector (no translation).
func (m matrix) vec(x, y float64) Point {
	return Point{x*m[0] + y*m[2], x*m[1] + y*m[3]}
}

func (m matrix) finite() bool {
	for _, v := range m {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
