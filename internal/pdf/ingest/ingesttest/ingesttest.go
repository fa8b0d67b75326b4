// Package ingesttest builds PDF and image fixtures in memory for tests of
// the ingest path: real text PDFs of any length, encrypted PDFs,
// decompression bombs, damaged files and small scans.
//
// Fixtures are made by code, not stored, so every test says exactly what it
// feeds in. Each is built once per process and returned as a fresh copy,
// so callers may modify what they get.
//
// The helpers that use pdfcpu (EncryptedPDF) call api.DisableConfigDir so
// that tests never create a pdfcpu configuration directory.
package ingesttest

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"sync"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// BombSize is how many bytes the streams of the bomb fixtures inflate to:
// more than 2 GiB, from a few megabytes.
const BombSize = 5 << 29 // 2.5 GiB

// OwnerPassword returns the owner password EncryptedPDF sets alongside
// userPassword.
func OwnerPassword(userPassword string) string { return userPassword + "#owner" }

// TextPDF returns a PDF of the given number of A4 pages, each showing a few
// lines of text in Helvetica ("Page 3 of 20" first), with Flate content
// streams and an Info dictionary naming the producer "ingesttest".
func TextPDF(t testing.TB, pages int) []byte {
	t.Helper()
	return cached(t, fmt.Sprintf("text/%d", pages), func() ([]byte, error) {
		if pages < 1 {
			return nil, fmt.Errorf("TextPDF: %d pages", pages)
		}
		return textPDF(pages), nil
	})
}

// EncryptedPDF returns TextPDF(t, 3) encrypted with AES-256 under
// userPassword (the open password; "" makes a file anyone can open but only
// the owner may change) and OwnerPassword(userPassword).
func EncryptedPDF(t testing.TB, userPassword string) []byte {
	t.Helper()
	plain := TextPDF(t, 3)
	return cached(t, "encrypted/"+userPassword, func() ([]byte, error) {
		api.DisableConfigDir()
		conf := model.NewAESConfiguration(userPassword, OwnerPassword(userPassword), 256)
		var out bytes.Buffer
		if err := api.Encrypt(bytes.NewReader(plain), &out, conf); err != nil {
			return nil, fmt.Errorf("EncryptedPDF: %w", err)
		}
		return out.Bytes(), nil
	})
}

