package redact

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"io"
	"math"
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/ccitt"

	"github.com/releasegate/releasegate/internal/pdf/content"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// Images under a redaction: the pixels under each box are overwritten in
// the image data itself, for images this package can decode: filters none,
// Flate (with or without predictors), LZW, RunLength, ASCIIHex, ASCII85,
// DCT, and CCITT fax (Group 4 and Group 3 1-D, through
// golang.org/x/image/ccitt; the result is stored Flate-encoded); 1, 2, 4,
// 8 or 16 bits a component (DCT: 8); DeviceGray, DeviceRGB, DeviceCMYK,
// CalGray, CalRGB, Lab, ICCBased with 1, 3 or 4 components, Separation,
// DeviceN, and Indexed over any of these; and stencil masks (/ImageMask).
// Black is what the colour space paints darkest (zero, CMYK's K full, full
// ink, an indexed space's darkest entry), through the image's /Decode
// array; under a stencil mask the samples become the value that is not
// painted, so the mask's shape under the box is gone. Any other image under
// a box (JBIG2, JPX, CCITT with mixed 1-D and 2-D coding, damaged data, a
// colour space not listed) is replaced whole by a black image of one
// pixel. A soft mask or mask of a changed image is dropped, so its shape
// cannot carry what was removed (a mask stream nothing else names is then
// not written). The old image data is not written: the object is
// replaced, or, when another page draws the image too, this page gets a
// changed copy.

// maxImageBytes bounds one decoded image.
const maxImageBytes = 512 << 20

// errUndecodable marks an image whose samples this package cannot change.
var errUndecodable = errors.New("image data cannot be changed here")

// imageEdit is what happened to one image.
type imageEdit struct {
	removed bool // replaced whole
}

// redactImage overwrites the pixels of image im (drawn on page p) under
// boxes, or replaces it whole, and points this page at the result.
func (pe *pageEdit) redactImage(im text.Image, boxes [][4]Point, uses map[int]int) (imageEdit, error) {
	ref := *types.NewIndirectRef(im.Object, 0)
	data, sd, err := pe.doc.Stream(ref, maxImageBytes)
	if err != nil {
		return imageEdit{}, fmt.Errorf("image %d: %w", im.Object, err)
	}
	if sd == nil {
		return imageEdit{}, fmt.Errorf("image %d is missing", im.Object)
	}
	ns, err := blackOut(pe.doc, sd, data, im.Quad, boxes)
	edit := imageEdit{}
	if errors.Is(err, errUndecodable) {
		ns, err = onePixel(pe.doc)
		edit.removed = true
	}
	if err != nil {
		return imageEdit{}, fmt.Errorf("image %d: %w", im.Object, err)
	}
	if uses[im.Object] <= 1 {
		entry, ok := pe.doc.Ctx.FindTableEntryLight(im.Object)
		if !ok {
			return imageEdit{}, fmt.Errorf("image %d is missing", im.Object)
		}
		entry.Object = *ns
		return edit, nil
	}
	newRef, err := pe.doc.Ctx.IndRefForNewObject(*ns)
	if err != nil {
		return imageEdit{}, err
	}
	if !pe.repoint(im.Object, *newRef) {
		// Drawn through a form another page shares: change it for all.
		entry, ok := pe.doc.Ctx.FindTableEntryLight(im.Object)
		if !ok {
			return imageEdit{}, fmt.Errorf("image %d is missing", im.Object)
		}
		entry.Object = *ns
		pe.problems = append(pe.problems, fmt.Sprintf("page %d: image %d is shared through a form; it was changed for every page that draws it", pe.page, im.Object))
		return edit, nil
	}
	pe.privatised = append(pe.privatised, im.Object)
	return edit, nil
}

