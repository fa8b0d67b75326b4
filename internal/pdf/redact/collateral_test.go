package redact

import (
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// render rasterises page 1 of pdf at 72 dpi with poppler.
func render(t *testing.T, pdf []byte) image.Image {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", "-singlefile", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "p.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestRenderingOutsideMarksUnchanged: with the exact layout, a redacted
// page renders as before everywhere but under its boxes; with the
// quantised layout, everywhere but on the lines the boxes are on (those
// are laid out afresh).
func TestRenderingOutsideMarksUnchanged(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatal("pdftoppm is required (make test installs poppler-utils)")
		}
		t.Skip("pdftoppm not installed")
	}
	for _, tc := range []struct {
		file  string
		terms []string
	}{
		{"police-report.libreoffice.pdf", []string{"Alfie Thompson", "Kerry Thompson", "12 Acacia Avenue"}},
		{"gp-letter.reportlab.pdf", []string{"Alfie Thompson", "Kerry Thompson"}},
		{"school-letter.ghostscript.pdf", []string{"Daniel Whitcombe", "Tomasz Nowak"}},
		{"camhs-letter.chromium.pdf", []string{"Thornbury Vale"}},
	} {
		for _, policy := range []Policy{Exact, Quantised} {
			t.Run(tc.file+"/"+string(policy), func(t *testing.T) {
				in, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", tc.file))
				if err != nil {
					t.Fatal(err)
				}
				out, rep, _, err := Redact(context.Background(), in, "", Options{Terms: tc.terms, Policy: policy})
				if err != nil {
					t.Fatal(err)
				}
				if rep.Pages[0].GlyphsRemoved == 0 {
					t.Fatal("nothing removed on page 1: the comparison would prove nothing")
				}
				a, b := render(t, in), render(t, out)
				h := a.Bounds().Dy()
				inBox := func(x, y int) bool {
					px, py := float64(x)+0.5, float64(h-y)-0.5 // 72 dpi: one pixel per point
					for _, r := range rep.Pages[0].Areas {
						x0, x1 := r[0]-2, r[2]+2
						if policy == Quantised {
							x0, x1 = math.Inf(-1), math.Inf(1) // the whole line
						}
						if px >= x0 && px <= x1 && py >= r[1]-2 && py <= r[3]+2 {
							return true
						}
					}
					return false
				}
				changed, inside, outside := 0, 0, 0
				for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
					for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
						r1, g1, b1, _ := a.At(x, y).RGBA()
						r2, g2, b2, _ := b.At(x, y).RGBA()
						if r1 == r2 && g1 == g2 && b1 == b2 {
							continue
						}
						if inBox(x, y) {
							inside++
						} else {
							outside++
						}
						changed++
					}
				}
				t.Logf("%d pixels changed: %d under the boxes, %d elsewhere", changed, inside, outside)
				if inside == 0 {
					t.Error("nothing changed under the boxes")
				}
				if outside > 0 {
					t.Errorf("%d pixels changed outside the boxes", outside)
				}
			})
		}
	}
}
