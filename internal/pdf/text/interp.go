package text

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/content"
	"github.com/releasegate/releasegate/internal/pdf/font"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
)

// gstate is the part of the graphics state text extraction needs.
type gstate struct {
	ctm  matrix
	clip [4]float64 // bounds of the clipping region in user space
	// text state (§9.3)
	tc, tw, th, tl, ts float64
	font               *font.Font
	fontName           string
	size               float64
	render             int
	// colours, as far as text visibility needs them
	fill, stroke paint
	lineWidth    float64
}

// paint is a colour reduced to what visibility needs: whether it is white.
// Colours in spaces other than the device ones are taken as not white.
type paint struct {
	space string // "DeviceGray", "DeviceRGB", "DeviceCMYK" or other
	white bool
}

var black = paint{space: "DeviceGray"}

// setColour reads the operands of g, rg, k, sc or scn in space.
func setColour(space string, op *content.Op) paint {
	p := paint{space: space}
	var n int
	switch space {
	case "DeviceGray":
		n = 1
	case "DeviceRGB":
		n = 3
	case "DeviceCMYK":
		n = 4
	default:
		return p
	}
	v, ok := nums(op, n)
	if !ok || len(op.Operands) != n {
		return p
	}
	p.white = true
	for _, x := range v {
		if space == "DeviceCMYK" {
			p.white = p.white && x <= 0
		} else {
			p.white = p.white && x >= 1
		}
	}
	return p
}

// maxPainted bounds the areas remembered per page for the white-text
// check; beyond it, white text counts as visible (the safe answer is the
// one that still shows it to the reader of the report).
const maxPainted = 10000

// interp interprets the content of one page.
type interp struct {
	ctx       context.Context
	e         *Extractor
	geo       geometry
	gs        gstate
	stack     []gstate
	tm, tlm   matrix
	path      [4]float64 // bounds of the current path in user space
	hasPath   bool
	clipNext  bool // W or W* seen: the path ends by clipping
	ops       int
	glyphs    []Glyph
	painted   [][4]float64 // user-space boxes painted in a colour other than white
	images    []Image
	paths     []Path
	forms     []int // form XObjects run, in first-run order
	formSeen  map[int]bool
	pathSrc   Source // where the current path began (Op -1: none)
	saturated bool   // painted reached maxPainted
	problems  []string
	seen      map[string]bool // problems already reported
	active    map[int]bool    // forms being run, to stop cycles
}

var everywhere = [4]float64{math.Inf(-1), math.Inf(-1), math.Inf(1), math.Inf(1)}

func newInterp(ctx context.Context, e *Extractor, geo geometry) *interp {
	return &interp{
		ctx: ctx, e: e, geo: geo,
		gs:       gstate{ctm: identity, clip: everywhere, th: 1, fill: black, stroke: black, lineWidth: 1},
		pathSrc:  Source{Op: -1},
		formSeen: map[int]bool{},
		tm:       identity,
		tlm:      identity,
		seen:     map[string]bool{},
		active:   map[int]bool{},
	}
}

func (in *interp) problem(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if !in.seen[s] {
		in.seen[s] = true
		in.problems = append(in.problems, s)
	}
}

// run interprets ops with resources res; formNr is the form's object
// number (0 for the page) and depth its nesting.
func (in *interp) run(ops []content.Op, res types.Dict, formNr, depth int) error {
	for i := range ops {
		op := &ops[i]
		in.ops++
		if in.ops > in.e.lim.MaxOps {
			return fmt.Errorf("%w: more than %d operators", ErrLimit, in.e.lim.MaxOps)
		}
		if in.ops&4095 == 0 {
			if err := in.ctx.Err(); err != nil {
				return err
			}
		}
		if err := in.do(op, res, formNr, i, depth); err != nil {
			return err
		}
	}
	return nil
}

func nums(op *content.Op, n int) ([]float64, bool) {
	if len(op.Operands) < n {
		return nil, false
	}
	out := make([]float64, n)
	base := len(op.Operands) - n
	for i := range n {
		o := op.Operands[base+i]
		if o.Kind != content.KindNumber || math.IsNaN(o.Num) || math.IsInf(o.Num, 0) {
			return nil, false
		}
		out[i] = o.Num
	}
	return out, true
}

