package redact

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/image/ccitt"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

// The images of these tests are drawn by imagePage over [100 100 300 300];
// lowerLeft marks the lower-left quarter of that square.
var lowerLeft = Mark{Page: 1, Rect: [4]float64{100, 100, 200, 200}}

// imagePageWith is imagePage with more objects (numbered from 11).
func imagePageWith(img ingesttest.Object, extra ...ingesttest.Object) []byte {
	img.Num = 10
	return ingesttest.OnePage("q 200 0 0 200 100 100 cm /Im Do Q BT /F1 12 Tf 72 700 Td (Photo) Tj ET",
		"<< /Font << /F1 5 0 R >> /XObject << /Im 10 0 R >> >>", append([]ingesttest.Object{img}, extra...)...)
}

// samples is an image's decoded samples: rows of w pixels of n components
// of bpc bits, each row starting on a byte.
type samples struct {
	w, h, n, bpc int
	data         []byte
}

func (s samples) stride() int { return (s.w*s.n*s.bpc + 7) / 8 }

// at returns component c of pixel (x, y), rows counted from the top.
func (s samples) at(x, y, c int) uint16 {
	bit := (x*s.n + c) * s.bpc
	b := s.data[y*s.stride()+bit/8:]
	switch s.bpc {
	case 16:
		return uint16(b[0])<<8 | uint16(b[1])
	case 8:
		return uint16(b[0])
	}
	return uint16(b[0]>>(8-s.bpc-bit%8)) & (1<<s.bpc - 1)
}

// pack returns the samples f gives, packed as a PDF image stores them.
func pack(w, h, n, bpc int, f func(x, y, c int) uint16) samples {
	s := samples{w: w, h: h, n: n, bpc: bpc}
	s.data = make([]byte, s.stride()*h)
	for y := range h {
		for x := range w {
			for c := range n {
				v := f(x, y, c)
				bit := (x*n + c) * bpc
				i := y*s.stride() + bit/8
				switch bpc {
				case 16:
					s.data[i], s.data[i+1] = byte(v>>8), byte(v)
				case 8:
					s.data[i] = byte(v)
				default:
					s.data[i] |= byte(v) << (8 - bpc - bit%8)
				}
			}
		}
	}
	return s
}