// components returns the number of colour components of an image's
// colour space, when its samples can be changed directly.
func components(doc *ingest.Document, cs types.Object) (int, bool) {
	o, err := doc.Ctx.Dereference(cs)
	if err != nil {
		return 0, false
	}
	switch v := o.(type) {
	case types.Name:
		switch v {
		case "DeviceGray", "CalGray":
			return 1, true
		case "DeviceRGB", "CalRGB":
			return 3, true
		case "DeviceCMYK":
			return 4, true
		}
	case types.Array:
		if len(v) == 2 {
			if n, ok := v[0].(types.Name); ok && n == "ICCBased" {
				if s, _, err := doc.Ctx.DereferenceStreamDict(v[1]); err == nil && s != nil {
					if k := s.IntEntry("N"); k != nil && (*k == 1 || *k == 3 || *k == 4) {
						return *k, true
					}
				}
			}
		}
	}
	return 0, false
}

// blackOut returns a copy of image stream sd (decoded data data) with the
// pixels under boxes painted black (for a stencil mask: not painted).
func blackOut(doc *ingest.Document, sd *types.StreamDict, data []byte, place text.Quad, boxes [][4]Point) (*types.StreamDict, error) {
	w, h := sd.IntEntry("Width"), sd.IntEntry("Height")
	if w == nil || h == nil || *w <= 0 || *h <= 0 || *w > 1<<20 || *h > 1<<20 {
		return nil, errUndecodable
	}
	W, H := *w, *h
	mask := isImageMask(doc, sd.Dict)
	bpc := 1
	if b := sd.IntEntry("BitsPerComponent"); b != nil {
		bpc = *b
	} else if !mask {
		return nil, errUndecodable
	}
	if mask && bpc != 1 {
		return nil, errUndecodable
	}
	dct := false
	var fax *types.PDFFilter
	for i, f := range sd.FilterPipeline {
		switch f.Name {
		case "FlateDecode", "Fl", "ASCIIHexDecode", "AHx", "ASCII85Decode", "A85", "LZWDecode", "LZW", "RunLengthDecode", "RL":
		case "DCTDecode", "DCT":
			dct = true
		case "CCITTFaxDecode", "CCF":
			if i != len(sd.FilterPipeline)-1 {
				return nil, errUndecodable
			}
			fax = &sd.FilterPipeline[i]
		default:
			return nil, errUndecodable
		}
	}
	rects := pixelRects(place, boxes, W, H)
	if dct {
		n, ok := components(doc, sd.Dict["ColorSpace"])
		if !ok || mask || bpc != 8 {
			return nil, errUndecodable
		}
		return blackOutJPEG(doc, sd, data, rects, n)
	}
	sp := space{n: 1, black: []float64{1}, decode: []float64{0, 1}} // a stencil mask: 1 is not painted
	if !mask {
		var ok bool
		if sp, ok = imageSpace(doc, sd.Dict["ColorSpace"], bpc); !ok {
			return nil, errUndecodable
		}
	}
	samples, ok := blackSamples(sp, bpc, numbers(doc, sd.Dict["Decode"]))
	if !ok {
		return nil, errUndecodable
	}
	if fax != nil && sd.Content == nil { // pdfcpu's own decoding leaves Content decoded
		if bpc != 1 || sp.n != 1 {
			return nil, errUndecodable
		}
		var err error
		if data, err = decodeFax(fax.DecodeParms, data, W, H); err != nil {
			return nil, err
		}
	}
	stride := (W*sp.n*bpc + 7) / 8
	if stride*H > maxImageBytes || len(data) < stride*H {
		return nil, errUndecodable
	}
	px := bytes.Clone(data[:stride*H])
	fillSamples(px, W, bpc, samples, rects)
	return imageStream(doc, sd, px, nil)
}

// isImageMask reports whether image dictionary d is a stencil mask.
func isImageMask(doc *ingest.Document, d types.Dict) bool {
	o, ok := d.Find("ImageMask")
	if !ok {
		return false
	}
	o, err := doc.Ctx.Dereference(o)
	if err != nil {
		return false
	}
	b, ok := o.(types.Boolean)
	return ok && bool(b)
}