func (in *interp) do(op *content.Op, res types.Dict, formNr, idx, depth int) error {
	gs := &in.gs
	switch op.Operator {
	case "q":
		if len(in.stack) < 4096 {
			in.stack = append(in.stack, in.gs)
		}
	case "Q":
		if n := len(in.stack); n > 0 {
			in.gs = in.stack[n-1]
			in.stack = in.stack[:n-1]
		}
	case "cm":
		if v, ok := nums(op, 6); ok {
			m := matrix{v[0], v[1], v[2], v[3], v[4], v[5]}
			gs.ctm = m.mul(gs.ctm)
		}
	case "BT":
		in.tm, in.tlm = identity, identity
	case "ET":
	case "Tc":
		if v, ok := nums(op, 1); ok {
			gs.tc = v[0]
		}
	case "Tw":
		if v, ok := nums(op, 1); ok {
			gs.tw = v[0]
		}
	case "Tz":
		if v, ok := nums(op, 1); ok {
			gs.th = v[0] / 100
		}
	case "TL":
		if v, ok := nums(op, 1); ok {
			gs.tl = v[0]
		}
	case "Ts":
		if v, ok := nums(op, 1); ok {
			gs.ts = v[0]
		}
	case "Tr":
		if v, ok := nums(op, 1); ok && v[0] >= 0 && v[0] <= 7 {
			gs.render = int(v[0])
		}
	case "Tf":
		if len(op.Operands) >= 2 && op.Operands[0].Kind == content.KindName {
			if v, ok := nums(op, 1); ok {
				gs.size = v[0]
			}
			name := string(op.Operands[0].Bytes)
			gs.fontName = name
			gs.font = in.loadFont(res, name)
		}
	case "Td":
		if v, ok := nums(op, 2); ok {
			in.tlm = matrix{1, 0, 0, 1, v[0], v[1]}.mul(in.tlm)
			in.tm = in.tlm
		}
	case "TD":
		if v, ok := nums(op, 2); ok {
			gs.tl = -v[1]
			in.tlm = matrix{1, 0, 0, 1, v[0], v[1]}.mul(in.tlm)
			in.tm = in.tlm
		}
	case "Tm":
		if v, ok := nums(op, 6); ok {
			in.tlm = matrix{v[0], v[1], v[2], v[3], v[4], v[5]}
			in.tm = in.tlm
		}
	case "T*":
		in.nextLine()
	case "Tj":
		if n := len(op.Operands); n > 0 && op.Operands[n-1].Kind == content.KindString {
			in.show(op.Operands[n-1].Bytes, Source{Form: formNr, Op: idx})
		}
	case "'":
		in.nextLine()
		if n := len(op.Operands); n > 0 && op.Operands[n-1].Kind == content.KindString {
			in.show(op.Operands[n-1].Bytes, Source{Form: formNr, Op: idx})
		}
	case "\"":
		if n := len(op.Operands); n >= 3 && op.Operands[n-1].Kind == content.KindString {
			if v, ok := nums(&content.Op{Operands: op.Operands[n-3 : n-1]}, 2); ok {
				gs.tw, gs.tc = v[0], v[1]
			}
			in.nextLine()
			in.show(op.Operands[n-1].Bytes, Source{Form: formNr, Op: idx})
		}
	case "TJ":
		if n := len(op.Operands); n > 0 && op.Operands[n-1].Kind == content.KindArray {
			for k, el := range op.Operands[n-1].Array {
				switch el.Kind {
				case content.KindString:
					in.show(el.Bytes, Source{Form: formNr, Op: idx, Elem: k})
				case content.KindNumber:
					in.adjust(el.Num)
				}
			}
		}
	case "m", "l":
		if v, ok := nums(op, 2); ok {
			in.startPath(formNr, idx)
			in.addPoint(v[0], v[1])
		}
	case "c":
		if v, ok := nums(op, 6); ok {
			in.addPoint(v[0], v[1])
			in.addPoint(v[2], v[3])
			in.addPoint(v[4], v[5])
		}
	case "v", "y":
		if v, ok := nums(op, 4); ok {
			in.addPoint(v[0], v[1])
			in.addPoint(v[2], v[3])
		}
	case "re":
		if v, ok := nums(op, 4); ok {
			in.startPath(formNr, idx)
			in.addPoint(v[0], v[1])
			in.addPoint(v[0]+v[2], v[1])
			in.addPoint(v[0]+v[2], v[1]+v[3])
			in.addPoint(v[0], v[1]+v[3])
		}
	case "w":
		if v, ok := nums(op, 1); ok && v[0] >= 0 {
			gs.lineWidth = v[0]
		}
	case "W", "W*":
		in.clipNext = true
	case "g":
		gs.fill = setColour("DeviceGray", op)
	case "G":
		gs.stroke = setColour("DeviceGray", op)
	case "rg":
		gs.fill = setColour("DeviceRGB", op)
	case "RG":
		gs.stroke = setColour("DeviceRGB", op)
	case "k":
		gs.fill = setColour("DeviceCMYK", op)
	case "K":
		gs.stroke = setColour("DeviceCMYK", op)
	case "cs":
		if n := len(op.Operands); n > 0 && op.Operands[n-1].Kind == content.KindName {
			gs.fill = paint{space: string(op.Operands[n-1].Bytes)}
		}
	case "CS":
		if n := len(op.Operands); n > 0 && op.Operands[n-1].Kind == content.KindName {
			gs.stroke = paint{space: string(op.Operands[n-1].Bytes)}
		}
	case "sc", "scn":
		gs.fill = setColour(gs.fill.space, op)
	case "SC", "SCN":
		gs.stroke = setColour(gs.stroke.space, op)
	case "sh":
		in.paintArea(gs.clip)
	case "BI":
		in.image(Image{Source: Source{Form: formNr, Op: idx}, Inline: true})
	case "n", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*":
		if in.hasPath {
			box := in.path
			switch op.Operator {
			case "f", "F", "f*":
				if !gs.fill.white {
					in.paintArea(box)
				}
			case "S", "s", "B", "B*", "b", "b*":
				// A stroke reaches half the line width beyond the path.
				m := gs.ctm
				h := gs.lineWidth / 2 * math.Sqrt(math.Abs(m[0]*m[3]-m[1]*m[2]))
				box = [4]float64{box[0] - h, box[1] - h, box[2] + h, box[3] + h}
				if !gs.fill.white || !gs.stroke.white {
					in.paintArea(box)
				}
			}
			if op.Operator != "n" && in.pathSrc.Op >= 0 && len(in.paths) < maxPainted {
				mb := in.geo.media
				in.paths = append(in.paths, Path{
					Box:   [4]float64{box[0] - mb[0], box[1] - mb[1], box[2] - mb[0], box[3] - mb[1]},
					First: in.pathSrc, Paint: Source{Form: formNr, Op: idx},
					Clip: in.clipNext,
				})
			}
		}
		in.pathSrc = Source{Op: -1}
		if in.clipNext {
			c := gs.clip
			if in.hasPath {
				c = [4]float64{max(c[0], in.path[0]), max(c[1], in.path[1]), min(c[2], in.path[2]), min(c[3], in.path[3])}
			} else {
				c = [4]float64{0, 0, 0, 0} // an empty clipping path hides everything
			}
			gs.clip = c
		}
		in.hasPath, in.clipNext = false, false
	case "Do":
		if len(op.Operands) > 0 && op.Operands[0].Kind == content.KindName {
			return in.xobject(res, string(op.Operands[0].Bytes), formNr, idx, depth)
		}
	}
	return nil
}