// Bomb returns a one-page PDF of about 3 MB whose page content stream is a
// Flate stream that inflates to BombSize bytes of zeros.
func Bomb(t testing.TB) []byte {
	t.Helper()
	return cached(t, "bomb/content", func() ([]byte, error) {
		b := newBuilder()
		b.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
		b.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
		b.object(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>")
		b.stream(4, "/Filter /FlateDecode", zeroBomb([]byte("q Q\n"), BombSize))
		return b.finish(1), nil
	})
}

// BombObjectStream returns a PDF whose catalog, page tree and page live in
// an object stream that inflates to BombSize bytes: the objects, then zeros.
// pdfcpu decodes object streams while it reads a file, so this bomb goes off
// earlier than one in a content stream.
func BombObjectStream(t testing.TB) []byte {
	t.Helper()
	return cached(t, "bomb/objstm", func() ([]byte, error) {
		objs := []string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		}
		var prolog, body strings.Builder
		for i, o := range objs {
			fmt.Fprintf(&prolog, "%d %d ", i+1, body.Len())
			body.WriteString(o)
			body.WriteString("\n")
		}
		first := prolog.Len()
		content := prolog.String() + body.String()
		b := newBuilder()
		b.reserve(3) // objects 1–3 are in the object stream
		b.stream(4, fmt.Sprintf("/Type /ObjStm /N %d /First %d /Filter /FlateDecode", len(objs), first),
			zeroBomb([]byte(content), BombSize))
		// Cross-reference stream: W [1 4 2]; object 5 is the stream itself.
		var x bytes.Buffer
		entry := func(typ byte, f2 uint32, f3 uint16) {
			x.WriteByte(typ)
			_ = binary.Write(&x, binary.BigEndian, f2)
			_ = binary.Write(&x, binary.BigEndian, f3)
		}
		xrefOffset := b.buf.Len()
		entry(0, 0, 65535)
		for i := range objs {
			entry(2, 4, uint16(i))
		}
		entry(1, uint32(b.offsets[4]), 0)
		entry(1, uint32(xrefOffset), 0)
		b.offsets = append(b.offsets, xrefOffset)
		fmt.Fprintf(&b.buf, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", x.Len())
		b.buf.Write(x.Bytes())
		fmt.Fprintf(&b.buf, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOffset)
		return b.buf.Bytes(), nil
	})
}

// BombXRefStream returns a PDF whose cross-reference stream inflates to
// BombSize bytes: valid entries, then zeros (free entries). pdfcpu decodes
// cross-reference streams before anything else, under a fixed cap that its
// configuration does not change.
func BombXRefStream(t testing.TB) []byte {
	t.Helper()
	return cached(t, "bomb/xref", func() ([]byte, error) {
		b := newBuilder()
		b.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
		b.object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
		b.object(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")
		xrefOffset := b.buf.Len()
		var x bytes.Buffer
		entry := func(typ byte, f2 uint32, f3 uint16) {
			x.WriteByte(typ)
			_ = binary.Write(&x, binary.BigEndian, f2)
			_ = binary.Write(&x, binary.BigEndian, f3)
		}
		entry(0, 0, 65535)
		for n := 1; n <= 3; n++ {
			entry(1, uint32(b.offsets[n]), 0)
		}
		entry(1, uint32(xrefOffset), 0)
		data := zeroBomb(x.Bytes(), BombSize)
		fmt.Fprintf(&b.buf, "4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n", len(data))
		b.buf.Write(data)
		fmt.Fprintf(&b.buf, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOffset)
		return b.buf.Bytes(), nil
	})
}

// BrokenXref returns TextPDF(t, 3) with every offset in its cross-reference
// table pointing 7 bytes past its object, as a careless editor leaves a file.
// Readers that rebuild the table by scanning for objects can still open it.
func BrokenXref(t testing.TB) []byte {
	t.Helper()
	src := TextPDF(t, 3)
	return cached(t, "brokenxref", func() ([]byte, error) {
		i := bytes.LastIndex(src, []byte("\nxref\n"))
		j := bytes.LastIndex(src, []byte("trailer"))
		if i < 0 || j < i {
			return nil, fmt.Errorf("BrokenXref: no xref table")
		}
		lines := strings.Split(string(src[i+6:j]), "\n")
		for k, ln := range lines {
			var off, gen int
			var kind string
			if _, err := fmt.Sscanf(ln, "%d %d %s", &off, &gen, &kind); err == nil && kind == "n" {
				lines[k] = fmt.Sprintf("%010d %05d n ", off+7, gen)
			}
		}
		out := append([]byte{}, src[:i+6]...)
		out = append(out, strings.Join(lines, "\n")...)
		return append(out, src[j:]...), nil
	})
}

// MixedPDF returns a 7-page PDF that exercises text and image detection:
//
//  1. text shown with Tj
//  2. an image XObject, no text
//  3. an inline image (BI … ID … EI), no text
//  4. text shown by a form XObject
//  5. nothing at all
//  6. an image painted by a form XObject
//  7. an image, and BT () Tj ET: an empty string shows no text
//
// So the text pages are 1 and 4 and the image-only pages 2, 3, 6 and 7.
func MixedPDF(t testing.TB) []byte {
	t.Helper()
	return cached(t, "mixed", func() ([]byte, error) {
		b := newBuilder()
		const font, img, textForm, imgForm = 3, 4, 5, 6
		contents := []string{
			"BT /F1 12 Tf 72 770 Td (Case summary) Tj ET",
			"q 200 0 0 200 72 500 cm /Im1 Do Q",
			"q 100 0 0 100 72 500 cm BI /W 4 /H 4 /CS /G /BPC 8 ID \x00\x10EI\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0\xc0\xd0 EI Q",
			"q /Fm1 Do Q",
			"",
			"q /Fm2 Do Q",
			"BT /F1 12 Tf () Tj ET q 200 0 0 200 72 500 cm /Im1 Do Q",
		}
		first := 7
		kids := make([]string, len(contents))
		for i := range contents {
			kids[i] = fmt.Sprintf("%d 0 R", first+2*i)
		}
		b.object(1, "<< /Type /Catalog /Pages 2 0 R >>")
		b.object(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
		b.object(font, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
		b.stream(img, "/Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8",
			bytes.Repeat([]byte{0x80}, 16))
		b.stream(textForm, "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>",
			[]byte("BT /F1 12 Tf 72 700 Td [(Notes) -250 (from school)] TJ ET"))
		b.stream(imgForm, "/Type /XObject /Subtype /Form /BBox [0 0 595 842]",
			[]byte("q 200 0 0 200 72 500 cm /Im1 Do Q"))
		res := fmt.Sprintf("<< /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R /Fm1 %d 0 R /Fm2 %d 0 R >> >>", font, img, textForm, imgForm)
		for i, c := range contents {
			p, cs := first+2*i, first+2*i+1
			b.object(p, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %d 0 R >>", res, cs))
			b.stream(cs, "", []byte(c))
		}
		return b.finish(1), nil
	})
}

// PNG returns a 120×80 RGB gradient as a PNG.
func PNG(t testing.TB) []byte {
	t.Helper()
	return cached(t, "png", func() ([]byte, error) {
		var out bytes.Buffer
		err := png.Encode(&out, gradient(120, 80))
		return out.Bytes(), err
	})
}

// JPEG returns a 120×80 RGB gradient as a baseline JPEG.
func JPEG(t testing.TB) []byte {
	t.Helper()
	return cached(t, "jpeg", func() ([]byte, error) {
		var out bytes.Buffer
		err := jpeg.Encode(&out, gradient(120, 80), &jpeg.Options{Quality: 80})
		return out.Bytes(), err
	})
}

// TIFF returns a one-frame, uncompressed, 8-bit grey 100×60 TIFF.
func TIFF(t testing.TB) []byte {
	t.Helper()
	return TIFFPages(t, 1)
}

// TIFFPages returns an uncompressed, 8-bit grey TIFF with the given number
// of 100×60 frames, as a multi-page fax or scanner would send.
func TIFFPages(t testing.TB, frames int) []byte {
	t.Helper()
	return cached(t, fmt.Sprintf("tiff/%d", frames), func() ([]byte, error) {
		if frames < 1 {
			return nil, fmt.Errorf("TIFFPages: %d frames", frames)
		}
		return tiffGray(100, 60, frames), nil
	})
}

// cache holds fixtures built in this process.
var cache sync.Map // string → *entry

type entry struct {
	once sync.Once
	b    []byte
	err  error
}

// cached builds the fixture key once and returns a copy of it.
func cached(t testing.TB, key string, build func() ([]byte, error)) []byte {
	t.Helper()
	v, _ := cache.LoadOrStore(key, &entry{})
	e := v.(*entry)
	e.once.Do(func() { e.b, e.err = build() })
	if e.err != nil {
		t.Fatalf("ingesttest: %v", e.err)
	}
	return bytes.Clone(e.b)
}

// builder writes a PDF by hand: numbered objects and a classic
// cross-reference table.
type builder struct {
	buf     bytes.Buffer
	offsets []int // by object number; 0 means not written
	info    int   // object number of the Info dictionary, if any
}

func newBuilder() *builder {
	b := &builder{offsets: []int{0}}
	b.buf.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	return b
}

func (b *builder) at(n int) {
	for len(b.offsets) <= n {
		b.offsets = append(b.offsets, 0)
	}
	b.offsets[n] = b.buf.Len()
}

// reserve makes room for object numbers 1..n that are stored elsewhere.
func (b *builder) reserve(n int) {
	for len(b.offsets) <= n {
		b.offsets = append(b.offsets, 0)
	}
}

func (b *builder) object(n int, body string) {
	b.at(n)
	fmt.Fprintf(&b.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

func (b *builder) stream(n int, dict string, data []byte) {
	b.at(n)
	fmt.Fprintf(&b.buf, "%d 0 obj\n<< %s /Length %d >>\nstream\n", n, dict, len(data))
	b.buf.Write(data)
	b.buf.WriteString("\nendstream\nendobj\n")
}

func (b *builder) finish(root int) []byte {
	xref := b.buf.Len()
	fmt.Fprintf(&b.buf, "xref\n0 %d\n0000000000 65535 f \n", len(b.offsets))
	for _, off := range b.offsets[1:] {
		if off == 0 {
			b.buf.WriteString("0000000000 65535 f \n")
			continue
		}
		fmt.Fprintf(&b.buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b.buf, "trailer\n<< /Size %d /Root %d 0 R", len(b.offsets), root)
	if b.info > 0 {
		fmt.Fprintf(&b.buf, " /Info %d 0 R", b.info)
	}
	fmt.Fprintf(&b.buf, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return b.buf.Bytes()
}

func textPDF(pages int) []byte {
	b := newBuilder()
	const catalog, tree, font, info = 1, 2, 3, 4
	first := 5
	kids := make([]string, pages)
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", first+2*i)
	}
	b.object(catalog, "<< /Type /Catalog /Pages 2 0 R >>")
	b.object(tree, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages))
	b.object(font, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	b.object(info, "<< /Producer (ingesttest) /Creator (releasegate tests) /Title (Fixture report) >>")
	b.info = info
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	for i := range pages {
		p, c := first+2*i, first+2*i+1
		b.object(p, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", c))
		z.Reset()
		zw.Reset(&z)
		fmt.Fprintf(zw, "BT /F1 14 Tf 72 770 Td (Page %d of %d) Tj ET\n", i+1, pages)
		fmt.Fprintf(zw, "BT /F1 11 Tf 72 740 Td 14 TL (This fixture stands in for a report from another agency.) Tj "+
			"(Its text is made up and names no one.) ' [(Line ) -120 (three, kerned.)] TJ ET\n")
		_ = zw.Close()
		b.stream(c, "/Filter /FlateDecode", z.Bytes())
	}
	return b.finish(catalog)
}

// zeroBomb returns a zlib stream of prefix followed by zeros, total bytes
// in all, built without compressing all of them: one deflate segment that
// encodes a MiB of zeros by reference to the zeros before it is valid
// anywhere after 32 KiB of zeros, so it is simply repeated.
func zeroBomb(prefix []byte, total int64) []byte {
	const pad, chunk = 64 << 10, 1 << 20
	var out bytes.Buffer
	out.Write([]byte{0x78, 0xda})
	fw, _ := flate.NewWriter(&out, flate.BestCompression)
	_, _ = fw.Write(prefix)
	_, _ = fw.Write(make([]byte, pad))
	_ = fw.Flush()
	written := int64(len(prefix) + pad)
	mark := out.Len()
	_, _ = fw.Write(make([]byte, chunk))
	_ = fw.Flush()
	written += chunk
	seg := bytes.Clone(out.Bytes()[mark:])
	for written+chunk <= total {
		out.Write(seg)
		written += chunk
	}
	out.Write([]byte{0x01, 0x00, 0x00, 0xff, 0xff}) // final empty stored block
	// Adler-32 of prefix then zeros: zeros leave a alone and add a to b.
	const mod = 65521
	a, s := uint64(1), uint64(0)
	for _, c := range prefix {
		a = (a + uint64(c)) % mod
		s = (s + a) % mod
	}
	s = (s + uint64(written-int64(len(prefix)))%mod*a) % mod
	_ = binary.Write(&out, binary.BigEndian, uint32(s<<16|a))
	return out.Bytes()
}

func gradient(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x * 255 / w), G: uint8(y * 255 / h), B: 128, A: 255})
		}
	}
	return img
}

// tiffGray writes a little-endian baseline TIFF of frames uncompressed
// 8-bit grey images, each followed by its directory.
func tiffGray(w, h, frames int) []byte {
	var out bytes.Buffer
	le := binary.LittleEndian
	out.WriteString("II*\x00")
	_ = binary.Write(&out, le, uint32(0)) // patched below
	prevNext := 4                         // where the previous "next directory" offset lives
	for f := range frames {
		strip := out.Len()
		for y := range h {
			for x := range w {
				out.WriteByte(byte((x + y + 40*f) % 256))
			}
		}
		if out.Len()%2 == 1 {
			out.WriteByte(0) // directories start on a word boundary
		}
		ifd := out.Len()
		le.PutUint32(out.Bytes()[prevNext:], uint32(ifd))
		type field struct {
			tag, typ uint16
			val      uint32
		}
		fields := []field{
			{256, 4, uint32(w)},     // ImageWidth
			{257, 4, uint32(h)},     // ImageLength
			{258, 3, 8},             // BitsPerSample
			{259, 3, 1},             // Compression: none
			{262, 3, 1},             // PhotometricInterpretation: BlackIsZero
			{273, 4, uint32(strip)}, // StripOffsets
			{277, 3, 1},             // SamplesPerPixel
			{278, 4, uint32(h)},     // RowsPerStrip
			{279, 4, uint32(w * h)}, // StripByteCounts
		}
		_ = binary.Write(&out, le, uint16(len(fields)))
		for _, fl := range fields {
			_ = binary.Write(&out, le, fl.tag)
			_ = binary.Write(&out, le, fl.typ)
			_ = binary.Write(&out, le, uint32(1))
			if fl.typ == 3 {
				_ = binary.Write(&out, le, uint16(fl.val))
				_ = binary.Write(&out, le, uint16(0))
			} else {
				_ = binary.Write(&out, le, fl.val)
			}
		}
		prevNext = out.Len()
		_ = binary.Write(&out, le, uint32(0))
	}
	return out.Bytes()
}

// Object is one numbered object of a hand-built PDF: Body is a dictionary
// or other object; when Stream is not nil the object is a stream, Body its
// dictionary entries (without /Length).
type Object struct {
	Num    int
	Body   string
	Stream []byte
}

// Build writes a PDF holding objs, with a correct cross-reference table;
// object 1 must be the catalog.
func Build(objs ...Object) []byte {
	b := newBuilder()
	for _, o := range objs {
		if o.Stream != nil {
			b.stream(o.Num, o.Body, o.Stream)
		} else {
			b.object(o.Num, o.Body)
		}
	}
	return bytes.Clone(b.finish(1))
}

// OnePage returns a one-page US Letter PDF whose page (object 3) draws
// content (object 4) with the resources dictionary resources; extra
// objects should be numbered from 10. A /F1 Helvetica font is object 5,
// for resources to name as "/Font << /F1 5 0 R >>".
func OnePage(content, resources string, extra ...Object) []byte {
	objs := []Object{
		{Num: 1, Body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{Num: 2, Body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{Num: 3, Body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources " + resources + " >>"},
		{Num: 4, Body: "", Stream: []byte(content)},
		{Num: 5, Body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
	}
	return Build(append(objs, extra...)...)
}