// decodeFax decodes CCITT fax data (the last filter, with parameters
// parms) of a 1-bit image w by h into its samples, rows byte-aligned.
// Mixed 1-D and 2-D coding (K > 0), which golang.org/x/image/ccitt cannot
// read, and damaged data are errUndecodable.
func decodeFax(parms types.Dict, data []byte, w, h int) ([]byte, error) {
	k, cols := 0, 1728
	blackIs1, align := false, false
	if parms != nil {
		if v := parms.IntEntry("K"); v != nil {
			k = *v
		}
		if v := parms.IntEntry("Columns"); v != nil {
			cols = *v
		}
		if v := parms.BooleanEntry("BlackIs1"); v != nil {
			blackIs1 = *v
		}
		if v := parms.BooleanEntry("EncodedByteAlign"); v != nil {
			align = *v
		}
		if v := parms.IntEntry("Rows"); v != nil && *v > 0 && *v < h {
			return nil, errUndecodable // fewer rows than the image has
		}
	}
	if k > 0 || cols != w {
		return nil, errUndecodable
	}
	mode := ccitt.Group3
	if k < 0 {
		mode = ccitt.Group4
	}
	// The reader writes 0 for black, 1 for white, inverted for BlackIs1:
	// the samples the filter stands for.
	r := ccitt.NewReader(bytes.NewReader(data), ccitt.MSB, mode, w, h, &ccitt.Options{Invert: blackIs1, Align: align})
	size := (w + 7) / 8 * h
	out, _ := io.ReadAll(io.LimitReader(r, int64(size)))
	if len(out) < size {
		return nil, errUndecodable
	}
	return out, nil
}

// space is what blackOut needs to know of an image's colour space.
type space struct {
	n      int       // components a pixel
	black  []float64 // the colour written under a box, in the space's units
	decode []float64 // the default Decode array
	lum    func(c []float64) float64
}

// imageSpace describes colour space cs of an image with bpc bits a
// component, when blackOut can write it. Black is what fillBlack always
// wrote (zero, CMYK's K full); a separation or DeviceN gets full ink, an
// indexed space its darkest entry.
func imageSpace(doc *ingest.Document, cs types.Object, bpc int) (space, bool) {
	o, err := doc.Ctx.Dereference(cs)
	if err != nil {
		return space{}, false
	}
	unit := func(n int) []float64 { return slices.Repeat([]float64{0, 1}, n) }
	gray := space{n: 1, black: []float64{0}, decode: unit(1), lum: func(c []float64) float64 { return c[0] }}
	rgb := space{n: 3, black: []float64{0, 0, 0}, decode: unit(3), lum: func(c []float64) float64 { return luma(c[0], c[1], c[2]) }}
	cmyk := space{n: 4, black: []float64{0, 0, 0, 1}, decode: unit(4), lum: func(c []float64) float64 {
		return (1 - c[3]) * luma(1-c[0], 1-c[1], 1-c[2])
	}}
	ink := func(n int) space {
		return space{n: n, black: slices.Repeat([]float64{1}, n), decode: unit(n), lum: func(c []float64) float64 {
			s := 0.0
			for _, v := range c {
				s += v
			}
			return 1 - s/float64(len(c))
		}}
	}
	switch v := o.(type) {
	case types.Name:
		switch v {
		case "DeviceGray", "CalGray", "G":
			return gray, true
		case "DeviceRGB", "CalRGB", "RGB":
			return rgb, true
		case "DeviceCMYK", "CMYK":
			return cmyk, true
		}
	case types.Array:
		if len(v) == 0 {
			return space{}, false
		}
		family, _ := v[0].(types.Name)
		switch family {
		case "CalGray":
			return gray, true
		case "CalRGB":
			return rgb, true
		case "Lab":
			r := []float64{-100, 100, -100, 100}
			if len(v) > 1 {
				if d, err := doc.Ctx.DereferenceDict(v[1]); err == nil && d != nil {
					if a := numbers(doc, d["Range"]); len(a) == 4 {
						r = a
					}
				}
			}
			return space{n: 3, black: []float64{0, 0, 0}, decode: append([]float64{0, 100}, r...), lum: func(c []float64) float64 { return c[0] }}, true
		case "ICCBased":
			if len(v) != 2 {
				return space{}, false
			}
			s, _, err := doc.Ctx.DereferenceStreamDict(v[1])
			if err != nil || s == nil {
				return space{}, false
			}
			k := s.IntEntry("N")
			if k == nil {
				return space{}, false
			}
			var sp space
			switch *k {
			case 1:
				sp = gray
			case 3:
				sp = rgb
			case 4:
				sp = cmyk
			default:
				return space{}, false
			}
			if r := numbers(doc, s.Dict["Range"]); len(r) == 2**k {
				sp.decode = r
			}
			return sp, true
		case "Separation":
			return ink(1), true
		case "DeviceN":
			if len(v) < 2 {
				return space{}, false
			}
			names, err := doc.Ctx.DereferenceArray(v[1])
			if err != nil || len(names) == 0 || len(names) > 32 {
				return space{}, false
			}
			return ink(len(names)), true
		case "Indexed", "I":
			return indexedSpace(doc, v, bpc)
		}
	}
	return space{}, false
}