func (in *interp) nextLine() {
	in.tlm = matrix{1, 0, 0, 1, 0, -in.gs.tl}.mul(in.tlm)
	in.tm = in.tlm
}

// startPath remembers where a path begins, when it does.
func (in *interp) startPath(formNr, idx int) {
	if !in.hasPath {
		in.pathSrc = Source{Form: formNr, Op: idx}
	}
}

func (in *interp) addPoint(x, y float64) {
	p := in.gs.ctm.apply(x, y)
	if !in.hasPath {
		in.path = [4]float64{p.X, p.Y, p.X, p.Y}
		in.hasPath = true
		return
	}
	in.path = [4]float64{min(in.path[0], p.X), min(in.path[1], p.Y), max(in.path[2], p.X), max(in.path[3], p.Y)}
}

func (in *interp) loadFont(res types.Dict, name string) *font.Font {
	fonts, err := in.e.doc.Ctx.DereferenceDict(res["Font"])
	if err != nil || fonts == nil {
		in.problem("font %s is not in the resources", name)
		return nil
	}
	ref, ok := fonts[name]
	if !ok {
		in.problem("font %s is not in the resources", name)
		return nil
	}
	f, err := in.e.fonts.Load(ref, name)
	if err != nil {
		var se *ingest.SizeLimitError
		if errors.As(err, &se) {
			in.problem("font %s: %v", name, err)
			return nil
		}
		in.problem("%v", err)
		return nil
	}
	return f
}

// adjust applies a TJ number: a displacement of -n/1000 of the font size.
func (in *interp) adjust(n float64) {
	gs := &in.gs
	if gs.font != nil && gs.font.Vertical() {
		in.tm = matrix{1, 0, 0, 1, 0, -n / 1000 * gs.size}.mul(in.tm)
		return
	}
	in.tm = matrix{1, 0, 0, 1, -n / 1000 * gs.size * gs.th, 0}.mul(in.tm)
}

