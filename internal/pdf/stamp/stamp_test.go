package stamp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/pdf/content"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

func testFooter() Footer {
	return Footer{
		Reference: "REL-2026-000123",
		Recipient: "Jane Smith, Solicitor, Smith & Co",
		Date:      time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC),
	}
}

// longRestrictions is more than four lines of footer on any page.
var longRestrictions = strings.Repeat("Not to be shared with the parents or any member of the family; "+
	"may be shown to the court and to the children's guardian only (Smith & Co \\ case 2026/77), ", 12)

func requireTools(t testing.TB, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
				t.Fatalf("%s is required (make test installs it)", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixtureNames(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "testdata", "pdf", "*.pdf"))
	if err != nil || len(files) < 10 {
		t.Fatalf("fixtures: %d found (%v)", len(files), err)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	return names
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdftotextPages returns poppler's text of each page.
func pdftotextPages(t testing.TB, path string) []string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	pages := strings.Split(string(out), "\f")
	return pages[:len(pages)-1] // every page ends in a form feed
}

func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func wordCounts(s string) map[string]int {
	m := map[string]int{}
	for _, w := range strings.Fields(s) {
		m[w]++
	}
	return m
}

// display maps a point of the extractor's page space (MediaBox-relative)
// to the page as displayed: origin at the crop box's lower-left corner
// after turning it clockwise by /Rotate. It returns the displayed size
// too. Written from §8.3.2 and §14.11.2, apart from the code under test.
func display(p *text.Page, pt text.Point) (x, y, w, h float64) {
	c := p.CropBox
	cw, ch := c[2]-c[0], c[3]-c[1]
	u, v := pt.X-c[0], pt.Y-c[1]
	switch p.Rotate {
	case 90:
		return v, cw - u, ch, cw
	case 180:
		return cw - u, ch - v, cw, ch
	case 270:
		return ch - v, u, ch, cw
	}
	return u, v, cw, ch
}

// footerGlyphs returns the glyphs of page n of out that the footer drew:
// those of the page's own content after the operators of in's page n,
// which Apply wrapped in q … Q.
func footerGlyphs(t *testing.T, in []byte, outPage *text.Page) []text.Glyph {
	t.Helper()
	doc, err := ingest.Open(context.Background(), in, "", ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := doc.Contents(outPage.Number-1, maxStream)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := content.Parse(data, content.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var gs []text.Glyph
	for _, g := range outPage.Glyphs {
		if g.Source.Form == 0 && g.Source.Op > len(ops) {
			gs = append(gs, g)
		}
	}
	return gs
}

func glyphText(gs []text.Glyph) string {
	var b strings.Builder
	for _, g := range gs {
		b.WriteString(g.Text)
	}
	return b.String()
}

// checkFooterPlace checks that every footer glyph is visible, inside the
// crop box, upright, within the displayed width and in the bottom 15% of
// the page as displayed; it returns the displayed baselines, top first.
func checkFooterPlace(t *testing.T, p *text.Page, gs []text.Glyph) []float64 {
	t.Helper()
	const eps = 0.01
	var lines []float64
	for _, g := range gs {
		if g.Invisible {
			t.Errorf("page %d: footer glyph %q is invisible", p.Number, g.Text)
		}
		b := g.Quad.Bounds()
		c := p.CropBox
		if b[0] < c[0]-eps || b[1] < c[1]-eps || b[2] > c[2]+eps || b[3] > c[3]+eps {
			t.Errorf("page %d: footer glyph %q at %v is outside the crop box %v", p.Number, g.Text, b, c)
		}
		x0, y0, w, h := display(p, g.Quad[0])
		x1, y1, _, _ := display(p, g.Quad[1])
		_, ytop, _, _ := display(p, g.Quad[3])
		if x1 < x0-eps || math.Abs(y1-y0) > eps || ytop <= y0 {
			t.Errorf("page %d (rotate %d): footer glyph %q does not read upright: %v", p.Number, p.Rotate, g.Text, g.Quad)
		}
		if x0 < -eps || x1 > w+eps {
			t.Errorf("page %d: footer glyph %q at x %.1f–%.1f is outside the displayed width %.1f", p.Number, g.Text, x0, x1, w)
		}
		if ytop > 0.15*h || y0 < -eps {
			t.Errorf("page %d: footer glyph %q at y %.1f–%.1f is not in the bottom 15%% of %.1f", p.Number, g.Text, y0, ytop, h)
		}
		if len(lines) == 0 || math.Abs(lines[len(lines)-1]-y0) > 1 {
			lines = append(lines, y0)
		}
	}
	return lines
}

// TestApplyFixtures stamps every fixture and checks the result with
// qpdf, poppler and the repository's own extractor.
func TestApplyFixtures(t *testing.T) {
	requireTools(t, "pdftotext", "qpdf")
	for _, name := range fixtureNames(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := fixture(t, name)
			f := testFooter()
			out, err := Apply(context.Background(), in, f)
			if err != nil {
				t.Fatal(err)
			}
			inPath, outPath := writeTemp(t, "in.pdf", in), writeTemp(t, "out.pdf", out)
			if o, err := exec.Command("qpdf", "--check", outPath).CombinedOutput(); err != nil {
				t.Fatalf("qpdf --check: %v\n%s", err, o)
			}

			before, after := pdftotextPages(t, inPath), pdftotextPages(t, outPath)
			if len(after) != len(before) {
				t.Fatalf("pdftotext sees %d pages after, %d before", len(after), len(before))
			}
			for i := range after {
				got := squash(after[i])
				for _, want := range []string{
					"Released " + f.Reference + " to " + f.Recipient + " on 23 November 2026",
					"Restrictions: " + DefaultRestrictions,
				} {
					if !strings.Contains(got, want) {
						t.Errorf("page %d: pdftotext text lacks %q:\n%s", i+1, want, got)
					}
				}
				bw, aw := wordCounts(before[i]), wordCounts(after[i])
				for w, n := range bw {
					if aw[w] < n {
						t.Errorf("page %d: %q appears %d times before, %d after", i+1, w, n, aw[w])
					}
				}
			}

			doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			pages, err := text.New(doc, text.Limits{}).All(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for i := range pages {
				p := &pages[i]
				gs := footerGlyphs(t, in, p)
				if got := glyphText(gs); !strings.Contains(got, f.Reference) || !strings.Contains(got, "Jane Smith,") {
					t.Fatalf("page %d: footer glyphs read %q", p.Number, got)
				}
				if lines := checkFooterPlace(t, p, gs); len(lines) != 2 {
					t.Errorf("page %d: footer has %d lines, want 2", p.Number, len(lines))
				}
			}
		})
	}
}

// TestApplyLongRestrictions checks that long restrictions wrap within the
// page width, stop at four lines with an ellipsis, and that characters
// needing escapes or outside WinAnsi come out right.
func TestApplyLongRestrictions(t *testing.T) {
	requireTools(t, "pdftotext", "qpdf")
	for _, name := range []string{"police-report.libreoffice.pdf", "edge-rotated.pdf", "edge-cropbox.pdf"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := fixture(t, name)
			f := testFooter()
			f.Recipient = "Émilie Dubois (Guardian) — Cafcass \U0001F600"
			f.Restrictions = longRestrictions
			out, err := Apply(context.Background(), in, f)
			if err != nil {
				t.Fatal(err)
			}
			path := writeTemp(t, "out.pdf", out)
			if o, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
				t.Fatalf("qpdf --check: %v\n%s", err, o)
			}
			for i, pt := range pdftotextPages(t, path) {
				got := squash(pt)
				for _, want := range []string{
					"Émilie Dubois (Guardian) — Cafcass ? on 23 November 2026",
					"Restrictions: Not to be shared with the parents",
					"(Smith & Co \\ case 2026/77)",
				} {
					if !strings.Contains(got, want) {
						t.Errorf("page %d: pdftotext text lacks %q:\n%s", i+1, want, got)
					}
				}
			}
			doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			pages, err := text.New(doc, text.Limits{}).All(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for i := range pages {
				p := &pages[i]
				gs := footerGlyphs(t, in, p)
				if lines := checkFooterPlace(t, p, gs); len(lines) != 1+maxRestrictionLines {
					t.Errorf("page %d: footer has %d lines, want %d", p.Number, len(lines), 1+maxRestrictionLines)
				}
				if got := glyphText(gs); !strings.HasSuffix(got, "…") {
					t.Errorf("page %d: cut restrictions do not end in an ellipsis: %q", p.Number, got)
				}
			}
		})
	}
}