func deflate(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// underMark returns the pixel rectangle of a w by h image that lowerLeft
// covers.
func underMark(t *testing.T, w, h int) image.Rectangle {
	t.Helper()
	q := pageText(t, imagePage(ingesttest.Object{Body: "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", Stream: []byte{0}}))[0].Images[0].Quad
	r := lowerLeft.Rect
	box := [4]Point{{X: r[0], Y: r[1]}, {X: r[2], Y: r[1]}, {X: r[2], Y: r[3]}, {X: r[0], Y: r[3]}}
	rects := pixelRects(q, [][4]Point{box}, w, h)
	if len(rects) != 1 {
		t.Fatalf("the mark maps to %d rectangles", len(rects))
	}
	return rects[0]
}

// redactedImage redacts lowerLeft from pdf and returns the page's image
// afterwards: its dictionary and decoded data, with the report's counts.
func redactedImage(t *testing.T, pdf []byte) (out []byte, sd *types.StreamDict, data []byte, rep Report) {
	t.Helper()
	out, rep, _, err := Redact(context.Background(), pdf, "", Options{Marks: []Mark{lowerLeft}})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ims := pageText(t, out)[0].Images
	if len(ims) != 1 {
		t.Fatalf("%d images after redaction, want 1", len(ims))
	}
	data, sd, err = doc.Stream(*types.NewIndirectRef(ims[0].Object, 0), 1<<24)
	if err != nil || sd == nil {
		t.Fatalf("image: %v", err)
	}
	return out, sd, data, rep
}

// renderGray returns page 1 of pdf rendered by poppler at 72 dpi in grey
// (one pixel a point, rows from the top), or false without pdftoppm.
func renderGray(t *testing.T, pdf []byte) (*image.Gray, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatal("pdftoppm is required (make test installs poppler-utils)")
		}
		return nil, false
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "72", "-gray", "-aa", "no", "-aaVector", "no", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.pgm"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var magic string
	var w, h, maxv int
	if _, err := fmt.Fscan(br, &magic, &w, &h, &maxv); err != nil || magic != "P5" || maxv != 255 {
		t.Fatalf("pgm header: %v %q %d", err, magic, maxv)
	}
	if _, err := br.ReadByte(); err != nil { // the one whitespace byte after the header
		t.Fatal(err)
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	if _, err := io.ReadFull(br, g.Pix); err != nil {
		t.Fatal(err)
	}
	return g, true
}

// compareRenders checks that poppler draws the image of out as in
// everywhere outside the mark (a margin of two points left out), and
// solid black under it; it returns how many dark pixels the input showed
// under the mark.
func compareRenders(t *testing.T, in, out []byte) (darkBefore int, ok bool) {
	t.Helper()
	a, ok := renderGray(t, in)
	if !ok {
		return 0, false
	}
	b, _ := renderGray(t, out)
	// Page (X, Y) is pixel (X, 792-Y): the image covers columns 100-300,
	// rows 492-692; the mark columns 100-200, rows 592-692.
	for y := 494; y < 690; y++ {
		for x := 102; x < 298; x++ {
			under := x < 200 && y >= 592
			near := x < 202 && y >= 590
			switch {
			case under:
				if a.GrayAt(x, y).Y < 128 {
					darkBefore++
				}
				if b.GrayAt(x, y).Y != 0 {
					t.Fatalf("rendered pixel %d,%d under the mark is %d, not black", x, y, b.GrayAt(x, y).Y)
				}
			case !near && a.GrayAt(x, y) != b.GrayAt(x, y):
				t.Fatalf("rendered pixel %d,%d outside the mark changed from %d to %d", x, y, a.GrayAt(x, y).Y, b.GrayAt(x, y).Y)
			}
		}
	}
	return darkBefore, true
}

// secret is the pattern the test images hide under the mark: a diagonal
// hatching that is different in every quarter.
func secret(x, y int) bool { return (x+2*y)%5 == 0 || (x > 15 && y%7 == 3) }

// TestBitDepthsAndSpacesOverwritten: images of 1, 2, 4 and 16 bits, with
// inverting Decode arrays, indexed colour, separations and stencil masks
// get their samples under a mark overwritten (black, or for a mask not
// painted), and keep the rest.
func TestBitDepthsAndSpacesOverwritten(t *testing.T) {
	icc := ingesttest.Object{Num: 11, Body: "/N 3 /Alternate /DeviceRGB", Stream: []byte("not a real profile")}
	// 16 CMYK entries, all light but entry 9, which is full K.
	var cmykLUT []byte
	for i := range 16 {
		e := []byte{byte(i * 8), byte(i * 4), 0, byte(i * 5)}
		if i == 9 {
			e = []byte{0, 0, 0, 255}
		}
		cmykLUT = append(cmykLUT, e...)
	}
	lut := ingesttest.Object{Num: 11, Body: "", Stream: cmykLUT}
	tests := []struct {
		name  string
		w, h  int
		dict  string // colour space, Decode, ImageMask
		n     int
		bpc   int
		light []uint16 // the background; secret pixels get dark
		dark  []uint16
		black []uint16 // what must be under the mark afterwards
		flate bool
		extra []ingesttest.Object
	}{
		{"gray 1 bit", 40, 40, "/ColorSpace /DeviceGray", 1, 1, []uint16{1}, []uint16{0}, []uint16{0}, true, nil},
		{"gray 1 bit inverted", 40, 40, "/ColorSpace /DeviceGray /Decode [1 0]", 1, 1, []uint16{0}, []uint16{1}, []uint16{1}, false, nil},
		{"gray 2 bit odd width", 37, 23, "/ColorSpace /DeviceGray", 1, 2, []uint16{3}, []uint16{1}, []uint16{0}, true, nil},
		{"gray 4 bit inverted", 40, 40, "/ColorSpace /DeviceGray /Decode [1 0]", 1, 4, []uint16{2}, []uint16{12}, []uint16{15}, true, nil},
		{"gray 16 bit", 40, 40, "/ColorSpace /DeviceGray", 1, 16, []uint16{60000}, []uint16{9000}, []uint16{0}, true, nil},
		{"RGB 4 bit", 41, 40, "/ColorSpace /DeviceRGB", 3, 4, []uint16{15, 14, 13}, []uint16{2, 3, 9}, []uint16{0, 0, 0}, true, nil},
		{"CMYK 2 bit", 40, 40, "/ColorSpace /DeviceCMYK", 4, 2, []uint16{0, 0, 1, 0}, []uint16{3, 1, 0, 2}, []uint16{0, 0, 0, 3}, false, nil},
		{"ICC RGB 1 bit", 40, 40, "/ColorSpace [/ICCBased 11 0 R]", 3, 1, []uint16{1, 1, 1}, []uint16{0, 1, 0}, []uint16{0, 0, 0}, true, []ingesttest.Object{icc}},
		{"indexed RGB 2 bit hex", 40, 40, "/ColorSpace [/Indexed /DeviceRGB 3 <FFFFFF FF0000 000040 80FF80>]", 1, 2, []uint16{0}, []uint16{1}, []uint16{2}, true, nil},
		{"indexed gray 8 bit literal", 40, 40, "/ColorSpace [/Indexed /DeviceGray 3 (zA0~)]", 1, 8, []uint16{3}, []uint16{1}, []uint16{2}, true, nil},
		{"indexed CMYK 4 bit stream", 40, 40, "/ColorSpace [/Indexed /DeviceCMYK 15 11 0 R]", 1, 4, []uint16{0}, []uint16{7}, []uint16{9}, true, []ingesttest.Object{lut}},
		{"indexed 1 bit inverted", 40, 40, "/ColorSpace [/Indexed /DeviceGray 1 <FF20>] /Decode [1 0]", 1, 1, []uint16{1}, []uint16{0}, []uint16{0}, true, nil},
		{"separation 4 bit", 40, 40, "/ColorSpace [/Separation /Spot /DeviceCMYK << /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [0 1 1 0] /N 1 >>]", 1, 4, []uint16{0}, []uint16{6}, []uint16{15}, true, nil},
		{"stencil mask", 40, 40, "/ImageMask true", 1, 1, []uint16{1}, []uint16{0}, []uint16{1}, true, nil},
		{"stencil mask inverted", 40, 40, "/ImageMask true /BitsPerComponent 1 /Decode [1 0]", 1, 1, []uint16{0}, []uint16{1}, []uint16{0}, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := pack(tc.w, tc.h, tc.n, tc.bpc, func(x, y, c int) uint16 {
				if secret(x, y) {
					return tc.dark[c]
				}
				return tc.light[c]
			})
			body := fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d %s", tc.w, tc.h, tc.dict)
			if !strings.Contains(tc.dict, "ImageMask") {
				body += fmt.Sprintf(" /BitsPerComponent %d", tc.bpc)
			}
			stream := src.data
			if tc.flate {
				body += " /Filter /FlateDecode"
				stream = deflate(t, stream)
			}
			in := imagePageWith(ingesttest.Object{Body: body, Stream: stream}, tc.extra...)
			r := underMark(t, tc.w, tc.h)

			// The leak: the hatching is in the data under the mark.
			leaked := 0
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					if secret(x, y) {
						leaked++
					}
				}
			}
			if leaked == 0 {
				t.Fatal("the test image shows nothing under the mark")
			}

			out, sd, data, rep := redactedImage(t, in)
			if rep.Pages[0].ImagesChanged != 1 || rep.Pages[0].ImagesRemoved != 0 {
				t.Fatalf("images changed %d, removed %d: want 1 changed", rep.Pages[0].ImagesChanged, rep.Pages[0].ImagesRemoved)
			}
			if w, h := sd.IntEntry("Width"), sd.IntEntry("Height"); w == nil || h == nil || *w != tc.w || *h != tc.h {
				t.Fatalf("size changed: %v", sd.Dict)
			}
			got := samples{w: tc.w, h: tc.h, n: tc.n, bpc: tc.bpc, data: data}
			if len(data) < got.stride()*tc.h {
				t.Fatalf("%d bytes of samples, want %d", len(data), got.stride()*tc.h)
			}
			for y := range tc.h {
				for x := range tc.w {
					under := image.Pt(x, y).In(r)
					for c := range tc.n {
						v := got.at(x, y, c)
						if under && v != tc.black[c] {
							t.Fatalf("sample %d of pixel %d,%d under the mark is %d, want %d", c, x, y, v, tc.black[c])
						}
						if !under && v != src.at(x, y, c) {
							t.Fatalf("sample %d of pixel %d,%d outside the mark changed from %d to %d", c, x, y, src.at(x, y, c), v)
						}
					}
				}
			}
			// Poppler draws the input's hatching under the mark (where it is
			// dark enough to tell) and the output as the input elsewhere.
			faint := map[string]bool{"ICC RGB 1 bit": true, "indexed CMYK 4 bit stream": true, "separation 4 bit": true}
			if tc.w == 40 && tc.h == 40 {
				if dark, ok := compareRenders(t, in, out); ok && dark == 0 && !faint[tc.name] {
					t.Error("poppler showed nothing dark under the mark before redaction")
				}
			}
		})
	}
}