// show draws the characters of s.
func (in *interp) show(s []byte, src Source) {
	gs := &in.gs
	f := gs.font
	if f == nil {
		if len(s) > 0 {
			in.problem("text shown with no usable font (%s)", gs.fontName)
		}
		return
	}
	vertical := f.Vertical()
	// Text space to user space for this string: the glyphs move along
	// text space's x (or y) axis by tx (ty), so the rendering matrix of
	// each is [size·Th 0 0 size tx ts+ty] × m (§9.4.4), applied without
	// forming it.
	m := in.tm.mul(gs.ctm)
	sh, sv := gs.size*gs.th, gs.size
	at := func(x, y float64) Point { return m.apply(x, y) }
	// Per-string constants: size, direction and white-text state do not
	// change within one string.
	size := math.Hypot(m[2]*sv, m[3]*sv)
	unit := math.Hypot(m[0]*sh, m[1]*sh) / 1000
	if vertical {
		unit = size / 1000
	}
	d := in.geo.display
	dir := d.vec(m[0]*sh, m[1]*sh)
	if vertical {
		dir = d.vec(-m[2]*sv, -m[3]*sv)
	}
	if l := math.Hypot(dir.X, dir.Y); l > 0 {
		dir = Point{dir.X / l, dir.Y / l}
	} else {
		dir = Point{1, 0}
	}
	asc, desc := f.Extent()
	mb := in.geo.media
	var tx, ty float64
	for i := 0; i < len(s); {
		ch := f.Next(s[i:])
		if ch.Len <= 0 || i+ch.Len > len(s) {
			ch.Len = len(s) - i
		}
		var x0, x1, y0, y1 float64
		if vertical {
			// One em square above the glyph's horizontal origin: vertical
			// fonts are full-width (CJK), and it is the box MuPDF reports.
			x0, x1 = -ch.VX, -ch.VX+1
			y0, y1 = -ch.VY, -ch.VY+1
		} else {
			x0, x1 = 0, ch.W0
			y0, y1 = desc, asc
		}
		ox, oy := tx, gs.ts+ty // the glyph's origin in text space
		q := Quad{
			at(ox+x0*sh, oy+y0*sv), at(ox+x1*sh, oy+y0*sv),
			at(ox+x1*sh, oy+y1*sv), at(ox+x0*sh, oy+y1*sv),
		}
		src.Start, src.End = i, i+ch.Len
		g := Glyph{
			Text:     ch.Text,
			Font:     f.Name,
			Size:     size, // the vertical scale of the rendering matrix
			Render:   gs.render,
			Source:   src,
			Width:    1000 * ch.W0,
			Unit:     unit,
			Vertical: vertical,
			dir:      dir,
		}
		if vertical {
			g.Width = 1000 * ch.W1
		}
		for k, p := range q {
			g.Quad[k] = Point{p.X - mb[0], p.Y - mb[1]}
		}
		g.Invisible = gs.render == 3 || gs.render == 7 || !centreIn(q, in.geo.crop) || !in.inClip(q) || in.whiteOnWhite(q)
		o := at(ox, oy)
		g.origin = d.apply(o.X, o.Y)

		// Advance (§9.4.4).
		spacing := gs.tc
		if ch.Space {
			spacing += gs.tw
		}
		if vertical {
			d := ch.W1*gs.size + spacing
			ty += d
			if gs.size != 0 {
				g.Adv = -1000 * d / gs.size
			}
		} else {
			d := (ch.W0*gs.size + spacing) * gs.th
			tx += d
			if gs.size*gs.th != 0 {
				g.Adv = -1000 * d / (gs.size * gs.th)
			}
		}
		e := at(tx, gs.ts+ty)
		g.end = d.apply(e.X, e.Y)
		in.glyphs = append(in.glyphs, g)
		i += ch.Len
	}
	in.tm = matrix{1, 0, 0, 1, tx, ty}.mul(in.tm)
}

// centreIn reports whether the centre of a glyph with quad q (user space)
// lies in the box c.
func centreIn(q Quad, c [4]float64) bool {
	b := q.Bounds()
	cx, cy := (b[0]+b[2])/2, (b[1]+b[3])/2
	return cx >= c[0] && cx <= c[2] && cy >= c[1] && cy <= c[3]
}

// paintArea remembers that box (user space), within the clip, was painted
// in a colour other than white.
func (in *interp) paintArea(box [4]float64) {
	c := in.gs.clip
	b := [4]float64{max(box[0], c[0]), max(box[1], c[1]), min(box[2], c[2]), min(box[3], c[3])}
	if b[2] < b[0] || b[3] < b[1] {
		return
	}
	if len(in.painted) >= maxPainted {
		in.saturated = true
		return
	}
	in.painted = append(in.painted, b)
}