// indexedSpace describes [/Indexed base hival lookup]: black is the
// palette entry whose colour in base is darkest.
func indexedSpace(doc *ingest.Document, v types.Array, bpc int) (space, bool) {
	if len(v) != 4 || bpc < 1 || bpc > 8 {
		return space{}, false
	}
	base, ok := imageSpace(doc, v[1], 8)
	if !ok || base.lum == nil {
		return space{}, false
	}
	hv, err := doc.Ctx.Dereference(v[2])
	if err != nil {
		return space{}, false
	}
	hival, ok := hv.(types.Integer)
	if !ok || hival < 0 || hival > 255 {
		return space{}, false
	}
	lo, err := doc.Ctx.Dereference(v[3])
	if err != nil {
		return space{}, false
	}
	var lookup []byte
	switch l := lo.(type) {
	case types.StringLiteral:
		lookup, err = types.Unescape(string(l))
	case types.HexLiteral:
		lookup, err = l.Bytes()
	case types.StreamDict:
		lookup, _, err = doc.Stream(v[3], 1<<20)
	default:
		return space{}, false
	}
	entries := min(int(hival)+1, 1<<bpc)
	if err != nil || len(lookup) < entries*base.n {
		return space{}, false
	}
	darkest, best := 0, math.Inf(1)
	c := make([]float64, base.n)
	for i := range entries {
		for j := range c {
			c[j] = float64(lookup[i*base.n+j]) / 255
		}
		if l := base.lum(c); l < best {
			darkest, best = i, l
		}
	}
	return space{n: 1, black: []float64{float64(darkest)}, decode: []float64{0, float64(int(1)<<bpc - 1)}}, true
}

// luma is the approximate luminance of an RGB colour.
func luma(r, g, b float64) float64 { return 0.299*r + 0.587*g + 0.114*b }

// numbers returns array o's numbers, or nil when it is not an array of
// numbers.
func numbers(doc *ingest.Document, o types.Object) []float64 {
	if o == nil {
		return nil
	}
	a, err := doc.Ctx.DereferenceArray(o)
	if err != nil {
		return nil
	}
	out := make([]float64, 0, len(a))
	for _, e := range a {
		switch n := e.(type) {
		case types.Integer:
			out = append(out, float64(n))
		case types.Float:
			out = append(out, float64(n))
		default:
			return nil
		}
	}
	return out
}

// blackSamples returns the sample value of each component that decodes
// (through Decode array decode, or sp's default when decode is not 2n
// numbers) to sp's black, for bpc bits a component.
func blackSamples(sp space, bpc int, decode []float64) ([]uint16, bool) {
	switch bpc {
	case 1, 2, 4, 8, 16:
	default:
		return nil, false
	}
	if len(decode) != 2*sp.n {
		decode = sp.decode
	}
	top := float64(int(1)<<bpc - 1)
	out := make([]uint16, sp.n)
	for i := range out {
		lo, hi := decode[2*i], decode[2*i+1]
		s := 0.0
		if hi != lo {
			s = math.Round((sp.black[i] - lo) / (hi - lo) * top)
		}
		out[i] = uint16(min(max(s, 0), top))
	}
	return out, true
}