// Run-length codes of CCITT T.4 (terminating codes, runs of 0 to 63
// pixels), for the fax encoder below.
var (
	faxWhite = [64]string{
		"00110101", "000111", "0111", "1000", "1011", "1100", "1110", "1111",
		"10011", "10100", "00111", "01000", "001000", "000011", "110100", "110101",
		"101010", "101011", "0100111", "0001100", "0001000", "0010111", "0000011", "0000100",
		"0101000", "0101011", "0010011", "0100100", "0011000", "00000010", "00000011", "00011010",
		"00011011", "00010010", "00010011", "00010100", "00010101", "00010110", "00010111", "00101000",
		"00101001", "00101010", "00101011", "00101100", "00101101", "00000100", "00000101", "00001010",
		"00001011", "01010010", "01010011", "01010100", "01010101", "00100100", "00100101", "01011000",
		"01011001", "01011010", "01011011", "01001010", "01001011", "00110010", "00110011", "00110100",
	}
	faxBlack = [64]string{
		"0000110111", "010", "11", "10", "011", "0011", "0010", "00011",
		"000101", "000100", "0000100", "0000101", "0000111", "00000100", "00000111", "000011000",
		"0000010111", "0000011000", "0000001000", "00001100111", "00001101000", "00001101100", "00000110111", "00000101000",
		"00000010111", "00000011000", "000011001010", "000011001011", "000011001100", "000011001101", "000001101000", "000001101001",
		"000001101010", "000001101011", "000011010010", "000011010011", "000011010100", "000011010101", "000011010110", "000011010111",
		"000001101100", "000001101101", "000011011010", "000011011011", "000001010100", "000001010101", "000001010110", "000001010111",
		"000001100100", "000001100101", "000001010010", "000001010011", "000000100100", "000000110111", "000000111000", "000000100111",
		"000000101000", "000001011000", "000001011001", "000000101011", "000000101100", "000001011010", "000001100110", "000001100111",
	}
)