// render returns page 1 of the PDF at path as displayed (crop box,
// rotation) at 50 dpi.
func render(t *testing.T, path string) image.Image {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "page")
	if o, err := exec.Command("pdftoppm", "-r", "50", "-cropbox", "-f", "1", "-l", "1", "-singlefile", "-png", path, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, o)
	}
	b, err := os.ReadFile(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestApplyRender renders page 1 before and after: nothing above the
// footer band changes, and the band does.
func TestApplyRender(t *testing.T) {
	requireTools(t, "pdftoppm")
	for _, name := range []string{"camhs-letter.chromium.pdf", "police-report.libreoffice.pdf", "school-letter.ghostscript.pdf", "edge-rotated.pdf", "edge-cropbox.pdf"} {
		for _, restr := range []string{"", longRestrictions} {
			t.Run(fmt.Sprintf("%s/%d", name, len(restr)), func(t *testing.T) {
				t.Parallel()
				in := fixture(t, name)
				f := testFooter()
				f.Restrictions = restr
				out, err := Apply(context.Background(), in, f)
				if err != nil {
					t.Fatal(err)
				}
				doc, err := ingest.Open(context.Background(), in, "", ingest.Limits{})
				if err != nil {
					t.Fatal(err)
				}
				m, err := loadMetrics(doc, helvetica())
				if err != nil {
					t.Fatal(err)
				}
				w, h := pageGeometry(doc, doc.Page(0).Dict).displaySize()
				band := m.lay(f, w).band
				if band > 0.15*h {
					t.Errorf("band is %.1f pt high on a page %.1f pt high", band, h)
				}
				a, b := render(t, writeTemp(t, "in.pdf", in)), render(t, writeTemp(t, "out.pdf", out))
				if a.Bounds() != b.Bounds() {
					t.Fatalf("rendered %v before, %v after", a.Bounds(), b.Bounds())
				}
				r := a.Bounds()
				if want := int(math.Round(w * 50 / 72)); abs(r.Dx()-want) > 1 {
					t.Fatalf("rendered %d px wide, want %d: not the crop box as displayed", r.Dx(), want)
				}
				top := r.Max.Y - int(math.Ceil(band*50/72)) - 1 // a pixel for anti-aliasing
				changedAbove, changedBand := 0, 0
				for y := r.Min.Y; y < r.Max.Y; y++ {
					for x := r.Min.X; x < r.Max.X; x++ {
						if a.At(x, y) == b.At(x, y) {
							continue
						}
						if y < top {
							changedAbove++
						} else {
							changedBand++
						}
					}
				}
				if changedAbove > 0 {
					t.Errorf("%d pixels above the footer band changed", changedAbove)
				}
				if changedBand == 0 {
					t.Error("no pixel of the footer band changed: nothing was drawn")
				}
			})
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// TestApplyErrors checks the refusals.
func TestApplyErrors(t *testing.T) {
	good := fixture(t, "police-report.libreoffice.pdf")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		data []byte
		edit func(*Footer)
		want error
	}{
		{"not a PDF", context.Background(), []byte("Dear Sir, please find attached"), nil, ingest.ErrUnsupported},
		{"empty", context.Background(), nil, nil, ingest.ErrUnsupported},
		{"header only", context.Background(), []byte("%PDF-1.7\n%%EOF\n"), nil, ingest.ErrDamaged},
		{"no reference", context.Background(), good, func(f *Footer) { f.Reference = " " }, ErrFooter},
		{"no recipient", context.Background(), good, func(f *Footer) { f.Recipient = "" }, ErrFooter},
		{"no date", context.Background(), good, func(f *Footer) { f.Date = time.Time{} }, ErrFooter},
		{"cancelled", cancelled, good, nil, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := testFooter()
			if tt.edit != nil {
				tt.edit(&f)
			}
			out, err := Apply(tt.ctx, tt.data, f)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want an error wrapping %v", err, tt.want)
			}
			if out != nil {
				t.Errorf("got %d bytes with the error", len(out))
			}
		})
	}
}

// TestWrap checks line breaking on its own.
func TestWrap(t *testing.T) {
	doc, err := ingest.Open(context.Background(), fixture(t, "edge-differences.pdf"), "", ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := loadMetrics(doc, helvetica())
	if err != nil {
		t.Fatal(err)
	}
	// Helvetica's AFM: "a" 556, space 278, "i" 222, "W" 944.
	if got := m.measure([]byte("a i")); math.Abs(got-(556+278+222)*fontSize/1000.0) > 1e-9 {
		t.Fatalf("measure(\"a i\") = %v", got)
	}
	tests := []struct {
		name  string
		in    string
		width float64
		max   int
		want  []string
	}{
		{"fits", "one two three", 1000, 4, []string{"one two three"}},
		{"white space folded", "  one\ttwo\n three ", 1000, 4, []string{"one two three"}},
		{"breaks at spaces", "aaaa aaaa aaaa", 4.5 * 556 * fontSize / 1000.0, 4, []string{"aaaa", "aaaa", "aaaa"}},
		{"two words a line", "aa aa aa aa aa", (4*556 + 278) * fontSize / 1000.0, 4, []string{"aa aa", "aa aa", "aa"}},
		{"long word split", "aaaaaaaaaa", 4 * 556 * fontSize / 1000.0, 4, []string{"aaaa", "aaaa", "aa"}},
		{"narrower than a letter", "WW", 1, 4, []string{"W", "W"}},
		{"cut with ellipsis", "aa aa aa aa aa", (4*556 + 278) * fontSize / 1000.0, 2, []string{"aa aa", "aa…"}},
		{"empty", "   ", 100, 4, nil},
		{"not in WinAnsi", "Zoë → Łódź", 1000, 1, []string{"Zoë ? ?ód?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := m.wrap(m.encode(tt.in), tt.width, tt.max)
			var got []string
			for _, l := range lines {
				if m.measure(l) > tt.width+1e-6 && len(l) > 1 {
					t.Errorf("line %q is %.2f wide, more than %.2f", l, m.measure(l), tt.width)
				}
				got = append(got, decodeWinAnsi(l))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) || len(got) != len(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// decodeWinAnsi reads back the few codes above 0x7F the tests use.
func decodeWinAnsi(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		switch c {
		case 0x85:
			s.WriteRune('…')
		case 0xEB:
			s.WriteRune('ë')
		case 0xF3:
			s.WriteRune('ó')
		default:
			s.WriteByte(c)
		}
	}
	return s.String()
}

func TestLiteral(t *testing.T) {
	got := string(literal(nil, []byte("a(b)c\\d\x85\n")))
	if want := `(a\(b\)c\\d\205\012)`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// TestCloseOpen checks that content leaving a text object or saved states
// open is closed before the footer draws.
func TestCloseOpen(t *testing.T) {
	tests := []struct{ in, want string }{
		{"q 1 0 0 1 5 5 cm Q", ""},
		{"q q 2 0 0 2 0 0 cm BT /F1 9 Tf (x) Tj", "ET\nQ\nQ\n"},
		{"Q Q q", "Q\n"},
		{"BT ET", ""},
	}
	for _, tt := range tests {
		if got := string(closeOpen([]byte(tt.in))); got != tt.want {
			t.Errorf("closeOpen(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// handMade returns a one-page PDF whose content is body, with Helvetica
// as /F1, on a page of the given /MediaBox and /Rotate.
func handMade(body string, media string, rotate int) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox %s /Rotate %d /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>", media, rotate),
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(body)+1, body),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// TestApplyOverContent stamps pages painted black all over by content
// that leaves a scaled graphics state and a text object open: the footer
// must still be full size, in place, on white.
func TestApplyOverContent(t *testing.T) {
	requireTools(t, "pdftoppm", "pdftotext", "qpdf")
	const body = "q q 0.5 0 0 0.5 0 0 cm 0 g 0 0 2000 2000 re f 1 g BT /F1 24 Tf 40 400 Td (White on black) Tj"
	for _, rotate := range []int{0, 90, 180, 270} {
		t.Run(fmt.Sprint(rotate), func(t *testing.T) {
			t.Parallel()
			in := handMade(body, "[0 0 595 842]", rotate)
			f := testFooter()
			out, err := Apply(context.Background(), in, f)
			if err != nil {
				t.Fatal(err)
			}
			path := writeTemp(t, "out.pdf", out)
			if o, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
				t.Fatalf("qpdf --check: %v\n%s", err, o)
			}
			got := squash(strings.Join(pdftotextPages(t, path), ""))
			for _, want := range []string{"White on black", "Released " + f.Reference + " to " + f.Recipient} {
				if !strings.Contains(got, want) {
					t.Errorf("pdftotext text lacks %q: %s", want, got)
				}
			}
			doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			p, err := text.New(doc, text.Limits{}).Page(context.Background(), 1)
			if err != nil {
				t.Fatal(err)
			}
			gs := footerGlyphs(t, in, &p)
			checkFooterPlace(t, &p, gs)
			for _, g := range gs {
				if math.Abs(g.Size-fontSize) > 1e-6 {
					t.Fatalf("footer glyph %q is %.2f pt, want %d", g.Text, g.Size, fontSize)
				}
			}
			// Viewers differ on content that leaves states open (poppler and
			// MuPDF forgive it, the standard does not): the footer's text
			// object must begin outside any other, one q deep (its own).
			data, err := doc.Contents(0, maxStream)
			if err != nil {
				t.Fatal(err)
			}
			ops, err := content.Parse(data, content.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			bt := gs[0].Source.Op
			for bt >= 0 && ops[bt].Operator != "BT" {
				bt--
			}
			depth, inText := 0, false
			for _, op := range ops[:max(bt, 0)] {
				switch op.Operator {
				case "q":
					depth++
				case "Q":
					depth--
				case "BT":
					inText = true
				case "ET":
					inText = false
				}
			}
			if bt < 0 || depth != 1 || inText {
				t.Errorf("footer text object at op %d begins %d q deep, inside a text object: %v", bt, depth, inText)
			}
			// The band is white: in its rows, most pixels are, on a black page.
			img := render(t, path)
			r := img.Bounds()
			band := int(math.Floor((padBottom + 2*leading + padTop) * 50 / 72))
			white, all := 0, 0
			for y := r.Max.Y - band + 1; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					cr, cg, cb, _ := img.At(x, y).RGBA()
					all++
					if cr > 0xE000 && cg > 0xE000 && cb > 0xE000 {
						white++
					}
				}
			}
			if white < all*3/4 {
				t.Errorf("%d of %d pixels of the band are white", white, all)
			}
			if cr, _, _, _ := img.At(r.Min.X+r.Dx()/2, r.Min.Y+r.Dy()/2).RGBA(); cr > 0x2000 {
				t.Errorf("the page is not black above the band")
			}
		})
	}
}

// TestNoAPIPackage keeps pdfcpu's api package, whose init costs 100 ms at
// start-up, out of the build.
func TestNoAPIPackage(t *testing.T) {
	requireTools(t, "go")
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "github.com/pdfcpu/pdfcpu/pkg/api" {
			t.Fatalf("the package imports %s", p)
		}
	}
}
