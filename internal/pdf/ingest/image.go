package ingest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register for image.DecodeConfig
	_ "image/png"  // register for image.DecodeConfig

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// FromImage converts a JPEG, PNG or TIFF scan at in to a PDF at out (one page
// per image/frame, page sized to the image) using pdfcpu's image import, and
// inspects the result as Inspect does.
//
// Before anything decodes pixels, every frame's dimensions are read from its
// header and checked: no frame may exceed 100 megapixels, the frames'
// decoded size counts against Limits.MaxDecompressedBytes and the number of
// TIFF frames against Limits.MaxPages. A TIFF whose frames form a loop, or
// whose sizes are ambiguous, is ErrDamaged.
func FromImage(ctx context.Context, in, out string, lim Limits) (Info, error) {
	data, err := readInput(in, out)
	if err != nil {
		return Info{}, err
	}
	return fromImageData(ctx, data, out, lim.withDefaults())
}

// fromImageData is FromImage on the bytes of the input.
func fromImageData(ctx context.Context, data []byte, out string, lim Limits) (Info, error) {
	kind := Sniff(data)
	switch kind {
	case KindJPEG, KindPNG, KindTIFF:
	default:
		return Info{}, fmt.Errorf("sniff %d bytes: content is %s, not a JPEG, PNG or TIFF: %w", len(data), kind, ErrUnsupported)
	}
	if err := checkImage(data, kind, lim); err != nil {
		return Info{}, fmt.Errorf("check %s: %w", kind, err)
	}
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	pdf, err := imageToPDF(data, lim)
	if err != nil {
		return Info{}, fmt.Errorf("convert %s: %w", kind, err)
	}
	info, err := inspectPDF(ctx, pdf, out, "", lim)
	if err != nil {
		return Info{}, fmt.Errorf("inspect converted %s: %w", kind, err)
	}
	info.FromImage = true
	return info, nil
}

// imageToPDF runs pdfcpu's image import, one page per image or frame, each
// page the size of its image: the steps of pdfcpu's api.ImportImages, taken
// directly (see writeContext for why).
func imageToPDF(data []byte, lim Limits) (pdf []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			pdf, err = nil, fmt.Errorf("%w: pdfcpu panic: %v", ErrDamaged, r)
		}
	}()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Offline = true
	conf.Limits.MaxImagePixels = maxImagePixels
	conf.Limits.MaxImageBytes = min(conf.Limits.MaxImageBytes, lim.MaxDecompressedBytes)
	conf.Cmd = model.IMPORTIMAGES
	imp := pdfcpu.DefaultImportConfig() // Pos: full, the page takes the image's size
	doc, err := pdfcpu.CreateContextWithXRefTable(conf, imp.PageDim)
	if err != nil {
		return nil, fmt.Errorf("create PDF: %w", err)
	}
	pagesRef, err := doc.Pages()
	if err != nil || pagesRef == nil {
		return nil, fmt.Errorf("create PDF: no page tree: %v", err)
	}
	pages, err := doc.DereferenceDict(*pagesRef)
	if err != nil || pages == nil {
		return nil, fmt.Errorf("create PDF: no page tree: %v", err)
	}
	refs, err := pdfcpu.NewPagesForImage(doc.XRefTable, bytes.NewReader(data), pagesRef, imp)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	for i, ref := range refs {
		if ref == nil {
			return nil, fmt.Errorf("%w: image frame %d made no page", ErrDamaged, i+1)
		}
		if err := doc.SetValid(*ref); err != nil {
			return nil, fmt.Errorf("add page %d: %w", i+1, err)
		}
		if err := model.AppendPageTree(ref, 1, pages); err != nil {
			return nil, fmt.Errorf("add page %d: %w", i+1, err)
		}
		doc.PageCount++
	}
	var buf bytes.Buffer
	if err := writeContext(doc, &buf); err != nil {
		return nil, fmt.Errorf("write converted PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// frame is the size of one image in a file, and how many bytes a pixel
// takes once decoded (0 when the image is embedded without decoding).
type frame struct{ w, h, bytesPerPixel int64 }

// checkImage reads the frame sizes from the headers and checks them
// against the limits, before any decoder allocates pixels.
func checkImage(data []byte, kind Kind, lim Limits) error {
	var frames []frame
	switch kind {
	case KindTIFF:
		var err error
		if frames, err = tiffFrames(data, lim.MaxPages); err != nil {
			return err
		}
	default:
		c, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("read image header: %w: %w", ErrDamaged, err)
		}
		f := frame{w: int64(c.Width), h: int64(c.Height), bytesPerPixel: 4}
		switch c.ColorModel {
		case color.GrayModel:
			f.bytesPerPixel = 1
		case color.Gray16Model:
			f.bytesPerPixel = 2
		case color.RGBA64Model, color.NRGBA64Model:
			f.bytesPerPixel = 8
		}
		if _, ok := c.ColorModel.(color.Palette); ok {
			f.bytesPerPixel = 1
		}
		if kind == KindJPEG {
			f.bytesPerPixel = 0 // pdfcpu embeds a JPEG as it is
		}
		frames = []frame{f}
	}
	var total int64
	for _, f := range frames {
		if f.w <= 0 || f.h <= 0 {
			return fmt.Errorf("image is %dx%d: %w", f.w, f.h, ErrDamaged)
		}
		px := f.w * f.h // each side fits in 32 bits, so no overflow
		if px > maxImagePixels {
			return &SizeLimitError{Resource: ResourceImagePixels, Got: px, Max: maxImagePixels}
		}
		total += f.bytesPerPixel * px
		if total > lim.MaxDecompressedBytes {
			return &SizeLimitError{Resource: ResourceDecodedBytes, Got: total, Max: lim.MaxDecompressedBytes}
		}
	}
	return nil
}

// TIFF tags read by tiffFrames.
const (
	tagImageWidth      = 256
	tagImageLength     = 257
	tagBitsPerSample   = 258
	tagPhotometric     = 262
	tagSamplesPerPixel = 277
)

// tiffFrames walks a TIFF's chain of image file directories, as pdfcpu's
// import does, and returns each frame's size. More than maxFrames frames is
// ErrTooManyPages. A chain that loops, a directory outside the file, or a
// width or length that is missing, repeated or not a single number is
// ErrDamaged: the decoder would read such a value differently.
func tiffFrames(data []byte, maxFrames int) ([]frame, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("tiff header: %w", ErrDamaged)
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		bo = binary.BigEndian
	}
	off := int64(bo.Uint32(data[4:8]))
	seen := map[int64]bool{}
	var frames []frame
	for off != 0 {
		if off < 8 || off+2 > int64(len(data)) {
			if len(frames) > 0 && off >= int64(len(data)) {
				break // pdfcpu stops at a next-directory offset past the end too
			}
			return nil, fmt.Errorf("tiff directory at %d outside the file: %w", off, ErrDamaged)
		}
		if seen[off] {
			return nil, fmt.Errorf("tiff directories loop at %d: %w", off, ErrDamaged)
		}
		seen[off] = true
		n := int64(bo.Uint16(data[off:]))
		end := off + 2 + 12*n
		if end+4 > int64(len(data)) {
			return nil, fmt.Errorf("tiff directory at %d truncated: %w", off, ErrDamaged)
		}
		f, err := tiffFrame(data, bo, data[off+2:end])
		if err != nil {
			return nil, fmt.Errorf("tiff directory at %d: %w", off, err)
		}
		frames = append(frames, f)
		if len(frames) > maxFrames {
			return nil, &PageLimitError{Pages: countTIFFFrames(data, bo, off, seen, len(frames)), Max: maxFrames}
		}
		off = int64(bo.Uint32(data[end:]))
	}
	if len(frames) == 0 {
		return nil, fmt.Errorf("tiff has no images: %w", ErrDamaged)
	}
	return frames, nil
}