const faxEOL = "000000000001"

// faxEncode encodes a picture of at most 63 columns (black(x, y) says which
// pixels are black) as CCITT fax data: Group 4 (every row in horizontal
// mode) when group4, else Group 3 one-dimensional with EOLs; align starts
// every row on a byte.
func faxEncode(w, h int, black func(x, y int) bool, group4, align bool) []byte {
	var bits strings.Builder
	pad := func() {
		for bits.Len()%8 != 0 {
			bits.WriteByte('0')
		}
	}
	if !group4 {
		bits.WriteString(faxEOL)
	}
	for y := range h {
		var runs []int // alternating, from a white run
		colour, run := false, 0
		for x := range w {
			if black(x, y) != colour {
				runs = append(runs, run)
				colour, run = !colour, 0
			}
			run++
		}
		runs = append(runs, run)
		if align {
			pad()
		}
		if group4 {
			if len(runs)%2 == 1 {
				runs = append(runs, 0)
			}
			for i := 0; i < len(runs); i += 2 {
				bits.WriteString("001" + faxWhite[runs[i]] + faxBlack[runs[i+1]])
			}
			continue
		}
		for i, r := range runs {
			if i%2 == 0 {
				bits.WriteString(faxWhite[r])
			} else {
				bits.WriteString(faxBlack[r])
			}
		}
		bits.WriteString(faxEOL)
	}
	if group4 {
		if align {
			pad()
		}
		bits.WriteString(faxEOL + faxEOL)
	} else {
		bits.WriteString(strings.Repeat(faxEOL, 5))
	}
	pad()
	s := bits.String()
	out := make([]byte, len(s)/8)
	for i := range out {
		for j := range 8 {
			out[i] = out[i]<<1 | (s[8*i+j] - '0')
		}
	}
	return out
}