// blackOutJPEG decodes a DCT image, paints the rectangles black and
// encodes it again.
func blackOutJPEG(doc *ingest.Document, sd *types.StreamDict, data []byte, rects []image.Rectangle, n int) (*types.StreamDict, error) {
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, errUndecodable
	}
	var dst draw.Image
	switch n {
	case 1:
		dst = image.NewGray(img.Bounds())
	case 3:
		dst = image.NewRGBA(img.Bounds())
	default:
		return nil, errUndecodable // CMYK JPEGs: Go cannot write them
	}
	draw.Draw(dst, dst.Bounds(), img, img.Bounds().Min, draw.Src)
	for _, r := range rects {
		draw.Draw(dst, r.Add(img.Bounds().Min), &image.Uniform{C: color.Black}, image.Point{}, draw.Src)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	return imageStream(doc, sd, nil, buf.Bytes())
}

// imageStream builds the new image object: samples Flate-encoded, or jpg
// kept as DCT, with sd's dictionary minus what described the old data and
// minus masks.
func imageStream(doc *ingest.Document, sd *types.StreamDict, samples, jpg []byte) (*types.StreamDict, error) {
	dict := types.Dict{}
	for k, v := range sd.Dict {
		switch k {
		case "Length", "Filter", "DecodeParms", "DL", "SMask", "Mask", "SMaskInData":
		default:
			dict[k] = v
		}
	}
	if jpg != nil {
		if cs, ok := dict["ColorSpace"]; ok {
			if n, _ := components(doc, cs); n == 3 {
				dict["ColorSpace"] = types.Name("DeviceRGB")
			}
		}
		dict["Filter"] = types.Name("DCTDecode")
		dict["Length"] = types.Integer(len(jpg))
		n := int64(len(jpg))
		return &types.StreamDict{Dict: dict, Raw: jpg, StreamLength: &n, FilterPipeline: []types.PDFFilter{{Name: "DCTDecode"}}}, nil
	}
	return withContent(doc, dict, samples)
}

// onePixel is the black image of one pixel that stands in for an image
// that cannot be changed.
func onePixel(doc *ingest.Document) (*types.StreamDict, error) {
	d := types.Dict{
		"Type": types.Name("XObject"), "Subtype": types.Name("Image"),
		"Width": types.Integer(1), "Height": types.Integer(1),
		"ColorSpace": types.Name("DeviceGray"), "BitsPerComponent": types.Integer(8),
	}
	return withContent(doc, d, []byte{0})
}

// pixelRects maps boxes (page space) to rectangles of image pixels, for an
// image whose unit square lies at quad q on the page.
func pixelRects(q text.Quad, boxes [][4]Point, w, h int) []image.Rectangle {
	// q[0] is the image's (0,0) (its bottom-left), q[1] (1,0), q[3] (0,1).
	ux, uy := q[1].X-q[0].X, q[1].Y-q[0].Y
	vx, vy := q[3].X-q[0].X, q[3].Y-q[0].Y
	det := ux*vy - uy*vx
	if math.Abs(det) < 1e-9 {
		return nil
	}
	toUnit := func(p Point) (float64, float64) {
		dx, dy := p.X-q[0].X, p.Y-q[0].Y
		return (dx*vy - dy*vx) / det, (ux*dy - uy*dx) / det
	}
	var out []image.Rectangle
	for _, b := range boxes {
		u0, v0, u1, v1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, p := range b {
			u, v := toUnit(p)
			u0, v0, u1, v1 = min(u0, u), min(v0, v), max(u1, u), max(v1, v)
		}
		// Image rows run from the top (v = 1) down; round outwards.
		x0 := int(math.Floor(u0 * float64(w)))
		x1 := int(math.Ceil(u1 * float64(w)))
		y0 := int(math.Floor((1 - v1) * float64(h)))
		y1 := int(math.Ceil((1 - v0) * float64(h)))
		r := image.Rect(x0, y0, x1, y1).Intersect(image.Rect(0, 0, w, h))
		if !r.Empty() {
			out = append(out, r)
		}
	}
	return out
}

