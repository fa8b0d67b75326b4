package strokefont

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

// TestFitRendered draws labels in white over black boxes on a grey page,
// renders the page with poppler at one pixel per point and checks that the
// label shows inside its box, that nothing outside the box changed, and
// that the page holds no text at all.
func TestFitRendered(t *testing.T) {
	for _, tool := range []string{"pdftoppm", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (poppler-utils)", tool)
		}
	}
	tests := []struct {
		label string
		rect  [4]float64 // integers, so that box edges fall on pixel edges
		maxH  float64
	}{
		{"Third-party information", [4]float64{100, 600, 400, 630}, 12}, // maxHeight binds
		{"S40(2) personal data", [4]float64{50, 400, 170, 440}, 40},     // width binds
		{"Risk of harm", [4]float64{300, 100, 340, 300}, 20},            // narrow and tall
		{"Agypj (§&?) 0123456789", [4]float64{380, 300, 600, 322}, 30},  // height binds, descenders
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			t.Parallel()
			ops, ok := Fit(tt.label, tt.rect, tt.maxH)
			if !ok {
				t.Fatal("Fit: ok = false")
			}
			r := tt.rect
			page := fmt.Sprintf("0.5 g 0 0 612 792 re f\n0 g %g %g %g %g re f\n1 G\n%s",
				r[0], r[1], r[2]-r[0], r[3]-r[1], ops)
			dir := t.TempDir()
			pdf := filepath.Join(dir, "label.pdf")
			if err := os.WriteFile(pdf, ingesttest.OnePage(page, "<< >>"), 0o644); err != nil {
				t.Fatal(err)
			}

			out, err := exec.Command("pdftotext", pdf, "-").CombinedOutput()
			if err != nil {
				t.Fatalf("pdftotext: %v\n%s", err, out)
			}
			if s := bytes.TrimSpace(out); len(s) > 0 {
				t.Errorf("pdftotext found text %q", s)
			}

			img := render(t, pdf, filepath.Join(dir, "page"))
			if b := img.Bounds(); b.Dx() != 612 || b.Dy() != 792 {
				t.Fatalf("page rendered at %v, want 612×792", b)
			}
			bg := img.GrayAt(0, 0).Y
			if bg < 100 || bg > 150 {
				t.Fatalf("background %d, want mid grey", bg)
			}
			// The box in pixels: PDF y grows upwards, image rows downwards.
			x0, x1 := int(r[0]), int(r[2])
			y0, y1 := 792-int(r[3]), 792-int(r[1])
			const tol = 1                                   // anti-aliasing at the box edge
			ink := image.Rectangle{Min: image.Pt(612, 792)} // pixels lit by the label
			bright := 0                                     // of them, pixels near white
			for y := range 792 {
				for x := range 612 {
					v := img.GrayAt(x, y).Y
					inside := x >= x0 && x < x1 && y >= y0 && y < y1
					near := x >= x0-tol && x < x1+tol && y >= y0-tol && y < y1+tol
					switch {
					case !near && v != bg:
						t.Fatalf("pixel (%d, %d) outside the box is %d, want background %d", x, y, v, bg)
					case inside && v > 64:
						ink = ink.Union(image.Rect(x, y, x+1, y+1))
						if v > 200 {
							bright++
						}
					}
				}
			}
			if ink.Dx() < 10 || ink.Dy() < 3 || bright < 5 {
				t.Fatalf("label ink covers %v (%d white pixels) inside box %v; want a visible label",
					ink, bright, image.Rect(x0, y0, x1, y1))
			}
			if l, rr := ink.Min.X-x0, x1-ink.Max.X; l-rr > 2 || rr-l > 2 {
				t.Errorf("label not centred: %d px left of it, %d px right", l, rr)
			}
		})
	}
}

// render rasterises the one-page PDF at 72 dpi in grey and decodes it.
func render(t *testing.T, pdf, root string) *image.Gray {
	t.Helper()
	out, err := exec.Command("pdftoppm", "-r", "72", "-gray", "-png", "-singlefile", pdf, root).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(root + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode render: %v", err)
	}
	// pdftoppm may write grey as RGB; convert whatever came back.
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g
}