// TestCCITTPixelsOverwritten: fax-coded images (Group 4, Group 3 1-D,
// BlackIs1, byte-aligned rows, stencil masks) are decoded, overwritten
// under the mark and stored Flate-encoded; poppler draws them as before
// outside the mark. Mixed 1-D/2-D coding (K > 0) cannot be decoded and is
// replaced whole.
func TestCCITTPixelsOverwritten(t *testing.T) {
	const w, h = 40, 40
	tests := []struct {
		name    string
		group4  bool
		align   bool
		parms   string
		dict    string
		blackIs uint16 // the sample a black fax pixel decodes to
		want    uint16 // the sample under the mark afterwards
		removed bool
	}{
		{name: "group 4", group4: true, parms: "/K -1 /Columns 40", dict: "/ColorSpace /DeviceGray /BitsPerComponent 1", blackIs: 0, want: 0},
		{name: "group 4 rows", group4: true, parms: "/K -1 /Columns 40 /Rows 40", dict: "/ColorSpace /DeviceGray /BitsPerComponent 1", blackIs: 0, want: 0},
		{name: "group 4 BlackIs1 Decode [1 0]", group4: true, parms: "/K -1 /Columns 40 /BlackIs1 true", dict: "/ColorSpace /DeviceGray /BitsPerComponent 1 /Decode [1 0]", blackIs: 1, want: 1},
		{name: "group 4 BlackIs1", group4: true, parms: "/K -1 /Columns 40 /BlackIs1 true", dict: "/ColorSpace /DeviceGray /BitsPerComponent 1", blackIs: 1, want: 0},
		{name: "group 4 byte-aligned", group4: true, align: true, parms: "/K -1 /Columns 40 /EncodedByteAlign true", dict: "/ColorSpace /DeviceGray /BitsPerComponent 1", blackIs: 0, want: 0},
		{name: "group 3 1-D", parms: "/K 0 /Columns 40 /EndOfLine true", dict: "/ColorSpace /DeviceGray /BitsPerComponent 1", blackIs: 0, want: 0},
		{name: "group 4 stencil mask", group4: true, parms: "/K -1 /Columns 40", dict: "/ImageMask true", blackIs: 0, want: 1},
		{name: "group 4 stencil mask inverted", group4: true, parms: "/K -1 /Columns 40", dict: "/ImageMask true /Decode [1 0]", blackIs: 0, want: 0},
		{name: "group 3 2-D", parms: "/K 4 /Columns 40 /EndOfLine true", dict: "/ColorSpace /DeviceGray /BitsPerComponent 1", removed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fax := faxEncode(w, h, secret, tc.group4, tc.align)
			want := func(x, y int) uint16 { // the original sample
				if secret(x, y) {
					return tc.blackIs
				}
				return 1 - tc.blackIs
			}
			r := underMark(t, w, h)
			if !tc.removed {
				// The encoder is right, and the leak is there: x/image
				// reads the hatching under the mark out of the fax data.
				sub := ccitt.Group3
				if tc.group4 {
					sub = ccitt.Group4
				}
				dec, err := io.ReadAll(ccitt.NewReader(bytes.NewReader(fax), ccitt.MSB, sub, w, h, &ccitt.Options{Align: tc.align, Invert: tc.blackIs == 1}))
				if err != nil {
					t.Fatalf("decode the test image: %v", err)
				}
				src := samples{w: w, h: h, n: 1, bpc: 1, data: dec}
				leaked := 0
				for y := range h {
					for x := range w {
						if src.at(x, y, 0) != want(x, y) {
							t.Fatalf("test image pixel %d,%d decodes to %d", x, y, src.at(x, y, 0))
						}
						if image.Pt(x, y).In(r) && secret(x, y) {
							leaked++
						}
					}
				}
				if leaked == 0 {
					t.Fatal("the test image shows nothing under the mark")
				}
			}
			in := imagePage(ingesttest.Object{Body: fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d %s /Filter /CCITTFaxDecode /DecodeParms << %s >>", w, h, tc.dict, tc.parms), Stream: fax})
			out, sd, data, rep := redactedImage(t, in)
			if tc.removed {
				if rep.Pages[0].ImagesRemoved != 1 || rep.Pages[0].ImagesChanged != 0 {
					t.Fatalf("images changed %d, removed %d: want 1 removed", rep.Pages[0].ImagesChanged, rep.Pages[0].ImagesRemoved)
				}
				if bytes.Contains(out, fax) {
					t.Error("the fax data survives")
				}
				return
			}
			if rep.Pages[0].ImagesChanged != 1 || rep.Pages[0].ImagesRemoved != 0 {
				t.Fatalf("images changed %d, removed %d: want 1 changed", rep.Pages[0].ImagesChanged, rep.Pages[0].ImagesRemoved)
			}
			for _, f := range sd.FilterPipeline {
				if f.Name != "FlateDecode" {
					t.Fatalf("filter %s left on the image", f.Name)
				}
			}
			if sd.IntEntry("Width") == nil || *sd.IntEntry("Width") != w || sd.IntEntry("Height") == nil || *sd.IntEntry("Height") != h {
				t.Fatalf("size changed: %v", sd.Dict)
			}
			got := samples{w: w, h: h, n: 1, bpc: 1, data: data}
			if len(data) < got.stride()*h {
				t.Fatalf("%d bytes of samples", len(data))
			}
			for y := range h {
				for x := range w {
					v := got.at(x, y, 0)
					if image.Pt(x, y).In(r) && v != tc.want {
						t.Fatalf("pixel %d,%d under the mark is %d, want %d", x, y, v, tc.want)
					}
					if !image.Pt(x, y).In(r) && v != want(x, y) {
						t.Fatalf("pixel %d,%d outside the mark changed from %d to %d", x, y, want(x, y), v)
					}
				}
			}
			if dark, ok := compareRenders(t, in, out); ok && dark == 0 {
				t.Error("poppler showed nothing under the mark before redaction: the test image does not test a leak")
			}
		})
	}
}

// TestChangedImageMasksDropped: the stencil mask, soft mask or colour-key
// mask of an image whose pixels were changed is dropped, and the mask
// objects, named by nothing else, are not written.
func TestChangedImageMasksDropped(t *testing.T) {
	px := bytes.Repeat([]byte{200, 150, 100}, 40*40)
	maskBits := pack(40, 40, 1, 1, func(x, y, _ int) uint16 {
		if secret(x, y) {
			return 0
		}
		return 1
	}).data
	tests := []struct {
		name  string
		mask  string
		extra []ingesttest.Object
	}{
		{"stencil", "/Mask 11 0 R", []ingesttest.Object{{Num: 11, Body: "/Type /XObject /Subtype /Image /Width 40 /Height 40 /ImageMask true /Secret (stencil shape)", Stream: maskBits}}},
		{"soft", "/SMask 11 0 R", []ingesttest.Object{{Num: 11, Body: "/Type /XObject /Subtype /Image /Width 40 /Height 40 /ColorSpace /DeviceGray /BitsPerComponent 1 /Secret (soft shape)", Stream: maskBits}}},
		{"colour key", "/Mask [200 200 150 150 100 100]", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := imagePageWith(ingesttest.Object{Body: "/Type /XObject /Subtype /Image /Width 40 /Height 40 /ColorSpace /DeviceRGB /BitsPerComponent 8 " + tc.mask, Stream: px}, tc.extra...)
			out, sd, _, rep := redactedImage(t, in)
			if rep.Pages[0].ImagesChanged != 1 {
				t.Fatalf("images changed %d, want 1", rep.Pages[0].ImagesChanged)
			}
			if _, ok := sd.Find("Mask"); ok {
				t.Error("the changed image keeps its /Mask")
			}
			if _, ok := sd.Find("SMask"); ok {
				t.Error("the changed image keeps its /SMask")
			}
			doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			for n, e := range doc.Ctx.Table {
				if e == nil || e.Free {
					continue
				}
				o, err := doc.Ctx.Dereference(*types.NewIndirectRef(n, 0))
				if err != nil {
					continue
				}
				if s, ok := o.(types.StreamDict); ok {
					if _, ok := s.Find("Secret"); ok {
						t.Errorf("object %d, the old mask, is still in the file", n)
					}
				}
			}
		})
	}
}
