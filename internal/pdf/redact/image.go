package redact

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/content"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// Images under a redaction: the pixels under each box are overwritten in
// the image data itself, for images this package can decode (no filter,
// Flate with or without predictors, DCT; 8 bits per component; DeviceGray,
// DeviceRGB, DeviceCMYK or ICCBased with 1, 3 or 4 components). Any other
// image under a box (JBIG2, JPX, CCITT, indexed colour, other depths) is
// replaced whole by a black image of one pixel. A soft mask or mask of a
// changed image is dropped, so its shape cannot carry what was removed.
// The old image data is not written: the object is replaced, or, when
// another page draws the image too, this page gets a changed copy.

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
// pixels under boxes painted black.
func blackOut(doc *ingest.Document, sd *types.StreamDict, data []byte, place text.Quad, boxes [][4]Point) (*types.StreamDict, error) {
	w, h := sd.IntEntry("Width"), sd.IntEntry("Height")
	bpc := sd.IntEntry("BitsPerComponent")
	if w == nil || h == nil || *w <= 0 || *h <= 0 || bpc == nil || *bpc != 8 {
		return nil, errUndecodable
	}
	if im, ok := sd.Find("ImageMask"); ok {
		if b, ok := im.(types.Boolean); ok && bool(b) {
			return nil, errUndecodable
		}
	}
	n, ok := components(doc, sd.Dict["ColorSpace"])
	if !ok {
		return nil, errUndecodable
	}
	dct := false
	for _, f := range sd.FilterPipeline {
		switch f.Name {
		case "FlateDecode", "Fl", "ASCIIHexDecode", "ASCII85Decode", "LZWDecode", "RunLengthDecode":
		case "DCTDecode", "DCT":
			dct = true
		default:
			return nil, errUndecodable
		}
	}
	W, H := *w, *h
	rects := pixelRects(place, boxes, W, H)
	if dct {
		return blackOutJPEG(doc, sd, data, rects, n)
	}
	if len(data) < W*H*n {
		return nil, errUndecodable
	}
	px := bytes.Clone(data[:W*H*n])
	fillBlack(px, W, n, rects)
	return imageStream(doc, sd, px, nil)
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
// painted black, when its data is unfiltered 8-bit grey, RGB or CMYK.
func blackOutInline(op *content.Op, place text.Quad, boxes [][4]Point) (*content.Op, bool) {
	if len(op.Operands) != 1 || op.Operands[0].Kind != content.KindDict {
		return nil, false
	}
	d := op.Operands[0]
	get := func(keys ...string) (content.Operand, bool) { return d.Lookup(keys...) }
	if f, ok := get("F", "Filter"); ok && !(f.Kind == content.KindArray && len(f.Array) == 0) && f.Kind != content.KindNull {
		return nil, false
	}
	if im, ok := get("IM", "ImageMask"); ok && im.Kind == content.KindBool && im.Bool {
		return nil, false
	}
	num := func(keys ...string) int {
		if v, ok := get(keys...); ok && v.Kind == content.KindNumber && v.Num == math.Trunc(v.Num) && v.Num > 0 && v.Num < 1<<16 {
			return int(v.Num)
		}
		return 0
	}
	w, h, bpc := num("W", "Width"), num("H", "Height"), num("BPC", "BitsPerComponent")
	cs, _ := get("CS", "ColorSpace")
	n := 0
	if cs.Kind == content.KindName {
		switch string(cs.Bytes) {
		case "G", "DeviceGray":
			n = 1
		case "RGB", "DeviceRGB":
			n = 3
		case "CMYK", "DeviceCMYK":
			n = 4
		}
	}
	if w == 0 || h == 0 || bpc != 8 || n == 0 || len(op.Data) < w*h*n {
		return nil, false
	}
	px := bytes.Clone(op.Data)
	fillBlack(px, w, n, pixelRects(place, boxes, w, h))
	out := *op
	out.Data = px
	return &out, true
}

// fillBlack paints rects black in 8-bit samples of width w with n
// components (CMYK black is full K).
func fillBlack(px []byte, w, n int, rects []image.Rectangle) {
	for _, r := range rects {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			row := px[(y*w+r.Min.X)*n : (y*w+r.Max.X)*n]
			for i := range row {
				row[i] = 0
				if n == 4 && i%4 == 3 {
					row[i] = 255
				}
			}
		}
	}
}