// blackOutInline returns inline image op with the pixels under boxes
// painted black (for a stencil mask: not painted), when its data is
// unfiltered grey, RGB or CMYK samples or a stencil mask, at 1, 2, 4, 8
// or 16 bits a component.
func blackOutInline(op *content.Op, place text.Quad, boxes [][4]Point) (*content.Op, bool) {
	if len(op.Operands) != 1 || op.Operands[0].Kind != content.KindDict {
		return nil, false
	}
	d := op.Operands[0]
	get := func(keys ...string) (content.Operand, bool) { return d.Lookup(keys...) }
	if f, ok := get("F", "Filter"); ok && !(f.Kind == content.KindArray && len(f.Array) == 0) && f.Kind != content.KindNull {
		return nil, false
	}
	num := func(keys ...string) int {
		if v, ok := get(keys...); ok && v.Kind == content.KindNumber && v.Num == math.Trunc(v.Num) && v.Num > 0 && v.Num < 1<<16 {
			return int(v.Num)
		}
		return 0
	}
	w, h, bpc := num("W", "Width"), num("H", "Height"), num("BPC", "BitsPerComponent")
	unit := func(n int) []float64 { return slices.Repeat([]float64{0, 1}, n) }
	var sp space
	if im, ok := get("IM", "ImageMask"); ok && im.Kind == content.KindBool && im.Bool {
		sp, bpc = space{n: 1, black: []float64{1}, decode: unit(1)}, 1
	} else if cs, _ := get("CS", "ColorSpace"); cs.Kind == content.KindName {
		switch string(cs.Bytes) {
		case "G", "DeviceGray":
			sp = space{n: 1, black: []float64{0}, decode: unit(1)}
		case "RGB", "DeviceRGB":
			sp = space{n: 3, black: []float64{0, 0, 0}, decode: unit(3)}
		case "CMYK", "DeviceCMYK":
			sp = space{n: 4, black: []float64{0, 0, 0, 1}, decode: unit(4)}
		}
	}
	var decode []float64
	if a, ok := get("D", "Decode"); ok && a.Kind == content.KindArray {
		for _, e := range a.Array {
			if e.Kind != content.KindNumber {
				return nil, false
			}
			decode = append(decode, e.Num)
		}
	}
	if w == 0 || h == 0 || sp.n == 0 {
		return nil, false
	}
	samples, ok := blackSamples(sp, bpc, decode)
	stride := (w*sp.n*bpc + 7) / 8
	if !ok || len(op.Data) < stride*h {
		return nil, false
	}
	px := bytes.Clone(op.Data)
	fillSamples(px, w, bpc, samples, pixelRects(place, boxes, w, h))
	out := *op
	out.Data = px
	return &out, true
}

// fillSamples writes samples (one a component) into every pixel of
// rects, in px: rows of w pixels, bpc bits a component, each row starting
// on a byte.
func fillSamples(px []byte, w, bpc int, samples []uint16, rects []image.Rectangle) {
	n := len(samples)
	stride := (w*n*bpc + 7) / 8
	for _, r := range rects {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := px[y*stride : (y+1)*stride]
			for x := r.Min.X; x < r.Max.X; x++ {
				for c, s := range samples {
					bit := (x*n + c) * bpc
					switch bpc {
					case 8:
						row[bit/8] = byte(s)
					case 16:
						row[bit/8], row[bit/8+1] = byte(s>>8), byte(s)
					default:
						shift := 8 - bpc - bit%8
						m := byte(1<<bpc-1) << shift
						row[bit/8] = row[bit/8]&^m | byte(s)<<shift&m
					}
				}
			}
		}
	}
}
