package ingest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	_ "image/jpeg" // register for image.DecodeConfig
	_ "image/png"  // register for image.DecodeConfig
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// FromImage converts a JPEG, PNG or TIFF scan at in to a PDF at out (one page
// per image/frame, page sized to the image) using pdfcpu's image import, and
// inspects the result as Inspect does.
//
// Before anything decodes pixels, every frame's dimensions are read from its
// header and checked: no frame may exceed 100 megapixels, the frames'
// decoded size (4 bytes a pixel) counts against Limits.MaxDecompressedBytes
// and the number of TIFF frames against Limits.MaxPages. A TIFF whose frames
// form a loop is ErrDamaged.
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
// page the size of its image.
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
	imp := pdfcpu.DefaultImportConfig() // Pos: full, the page takes the image's size
	var buf bytes.Buffer
	if err := api.ImportImages(nil, &buf, []io.Reader{bytes.NewReader(data)}, imp, conf); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	return buf.Bytes(), nil
}

// frame is the size of one image in a file.
type frame struct{ w, h int64 }

// checkImage reads the frame sizes from the headers and checks them
// against the limits.
func checkImage(data []byte, kind Kind, lim Limits) error {
	var frames []frame
	if kind == KindTIFF {
		var err error
		if frames, err = tiffFrames(data, lim.MaxPages); err != nil {
			return err
		}
	} else {
		c, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("read image header: %w: %w", ErrDamaged, err)
		}
		frames = []frame{{int64(c.Width), int64(c.Height)}}
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
		total += 4 * px
		if total > lim.MaxDecompressedBytes {
			return &SizeLimitError{Resource: ResourceDecodedBytes, Got: total, Max: lim.MaxDecompressedBytes}
		}
	}
	return nil
}

// tiffFrames walks a TIFF's chain of image file directories and returns each
// frame's width and length. More than maxFrames frames is ErrTooManyPages; a
// chain that loops, or a directory outside the file, is ErrDamaged.
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
		var f frame
		for e := off + 2; e < end; e += 12 {
			tag, typ := bo.Uint16(data[e:]), bo.Uint16(data[e+2:])
			var v int64
			switch typ {
			case 3: // SHORT
				v = int64(bo.Uint16(data[e+8:]))
			case 4: // LONG
				v = int64(bo.Uint32(data[e+8:]))
			default:
				continue
			}
			switch tag {
			case 256:
				f.w = v
			case 257:
				f.h = v
			}
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