// image records an image drawn: the unit square through the CTM.
func (in *interp) image(im Image) {
	m := in.gs.ctm
	q := Quad{m.apply(0, 0), m.apply(1, 0), m.apply(1, 1), m.apply(0, 1)}
	in.paintArea(q.Bounds())
	mb := in.geo.media
	for k, p := range q {
		im.Quad[k] = Point{p.X - mb[0], p.Y - mb[1]}
	}
	if len(in.images) < maxPainted {
		in.images = append(in.images, im)
	}
}

// whiteOnWhite reports a glyph drawn in white where nothing but white was
// painted before: the page shows nothing there. Text in white on a dark
// table header or a photograph stays visible.
func (in *interp) whiteOnWhite(q Quad) bool {
	gs := &in.gs
	var white bool
	switch gs.render {
	case 0, 4:
		white = gs.fill.white
	case 1, 5:
		white = gs.stroke.white
	case 2, 6:
		white = gs.fill.white && gs.stroke.white
	default:
		return false
	}
	if !white || in.saturated {
		return false
	}
	b := q.Bounds()
	for _, p := range in.painted {
		if b[2] > p[0] && b[0] < p[2] && b[3] > p[1] && b[1] < p[3] {
			return false
		}
	}
	return true
}

// inClip reports whether some of a glyph with quad q lies inside the
// clipping region.
func (in *interp) inClip(q Quad) bool {
	b := q.Bounds()
	k := in.gs.clip
	return b[2] >= k[0] && b[0] <= k[2] && b[3] >= k[1] && b[1] <= k[3]
}

// xobject paints the XObject name of res: forms are run, images and
// PostScript XObjects show no text.
func (in *interp) xobject(res types.Dict, name string, formNr, idx, depth int) error {
	xo, err := in.e.doc.Ctx.DereferenceDict(res["XObject"])
	if err != nil || xo == nil {
		return nil
	}
	ref, ok := xo[name]
	if !ok {
		return nil
	}
	objNr := 0
	if ir, ok := ref.(types.IndirectRef); ok {
		objNr = ir.ObjectNumber.Value()
	}
	sd, _, err := in.e.doc.Ctx.DereferenceStreamDict(ref)
	if err != nil || sd == nil {
		return nil
	}
	if st := sd.Subtype(); st != nil && *st == "Image" {
		in.image(Image{Source: Source{Form: formNr, Op: idx}, Object: objNr, Name: name})
		return nil
	}
	if st := sd.Subtype(); st == nil || *st != "Form" {
		return nil
	}
	if depth+1 > in.e.lim.MaxFormDepth {
		return fmt.Errorf("%w: forms nested more than %d deep", ErrLimit, in.e.lim.MaxFormDepth)
	}
	if objNr > 0 && in.active[objNr] {
		in.problem("form XObject %d paints itself", objNr)
		return nil
	}
	f, err := in.e.loadForm(ref, objNr)
	if err != nil {
		var se *ingest.SizeLimitError
		if errors.As(err, &se) || errors.Is(err, content.ErrLimit) {
			return fmt.Errorf("%w: form XObject %d: %w", ErrLimit, objNr, err)
		}
		in.problem("form XObject %d: %v", objNr, err)
		return nil
	}
	saved, savedTm, savedTlm := in.gs, in.tm, in.tlm
	in.gs.ctm = f.matrix.mul(in.gs.ctm)
	if f.hasBBox {
		q := Quad{in.gs.ctm.apply(f.bbox[0], f.bbox[1]), in.gs.ctm.apply(f.bbox[2], f.bbox[1]),
			in.gs.ctm.apply(f.bbox[2], f.bbox[3]), in.gs.ctm.apply(f.bbox[0], f.bbox[3])}
		b := q.Bounds()
		c := in.gs.clip
		in.gs.clip = [4]float64{max(c[0], b[0]), max(c[1], b[1]), min(c[2], b[2]), min(c[3], b[3])}
	}
	fres := f.res
	if fres == nil {
		fres = res
	}
	stackLen := len(in.stack)
	if objNr > 0 {
		in.active[objNr] = true
		if !in.formSeen[objNr] {
			in.formSeen[objNr] = true
			in.forms = append(in.forms, objNr)
		}
	}
	err = in.run(f.ops, fres, objNr, depth+1)
	delete(in.active, objNr)
	in.gs, in.tm, in.tlm = saved, savedTm, savedTlm
	in.stack = in.stack[:min(stackLen, len(in.stack))]
	return err
}