// tiffFrame reads one directory's entries.
func tiffFrame(data []byte, bo binary.ByteOrder, entries []byte) (frame, error) {
	var f frame
	bits, samples, photometric := int64(1), int64(1), int64(0)
	seen := map[uint16]bool{}
	for e := 0; e+12 <= len(entries); e += 12 {
		ent := entries[e : e+12]
		tag := bo.Uint16(ent)
		switch tag {
		case tagImageWidth, tagImageLength, tagBitsPerSample, tagPhotometric, tagSamplesPerPixel:
		default:
			continue
		}
		if seen[tag] {
			return f, fmt.Errorf("tag %d repeated: %w", tag, ErrDamaged)
		}
		seen[tag] = true
		v, count, ok := tiffFirst(data, bo, ent)
		if !ok || (tag == tagImageWidth || tag == tagImageLength) && count != 1 {
			return f, fmt.Errorf("tag %d malformed: %w", tag, ErrDamaged)
		}
		switch tag {
		case tagImageWidth:
			f.w = v
		case tagImageLength:
			f.h = v
		case tagBitsPerSample:
			bits = v
		case tagPhotometric:
			photometric = v
		case tagSamplesPerPixel:
			samples = v
		}
	}
	depth := int64(1)
	if bits > 8 {
		depth = 2
	}
	switch {
	case photometric == 3: // palette
		f.bytesPerPixel = 1
	case samples >= 2: // decoded as RGBA, NRGBA or CMYK
		f.bytesPerPixel = 4 * depth
	default:
		f.bytesPerPixel = depth
	}
	return f, nil
}

// tiffFirst returns the first value of a BYTE, SHORT or LONG entry, which
// is stored in the entry when it fits and elsewhere in the file when not.
func tiffFirst(data []byte, bo binary.ByteOrder, ent []byte) (v int64, count uint32, ok bool) {
	size := map[uint16]int64{1: 1, 3: 2, 4: 4}[bo.Uint16(ent[2:])]
	count = bo.Uint32(ent[4:])
	if size == 0 || count == 0 {
		return 0, count, false
	}
	p := ent[8:12]
	if size*int64(count) > 4 {
		off := int64(bo.Uint32(ent[8:]))
		if off+size > int64(len(data)) {
			return 0, count, false
		}
		p = data[off : off+size]
	}
	switch size {
	case 1:
		return int64(p[0]), count, true
	case 2:
		return int64(bo.Uint16(p)), count, true
	}
	return int64(bo.Uint32(p)), count, true
}

// countTIFFFrames finishes counting frames after the limit was passed, so
// that the refusal can say how many pages the scan has.
func countTIFFFrames(data []byte, bo binary.ByteOrder, off int64, seen map[int64]bool, count int) int {
	for {
		n := int64(bo.Uint16(data[off:]))
		end := off + 2 + 12*n
		if end+4 > int64(len(data)) {
			return count
		}
		off = int64(bo.Uint32(data[end:]))
		if off < 8 || off+2 > int64(len(data)) || seen[off] {
			return count
		}
		seen[off] = true
		count++
	}
}
