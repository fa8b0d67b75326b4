package redact

import (
	"bytes"
	"compress/lzw"
	"context"
	"fmt"
	pdffont "github.com/pdfcpu/pdfcpu/pkg/font"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/content"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

const helv = "<< /Font << /F1 5 0 R >> >>"

func pageText(t *testing.T, pdf []byte) []text.Page {
	t.Helper()
	doc, err := ingest.Open(context.Background(), pdf, "", ingest.Limits{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	pages, err := text.New(doc, text.Limits{}).All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// pdftotext runs poppler on pdf when it is installed.
func pdftotext(t *testing.T, pdf []byte) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatal("pdftotext is required (make test installs poppler-utils)")
		}
		return "", false
	}
	f := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if _, err := exec.LookPath("qpdf"); err == nil {
		if out, err := exec.Command("qpdf", "--check", f).CombinedOutput(); err != nil {
			t.Fatalf("qpdf --check: %v\n%s", err, out)
		}
	}
	return string(out), true
}

// leak is one known way text survives a naive redaction.
type leak struct {
	name   string
	pdf    []byte
	terms  []string
	marks  []Mark
	keep   []string // words that must survive
	gone   string   // what must not survive (lower case)
	policy Policy
}

func leaks(t *testing.T) []leak {
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return []leak{
		{name: "term in a Tj", pdf: ingesttest.OnePage("BT /F1 12 Tf 72 700 Td (Child: Alfie Thompson lives here) Tj ET", helv),
			terms: []string{"Alfie Thompson"}, keep: []string{"Child:", "lives", "here"}, gone: "alfie"},
		{name: "term split across TJ elements with kerning", pdf: ingesttest.OnePage("BT /F1 12 Tf 72 700 Td [(Child: Al) 20 (fie T) -15 (hompson) ( lives here)] TJ ET", helv),
			terms: []string{"alfie thompson"}, keep: []string{"Child:", "lives", "here"}, gone: "alfie"},
		{name: "term across lines", pdf: ingesttest.OnePage("BT /F1 12 Tf 14 TL 72 700 Td (The child Alfie) Tj T* (Thompson was seen) Tj ET", helv),
			terms: []string{"Alfie Thompson"}, keep: []string{"child", "seen"}, gone: "thompson"},
		{name: "term across a hyphenated line end", pdf: ingesttest.OnePage("BT /F1 12 Tf 14 TL 72 700 Td (a multi-) Tj T* (agency meeting) Tj ET", helv),
			terms: []string{"multiagency"}, keep: []string{"meeting"}, gone: "agency"},
		{name: "text under a black rectangle", pdf: ingesttest.OnePage("BT /F1 12 Tf 72 700 Td (Address: 12 Acacia Avenue) Tj ET 0 g 140 695 120 18 re f", helv),
			marks: []Mark{{Page: 1, Rect: [4]float64{140, 695, 260, 713}}}, keep: []string{"Address:"}, gone: "acacia"},
		{name: "several marks on one line", pdf: ingesttest.OnePage("BT /F1 12 Tf 72 700 Td (Mother Kerry Thompson and father Daniel Whitcombe attended) Tj ET", helv),
			marks: []Mark{{Page: 1, Rect: [4]float64{111, 695, 203, 713}}, {Page: 1, Rect: [4]float64{261, 695, 360.5, 713}}},
			keep:  []string{"Mother", "and", "father", "attended"}, gone: "whitcombe"},
		{name: "white text", pdf: ingesttest.OnePage("BT /F1 12 Tf 72 700 Td (Visible line) Tj ET 1 g BT /F1 12 Tf 72 650 Td (Foster carer Mrs Kowalczyk) Tj ET", helv),
			terms: []string{"Kowalczyk"}, keep: []string{"Visible", "line", "Foster"}, gone: "kowalczyk"},
		{name: "invisible OCR text", pdf: ingesttest.OnePage("0.5 g 0 0 612 792 re f BT 3 Tr /F1 12 Tf 72 700 Td (Seen by PC Lennox Abara) Tj ET", helv),
			terms: []string{"Lennox Abara"}, keep: []string{"Seen"}, gone: "abara"},
		{name: "the term in a ligature", pdf: fixture("edge-differences.pdf"),
			terms: []string{"confidential"}, keep: []string{"Case"}, gone: "confidential"},
		{name: "form XObject on several pages, marked on one", pdf: fixture("edge-form-reused.pdf"),
			terms: []string{"Child Protection Plan"}, keep: []string{"Strategy"}, gone: "protection"},
		{name: "rotated page", pdf: fixture("edge-rotated.pdf"), terms: []string{"Okonkwo-Reid"}, keep: []string{"Pupil"}, gone: "okonkwo"},
		{name: "crop box offset from the media box", pdf: fixture("edge-cropbox.pdf"), terms: []string{"Corran Lodge"}, keep: []string{"Offset"}, gone: "corran"},
		{name: "line policy", pdf: ingesttest.OnePage("BT /F1 12 Tf 14 TL 72 700 Td (Name: Alfie Thompson, aged 8) Tj T* (Next line stays) Tj ET", helv),
			terms: []string{"Thompson"}, keep: []string{"Next", "stays"}, gone: "aged", policy: Line},
	}
}

func TestLeaks(t *testing.T) {
	for _, l := range leaks(t) {
		t.Run(l.name, func(t *testing.T) {
			// The leak is there to begin with.
			v, err := Verify(context.Background(), l.pdf, "", l.terms, l.marks, text.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if v.OK {
				t.Fatalf("the unredacted file passes verification: the test cannot see this leak")
			}
			out, rep, v, err := Redact(context.Background(), l.pdf, "", Options{Terms: l.terms, Marks: l.marks, Policy: l.policy})
			if err != nil {
				t.Fatalf("redact: %v (verification %+v, report %+v)", err, v, rep)
			}
			var all strings.Builder
			for _, p := range pageText(t, out) {
				all.WriteString(strings.ToLower(p.Text) + "\n")
			}
			if strings.Contains(all.String(), l.gone) {
				t.Errorf("%q survives: %q", l.gone, all.String())
			}
			if pt, ok := pdftotext(t, out); ok {
				low := strings.ToLower(pt)
				if strings.Contains(low, l.gone) {
					t.Errorf("pdftotext still finds %q", l.gone)
				}
				for _, w := range l.keep {
					if !strings.Contains(pt, w) {
						t.Errorf("%q was lost (pdftotext: %q)", w, pt)
					}
				}
			}
		})
	}
}

// TestSharedFormMarkedOnOnePage: a form drawn on three pages, marked on
// the second, loses its text there only; the other pages keep theirs.
func TestSharedFormMarkedOnOnePage(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", "edge-form-reused.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	var mark Mark
	for _, p := range pageText(t, b) {
		if p.Number != 2 {
			continue
		}
		for _, w := range p.Words {
			if w.Text == "Protection" {
				r := p.Glyphs[w.Glyphs[0]].Quad.Bounds()
				last := p.Glyphs[w.Glyphs[len(w.Glyphs)-1]].Quad.Bounds()
				mark = Mark{Page: 2, Rect: [4]float64{r[0], r[1], last[2], last[3]}}
			}
		}
	}
	if mark.Page == 0 {
		t.Fatal("no word Protection on page 2")
	}
	out, rep, _, err := Redact(context.Background(), b, "", Options{Marks: []Mark{mark}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pages[1].FormsCopied != 1 {
		t.Errorf("page 2 copied %d forms, want 1", rep.Pages[1].FormsCopied)
	}
	for _, p := range pageText(t, out) {
		has := strings.Contains(p.Text, "Protection")
		if has != (p.Number != 2) {
			t.Errorf("page %d: holds Protection = %v\n%s", p.Number, has, p.Text)
		}
		if !strings.Contains(p.Text, "Child") {
			t.Errorf("page %d lost the words around the mark: %q", p.Number, p.Text)
		}
	}
}

// TestImagePixelsOverwritten: OCR text over a scanned image names the
// child in the pixels too: those under the box are overwritten in the
// image data itself, the rest of the image is kept, and the old data is
// not in the file.
func TestImagePixelsOverwritten(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "pdf", "edge-invisible.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	before := pageText(t, in)[0]
	if len(before.Images) != 1 {
		t.Fatalf("%d images on page 1, want 1", len(before.Images))
	}
	out, rep, _, err := Redact(context.Background(), in, "", Options{Terms: []string{"Kacper Zielinski"}, Policy: Exact})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pages[0].ImagesChanged != 1 {
		t.Fatalf("images changed %d, want 1", rep.Pages[0].ImagesChanged)
	}
	doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	after := pageText(t, out)[0]
	im := after.Images[0]
	data, sd, err := doc.Stream(*types.NewIndirectRef(im.Object, 0), 1<<26)
	if err != nil || sd == nil {
		t.Fatalf("image: %v", err)
	}
	w, h := *sd.IntEntry("Width"), *sd.IntEntry("Height")
	area := rep.Pages[0].Areas[0]
	box := [4]Point{{X: area[0], Y: area[1]}, {X: area[2], Y: area[1]}, {X: area[2], Y: area[3]}, {X: area[0], Y: area[3]}}
	rects := pixelRects(im.Quad, [][4]Point{box}, w, h)
	if len(rects) != 1 {
		t.Fatalf("the box maps to %d pixel rectangles", len(rects))
	}
	r := rects[0]
	black, other := 0, 0
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			v := data[y*w+x]
			inBox := x >= r.Min.X && x < r.Max.X && y >= r.Min.Y && y < r.Max.Y
			if inBox && v != 0 {
				t.Fatalf("pixel %d,%d under the box is %d, not black", x, y, v)
			}
			if inBox {
				black++
			} else if v != 0 {
				other++
			}
		}
	}
	if black == 0 || other == 0 {
		t.Errorf("%d pixels blacked, %d kept: want both", black, other)
	}
}

// TestQuantisedFallsBackWhenTextWouldMoveUnderAMark: widening the gap of a
// term moves the rest of the line; when that would put kept text under a
// mark further along, that page keeps the exact layout and the report
// says its widths leak. The other page, with the same term and no mark,
// is still quantised.
func TestQuantisedFallsBackWhenTextWouldMoveUnderAMark(t *testing.T) {
	line := []byte("BT /F1 12 Tf 72 700 Td (Child: Alfie Thompson lives at 12 Acacia Avenue) Tj ET")
	pdf := ingesttest.Build(
		ingesttest.Object{Num: 1, Body: "<< /Type /Catalog /Pages 2 0 R >>"},
		ingesttest.Object{Num: 2, Body: "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>"},
		ingesttest.Object{Num: 3, Body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources " + helv + " >>"},
		ingesttest.Object{Num: 4, Stream: line},
		ingesttest.Object{Num: 5, Body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
		ingesttest.Object{Num: 6, Body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R /Resources " + helv + " >>"},
		ingesttest.Object{Num: 7, Stream: line},
	)
	mark := Mark{Page: 1, Rect: [4]float64{250, 690, 400, 715}}
	out, rep, v, err := Redact(context.Background(), pdf, "", Options{Terms: []string{"Alfie Thompson"}, Marks: []Mark{mark}})
	if err != nil || !v.OK {
		t.Fatalf("redact: %v %+v", err, v)
	}
	if rep.Policy != Quantised || !rep.WidthsLeak || len(rep.Pages) != 2 || !rep.Pages[0].WidthsLeak || rep.Pages[1].WidthsLeak {
		t.Errorf("report %+v, want page 1 (only) to leak widths", rep)
	}
	if len(rep.Problems) != 1 || !strings.HasPrefix(rep.Problems[0], "page 1: ") {
		t.Errorf("problems %q, want one, about page 1", rep.Problems)
	}
	pages := pageText(t, out)
	if p := pages[0]; !strings.Contains(p.Text, "lives") || strings.Contains(p.Text, "Acacia") {
		t.Errorf("page 1 text %q", p.Text)
	}
	if p := pages[1]; !strings.Contains(p.Text, "Acacia") || strings.Contains(p.Text, "Alfie") {
		t.Errorf("page 2 text %q", p.Text)
	}
}

// TestPathInsideMarkRemoved: a drawn signature wholly inside a mark is
// taken out of the content, not just covered.
func TestPathInsideMarkRemoved(t *testing.T) {
	pdf := ingesttest.OnePage("BT /F1 12 Tf 72 700 Td (Signed:) Tj ET 0 G 2 w 120 600 m 150 630 l 180 605 l S 300 600 m 340 640 l S", helv)
	mark := Mark{Page: 1, Rect: [4]float64{110, 590, 200, 650}}
	scribble := func(p text.Page) int {
		n := 0
		for _, path := range p.Paths {
			if b := path.Box; b[0] > 115 && b[2] < 190 && b[1] > 595 && b[3] < 640 {
				n++
			}
		}
		return n
	}
	if n := scribble(pageText(t, pdf)[0]); n != 1 {
		t.Fatalf("the input draws %d scribbles, want 1", n)
	}
	out, _, _, err := Redact(context.Background(), pdf, "", Options{Marks: []Mark{mark}})
	if err != nil {
		t.Fatal(err)
	}
	p := pageText(t, out)[0]
	if n := scribble(p); n != 0 {
		t.Errorf("the scribble under the mark is still drawn (%d)", n)
	}
	kept := false
	for _, path := range p.Paths {
		kept = kept || path.Box[0] > 295 && path.Box[2] < 345
	}
	if !kept {
		t.Error("the path outside the mark was removed")
	}
}

// TestAnnotationOverMarkRemoved: a sticky note over the redacted name goes,
// with its pop-up; one elsewhere stays.
func TestAnnotationOverMarkRemoved(t *testing.T) {
	objs := []ingesttest.Object{
		{Num: 1, Body: "<< /Type /Catalog /Pages 2 0 R >>"},
		{Num: 2, Body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{Num: 3, Body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [10 0 R 11 0 R 12 0 R] >>"},
		{Num: 4, Stream: []byte("BT /F1 12 Tf 72 700 Td (Child: Alfie Thompson) Tj ET")},
		{Num: 5, Body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
		{Num: 10, Body: "<< /Type /Annot /Subtype /Text /Rect [120 700 140 720] /Contents (see note) /Popup 11 0 R >>"},
		{Num: 11, Body: "<< /Type /Annot /Subtype /Popup /Rect [300 600 400 700] /Parent 10 0 R >>"},
		{Num: 12, Body: "<< /Type /Annot /Subtype /Text /Rect [500 100 520 120] /Contents (elsewhere) >>"},
	}
	pdf := ingesttest.Build(objs...)
	out, rep, _, err := Redact(context.Background(), pdf, "", Options{Terms: []string{"Alfie Thompson"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pages[0].AnnotationsRemoved != 1 {
		t.Errorf("removed %d annotations, want 1", rep.Pages[0].AnnotationsRemoved)
	}
	doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	annots, err := doc.Ctx.DereferenceArray(doc.Page(0).Dict["Annots"])
	if err != nil || len(annots) != 1 {
		t.Fatalf("annotations left: %v %v, want only the one elsewhere", annots, err)
	}
	d, _ := doc.Ctx.DereferenceDict(annots[0])
	if c, _ := doc.Ctx.DereferenceStringOrHexLiteral(d["Contents"], 0, nil); c != "elsewhere" {
		t.Errorf("kept the wrong annotation: %q", c)
	}
}

// withRevision appends an incremental update to pdf that replaces object 4
// (the page content) with content.
func withRevision(t *testing.T, pdf []byte, content string) []byte {
	t.Helper()
	i := strings.LastIndex(string(pdf), "startxref\n")
	if i < 0 {
		t.Fatal("no startxref")
	}
	var prev int
	if _, err := fmt.Sscanf(string(pdf[i+len("startxref\n"):]), "%d", &prev); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.Write(pdf)
	off := b.Len()
	fmt.Fprintf(&b, "4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(content), content)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n4 1\n%010d 00000 n \ntrailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", off, prev, xref)
	return []byte(b.String())
}

// TestEarlierRevision: a name removed in a later revision is still in the
// file; verification finds it there, and the redacted file, written as one
// revision, holds it no more.
func TestEarlierRevision(t *testing.T) {
	pdf := withRevision(t, ingesttest.OnePage("BT /F1 12 Tf 72 700 Td (Child: Alfie Thompson) Tj ET", helv),
		"BT /F1 12 Tf 72 700 Td (Child: withheld, see Alfie) Tj ET")
	if p := pageText(t, pdf)[0]; strings.Contains(p.Text, "Thompson") {
		t.Fatalf("the current revision still shows the name: %q", p.Text)
	}
	v, err := Verify(context.Background(), pdf, "", []string{"Alfie Thompson"}, nil, text.Limits{})
	if err != nil || v.OK {
		t.Fatalf("verification of the input missed the earlier revision: %v %+v", err, v)
	}
	out, _, v, err := Redact(context.Background(), pdf, "", Options{Terms: []string{"Alfie Thompson"}})
	if err != nil || !v.OK {
		t.Fatalf("redact: %v %+v", err, v)
	}
	if strings.Contains(strings.ToLower(string(out)), "thompson") || len(rawFileHits(out, []string{"Alfie Thompson"})) > 0 {
		t.Error("the earlier revision survives in the output")
	}
}

// pageOps returns the operations of page 1's content.
func pageOps(t *testing.T, pdf []byte) []content.Op {
	t.Helper()
	doc, err := ingest.Open(context.Background(), pdf, "", ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := doc.Contents(0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := content.Parse(data, content.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

// tjNumbers returns the TJ adjustments on page 1 of pdf.
func tjNumbers(t *testing.T, pdf []byte) []float64 {
	t.Helper()
	var nums []float64
	for _, op := range pageOps(t, pdf) {
		if op.Operator == "TJ" {
			for _, el := range op.Operands[0].Array {
				if el.Kind == content.KindNumber {
					nums = append(nums, el.Num)
				}
			}
		}
	}
	return nums
}

// TestKerningAroundGap: the removed run, with the kerning inside it and
// the adjustments either side of it, leaves one adjustment. Under the
// quantised policy it is a whole number of quanta plus the quarter-em word
// gap that stands for the -400 after the name, and the kerning of the kept
// text on that line goes too; the exact policy keeps the kerning.
func TestKerningAroundGap(t *testing.T) {
	pdf := ingesttest.OnePage("BT /F1 12 Tf 72 700 Td [(Seen by W) 80 (a) 15 (tson and ) -20 (Al) 30 (fie) -15 ( Thomp) 10 (son) -400 (T) 70 (oday)] TJ ET", helv)
	out, _, _, err := Redact(context.Background(), pdf, "", Options{Terms: []string{"Alfie Thompson"}, Policy: Quantised})
	if err != nil {
		t.Fatal(err)
	}
	got := tjNumbers(t, out)
	if len(got) != 1 || got[0] > -2*quantum || math.Mod(got[0]+spaceGap*1000, quantum) != 0 {
		t.Errorf("quantised: adjustments %v, want one: whole quanta (at least two) and a quarter em", got)
	}
	out, _, _, err = Redact(context.Background(), pdf, "", Options{Terms: []string{"Alfie Thompson"}, Policy: Exact})
	if err != nil {
		t.Fatal(err)
	}
	got = tjNumbers(t, out)
	if len(got) != 4 || got[0] != 80 || got[1] != 15 || got[2] >= -400 || got[3] != 70 {
		t.Errorf("exact: adjustments %v, want the kerning kept and one number for the run", got)
	}
}

// TestDocumentLevelLeaks: the term in places outside the page content, each
// seen by verification on the input and gone from the redacted file.
func TestDocumentLevelLeaks(t *testing.T) {
	page := "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
	content := []byte("BT /F1 12 Tf 72 700 Td (Referral received) Tj ET")
	font := "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
	xmp := []byte(`<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Alfie Thompson</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`)
	for _, tc := range []struct {
		name    string
		catalog string
		extra   []ingesttest.Object
	}{
		{"XMP metadata", "/Metadata 10 0 R", []ingesttest.Object{{Num: 10, Body: "/Type /Metadata /Subtype /XML", Stream: xmp}}},
		{"bookmark", "/Outlines 10 0 R", []ingesttest.Object{
			{Num: 10, Body: "<< /Type /Outlines /First 11 0 R /Last 11 0 R /Count 1 >>"},
			{Num: 11, Body: "<< /Title (Alfie Thompson: referral) /Parent 10 0 R /Dest [3 0 R /Fit] >>"}}},
		{"attachment", "/Names << /EmbeddedFiles << /Names [(notes.txt) 10 0 R] >> >>", []ingesttest.Object{
			{Num: 10, Body: "<< /Type /Filespec /F (notes.txt) /EF << /F 11 0 R >> >>"},
			{Num: 11, Body: "/Type /EmbeddedFile", Stream: []byte("Alfie Thompson was seen at home")}}},
		{"JavaScript", "/OpenAction << /S /JavaScript /JS (app.alert\\('Alfie Thompson'\\);) >>", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := append([]ingesttest.Object{
				{Num: 1, Body: "<< /Type /Catalog /Pages 2 0 R " + tc.catalog + " >>"},
				{Num: 2, Body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
				{Num: 3, Body: page}, {Num: 4, Stream: content}, {Num: 5, Body: font},
			}, tc.extra...)
			pdf := ingesttest.Build(objs...)
			terms := []string{"Alfie Thompson"}
			v, err := Verify(context.Background(), pdf, "", terms, nil, text.Limits{})
			if err != nil || v.OK {
				t.Fatalf("verification of the input does not see the term: %v %+v", err, v)
			}
			out, rep, v, err := Redact(context.Background(), pdf, "", Options{Terms: terms})
			if err != nil || !v.OK {
				t.Fatalf("redact: %v %+v", err, v)
			}
			if len(rep.Sanitised) == 0 {
				t.Error("the report lists nothing sanitised")
			}
			if strings.Contains(strings.ToLower(string(out)), "thompson") {
				t.Error("the term is in the output's bytes")
			}
			if p := pageText(t, out)[0]; !strings.Contains(p.Text, "Referral received") {
				t.Errorf("page text lost: %q", p.Text)
			}
		})
	}
}

// TestHiddenLayer: text in an optional-content layer switched off is not
// shown, but it is in the file: it is found and removed like any other.
func TestHiddenLayer(t *testing.T) {
	objs := []ingesttest.Object{
		{Num: 1, Body: "<< /Type /Catalog /Pages 2 0 R /OCProperties << /OCGs [10 0 R] /D << /OFF [10 0 R] >> >> >>"},
		{Num: 2, Body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{Num: 3, Body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /Properties << /L1 10 0 R >> >> >>"},
		{Num: 4, Stream: []byte("BT /F1 12 Tf 72 700 Td (Shown line) Tj ET /OC /L1 BDC BT /F1 12 Tf 72 650 Td (Hidden: Alfie Thompson) Tj ET EMC")},
		{Num: 5, Body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
		{Num: 10, Body: "<< /Type /OCG /Name (Notes) >>"},
	}
	pdf := ingesttest.Build(objs...)
	terms := []string{"Alfie Thompson"}
	if v, err := Verify(context.Background(), pdf, "", terms, nil, text.Limits{}); err != nil || v.OK {
		t.Fatalf("verification of the input does not see the hidden layer: %v %+v", err, v)
	}
	out, _, v, err := Redact(context.Background(), pdf, "", Options{Terms: terms})
	if err != nil || !v.OK {
		t.Fatalf("redact: %v %+v", err, v)
	}
	if p := pageText(t, out)[0]; strings.Contains(p.Text, "Thompson") || !strings.Contains(p.Text, "Shown line") {
		t.Errorf("text %q", p.Text)
	}
}

// TestInlineImage: an inline image's pixels under a mark are overwritten
// in the content stream; one the engine cannot decode is removed.
func TestInlineImage(t *testing.T) {
	pix := bytes.Repeat([]byte{200}, 4*2) // 4×2 grey
	for _, tc := range []struct {
		name, dict string
		removed    bool
	}{
		{"grey samples", "/W 4 /H 2 /BPC 8 /CS /G", false},
		{"filtered", "/W 4 /H 2 /BPC 8 /CS /G /F /AHx", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := string(pix)
			if tc.removed {
				data = "c8c8c8c8c8c8c8c8>"
			}
			pdf := ingesttest.OnePage("q 100 0 0 50 72 600 cm BI "+tc.dict+" ID "+data+"\nEI Q BT /F1 12 Tf 72 700 Td (Text) Tj ET", helv)
			// The left half of the image: its first two columns.
			out, rep, _, err := Redact(context.Background(), pdf, "", Options{Marks: []Mark{{Page: 1, Rect: [4]float64{70, 590, 122, 660}}}})
			if err != nil {
				t.Fatal(err)
			}
			ops := pageOps(t, out)
			var img *content.Op
			for i := range ops {
				if ops[i].Operator == "BI" {
					img = &ops[i]
				}
			}
			if tc.removed {
				if img != nil || rep.Pages[0].ImagesRemoved != 1 {
					t.Errorf("the image is still drawn (report %+v)", rep.Pages[0])
				}
				return
			}
			if img == nil || rep.Pages[0].ImagesChanged != 1 {
				t.Fatalf("no image (report %+v)", rep.Pages[0])
			}
			want := []byte{0, 0, 200, 200, 0, 0, 200, 200}
			if !bytes.Equal(img.Data, want) {
				t.Errorf("samples %v, want %v", img.Data, want)
			}
		})
	}
}

// imagePage is a page drawing image XObject 10 over [100 100 300 300].
func imagePage(img ingesttest.Object) []byte {
	img.Num = 10
	return ingesttest.OnePage("q 200 0 0 200 100 100 cm /Im Do Q BT /F1 12 Tf 72 700 Td (Photo) Tj ET",
		"<< /Font << /F1 5 0 R >> /XObject << /Im 10 0 R >> >>", img)
}

func TestJPEGAndUndecodableImages(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 40, 40))
	draw.Draw(src, src.Bounds(), &image.Uniform{C: color.RGBA{200, 180, 90, 255}}, image.Point{}, draw.Src)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, src, nil); err != nil {
		t.Fatal(err)
	}
	mark := Mark{Page: 1, Rect: [4]float64{100, 100, 200, 200}} // the image's lower-left quarter
	t.Run("DCT", func(t *testing.T) {
		pdf := imagePage(ingesttest.Object{Body: "/Type /XObject /Subtype /Image /Width 40 /Height 40 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", Stream: jpg.Bytes()})
		out, rep, _, err := Redact(context.Background(), pdf, "", Options{Marks: []Mark{mark}})
		if err != nil || rep.Pages[0].ImagesChanged != 1 {
			t.Fatalf("%v %+v", err, rep.Pages)
		}
		doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		im := pageText(t, out)[0].Images[0]
		data, _, err := doc.Stream(*types.NewIndirectRef(im.Object, 0), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		dark := func(x, y int) bool { r, g, b, _ := dec.At(x, y).RGBA(); return r < 0x2000 && g < 0x2000 && b < 0x2000 }
		if !dark(5, 35) || !dark(15, 25) { // lower-left quarter: image rows run top down
			t.Error("pixels under the mark are not black")
		}
		if dark(30, 5) {
			t.Error("pixels outside the mark went black")
		}
	})
	t.Run("CCITT data that does not decode is replaced whole", func(t *testing.T) {
		pdf := imagePage(ingesttest.Object{Body: "/Type /XObject /Subtype /Image /Width 40 /Height 40 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 40 >>", Stream: []byte("CCITT bits of a signature")})
		out, rep, _, err := Redact(context.Background(), pdf, "", Options{Marks: []Mark{mark}})
		if err != nil || rep.Pages[0].ImagesRemoved != 1 {
			t.Fatalf("%v %+v", err, rep.Pages)
		}
		if bytes.Contains(out, []byte("CCITT")) {
			t.Error("the CCITT image survives in the file")
		}
	})
	t.Run("LZW samples", func(t *testing.T) {
		var lz bytes.Buffer
		zw := lzw.NewWriter(&lz, lzw.MSB, 8) // no early change: say so below
		if _, err := zw.Write(bytes.Repeat([]byte{200}, 1600)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		pdf := imagePage(ingesttest.Object{Body: "/Type /XObject /Subtype /Image /Width 40 /Height 40 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /LZWDecode /DecodeParms << /EarlyChange 0 >>", Stream: lz.Bytes()})
		out, rep, _, err := Redact(context.Background(), pdf, "", Options{Marks: []Mark{mark}})
		if err != nil || rep.Pages[0].ImagesChanged != 1 {
			t.Fatalf("%v %+v", err, rep.Pages)
		}
		doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		im := pageText(t, out)[0].Images[0]
		data, _, err := doc.Stream(*types.NewIndirectRef(im.Object, 0), 1<<20)
		if err != nil || len(data) != 1600 {
			t.Fatalf("%v, %d bytes", err, len(data))
		}
		// Lower-left quarter black (rows 20-39, columns 0-19), the rest kept.
		if data[39*40+0] != 0 || data[20*40+19] != 0 || data[0] != 200 || data[39*40+39] != 200 {
			t.Errorf("samples not as expected: corners %d %d %d %d", data[39*40], data[20*40+19], data[0], data[39*40+39])
		}
	})
	t.Run("JBIG2 replaced whole", func(t *testing.T) {
		pdf := imagePage(ingesttest.Object{Body: "/Type /XObject /Subtype /Image /Width 40 /Height 40 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode", Stream: []byte("Alfie Thompson as JBIG2 bits")})
		out, rep, _, err := Redact(context.Background(), pdf, "", Options{Marks: []Mark{mark}})
		if err != nil || rep.Pages[0].ImagesRemoved != 1 {
			t.Fatalf("%v %+v", err, rep.Pages)
		}
		if bytes.Contains(out, []byte("JBIG2")) || bytes.Contains(out, []byte("Alfie")) {
			t.Error("the JBIG2 image survives in the file")
		}
	})
}

// TestFormFields: field values live in the field dictionaries and in their
// appearance streams. Fields are flattened into the page, so the values
// that are kept read as page text and a term is cut like any other text,
// with nothing left in the interactive form.
func TestFormFields(t *testing.T) {
	objs := []ingesttest.Object{
		{Num: 1, Body: "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [10 0 R 12 0 R 13 0 R 14 0 R] /NeedAppearances true /DA (/Helv 10 Tf 0 g) >> >>"},
		{Num: 2, Body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		{Num: 3, Body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [10 0 R 12 0 R 13 0 R 14 0 R] >>"},
		{Num: 4, Stream: []byte("BT /F1 12 Tf 72 720 Td (Referral form) Tj ET")},
		{Num: 5, Body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
		// A text field with an appearance stream, scaled by /Matrix.
		{Num: 10, Body: "<< /Type /Annot /Subtype /Widget /FT /Tx /T (child) /V (Alfie Thompson, aged 8) /Rect [72 660 372 680] /P 3 0 R /AP << /N 11 0 R >> >>"},
		{Num: 11, Body: "/Type /XObject /Subtype /Form /BBox [0 0 600 40] /Matrix [0.5 0 0 0.5 0 0] /Resources << /Font << /F1 5 0 R >> >>",
			Stream: []byte("/Tx BMC BT /F1 20 Tf 4 12 Td (Alfie Thompson, aged 8) Tj ET EMC")},
		// A value with no appearance: the viewer would draw it.
		{Num: 12, Body: "<< /Type /Annot /Subtype /Widget /FT /Tx /T (date) /V (Visited 2024-03-01) /DA (/Helv 10 Tf 0 g) /Rect [72 630 372 650] /P 3 0 R >>"},
		// A hidden field still holds its value in the file.
		{Num: 13, Body: "<< /Type /Annot /Subtype /Widget /FT /Tx /T (note) /V (carer Alfie Thompson) /F 2 /Rect [72 600 372 620] /P 3 0 R >>"},
		// A checkbox in its On state.
		{Num: 14, Body: "<< /Type /Annot /Subtype /Widget /FT /Btn /T (seen) /V /On /AS /On /Rect [72 570 92 590] /P 3 0 R /AP << /N << /On 15 0 R /Off 16 0 R >> >> >>"},
		{Num: 15, Body: "/Type /XObject /Subtype /Form /BBox [0 0 20 20] /Resources << /Font << /F1 5 0 R >> >>", Stream: []byte("BT /F1 12 Tf 4 5 Td (Yes) Tj ET")},
		{Num: 16, Body: "/Type /XObject /Subtype /Form /BBox [0 0 20 20]", Stream: []byte("")},
	}
	pdf := ingesttest.Build(objs...)
	terms := []string{"Alfie Thompson"}
	if v, err := Verify(context.Background(), pdf, "", terms, nil, text.Limits{}); err != nil || v.OK {
		t.Fatalf("verification of the input does not see the field values: %v %+v", err, v)
	}
	out, rep, v, err := Redact(context.Background(), pdf, "", Options{Terms: terms})
	if err != nil || !v.OK {
		t.Fatalf("redact: %v %+v", err, v)
	}
	if got := rep.Pages[0].FieldsFlattened; got != 3 {
		t.Errorf("flattened %d fields, want 3 (the hidden one goes without being drawn)", got)
	}
	if strings.Contains(strings.ToLower(string(out)), "thompson") {
		t.Error("the term is in the output's bytes")
	}
	doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	root, _ := doc.Ctx.Catalog()
	if _, ok := root["AcroForm"]; ok {
		t.Error("the interactive form is still in the catalog")
	}
	if _, ok := doc.Page(0).Dict["Annots"]; ok {
		t.Error("widgets are still on the page")
	}
	p := pageText(t, out)[0]
	for _, w := range []string{"Referral form", "aged 8", "Visited 2024-03-01", "Yes"} {
		if !strings.Contains(p.Text, w) {
			t.Errorf("%q is not on the flattened page: %q", w, p.Text)
		}
	}
	// The flattened value sits where the field was.
	for _, g := range p.Glyphs {
		if g.Text == "V" {
			b := g.Quad.Bounds()
			if b[0] < 72 || b[2] > 372 || b[1] < 628 || b[3] > 652 {
				t.Errorf("the date field's text is drawn at %v, outside its rectangle", b)
			}
		}
	}
	if pt, ok := pdftotext(t, out); ok {
		if !strings.Contains(pt, "Visited 2024-03-01") || strings.Contains(strings.ToLower(pt), "thompson") {
			t.Errorf("pdftotext: %q", pt)
		}
	}
}

// TestLinksIntoRemovedText: links whose destination is a redacted area
// go, however the destination is given; links elsewhere stay.
func TestLinksIntoRemovedText(t *testing.T) {
	link := func(n int, y int, dest string) ingesttest.Object {
		return ingesttest.Object{Num: n, Body: fmt.Sprintf("<< /Type /Annot /Subtype /Link /Rect [72 %d 200 %d] %s >>", y, y+12, dest)}
	}
	objs := []ingesttest.Object{
		{Num: 1, Body: "<< /Type /Catalog /Pages 2 0 R /Dests << /there [6 0 R /FitH 712] >> /Names << /Dests << /Names [(kept) [6 0 R /XYZ 0 420 0]] >> >> >>"},
		{Num: 2, Body: "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>"},
		{Num: 3, Body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [10 0 R 11 0 R 12 0 R 13 0 R 14 0 R 15 0 R] >>"},
		{Num: 4, Stream: []byte("BT /F1 12 Tf 72 700 Td (Contents) Tj ET")},
		{Num: 5, Body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
		{Num: 6, Body: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>"},
		{Num: 7, Stream: []byte("BT /F1 12 Tf 72 700 Td (Seen: Alfie Thompson) Tj 0 -300 Td (Kept section) Tj ET")},
		link(10, 600, "/Dest [6 0 R /XYZ 0 712 0]"),
		link(11, 580, "/A << /S /GoTo /D (kept) >>"),
		link(12, 560, "/Dest /there"),
		link(13, 540, "/Dest [6 0 R /FitR 60 690 300 720]"),
		link(14, 520, "/Dest [6 0 R /Fit]"),
		link(15, 500, "/A << /S /GoTo /D [6 0 R /XYZ 0 420 null] >>"),
	}
	pdf := ingesttest.Build(objs...)
	out, rep, _, err := Redact(context.Background(), pdf, "", Options{Terms: []string{"Alfie Thompson"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Pages[0].AnnotationsRemoved; got != 3 {
		t.Errorf("removed %d links from page 1, want 3", got)
	}
	doc, err := ingest.Open(context.Background(), out, "", ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	annots, _ := doc.Ctx.DereferenceArray(doc.Page(0).Dict["Annots"])
	var ys []float64
	for _, a := range annots {
		d, _ := doc.Ctx.DereferenceDict(a)
		r, _ := rectOf(doc, d["Rect"])
		ys = append(ys, r[1])
	}
	if fmt.Sprint(ys) != "[580 520 500]" {
		t.Errorf("links kept at y %v, want those at [580 520 500]", ys)
	}
}

// TestLabels: a reason printed on a box is drawn with strokes inside the
// box, so the output still verifies and no text is added to the page.
func TestLabels(t *testing.T) {
	pdf := ingesttest.OnePage("BT /F1 12 Tf 72 700 Td (Address: 12 Acacia Avenue) Tj ET", helv)
	marks := []Mark{{Page: 1, Rect: [4]float64{115, 690, 300, 716}, Reason: "Third-party information"}}
	plain, _, _, err := Redact(context.Background(), pdf, "", Options{Marks: marks})
	if err != nil {
		t.Fatal(err)
	}
	out, rep, v, err := Redact(context.Background(), pdf, "", Options{Marks: marks, Labels: true})
	if err != nil || !v.OK {
		t.Fatalf("redact with labels: %v %+v", err, v)
	}
	strokes := func(pdf []byte) int {
		n := 0
		for _, op := range pageOps(t, pdf) {
			if op.Operator == "S" {
				n++
			}
		}
		return n
	}
	if a, b := strokes(plain), strokes(out); b <= a {
		t.Errorf("the labelled page strokes %d paths, the plain one %d: no label drawn", b, a)
	}
	p := pageText(t, out)[0]
	if want := pageText(t, plain)[0].Text; p.Text != want || !strings.HasPrefix(want, "Address") {
		t.Errorf("page text %q, without labels %q: the label must not be text", p.Text, want)
	}
	// The page draws nothing but text, so every path is a box or a label.
	for _, path := range p.Paths {
		b, inside := path.Box, false
		for _, a := range rep.Pages[0].Areas {
			inside = inside || b[0] >= a[0]-0.1 && b[1] >= a[1]-0.1 && b[2] <= a[2]+0.1 && b[3] <= a[3]+0.1
		}
		if !inside {
			t.Errorf("a path at %v leaves the boxes %v", b, rep.Pages[0].Areas)
		}
	}
}

// TestJustifiedLineLosesItsWordSpacing: a justified line's Tw is the
// line's spare width shared among its spaces, so it tells the natural
// width of the line, removed name included. Under the quantised policy no
// Tw or Tc but zero is left in the stream, the redacted line's spaces are
// their font's own width, and the line below, justified with the same Tw
// and holding nothing removed, keeps every glyph where it was.
func TestJustifiedLineLosesItsWordSpacing(t *testing.T) {
	pdf := ingesttest.OnePage("BT /F1 12 Tf 14 TL 72 700 Td 2.375 Tw 0.25 Tc (Seen by Alfie Thompson at home on Monday) Tj T* (and again at school on the Friday after) Tj ET", helv)
	out, rep, _, err := Redact(context.Background(), pdf, "", Options{Terms: []string{"Alfie Thompson"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range pageOps(t, out) {
		if (op.Operator == "Tw" || op.Operator == "Tc") && op.Operands[0].Num != 0 {
			t.Errorf("%v %s left in the stream", op.Operands[0].Num, op.Operator)
		}
	}
	before, after := pageText(t, pdf)[0], pageText(t, out)[0]
	// The second line: same glyphs, same places.
	var was, now []text.Quad
	for _, g := range before.Glyphs {
		if g.Quad[0].Y < 690 {
			was = append(was, g.Quad)
		}
	}
	for _, g := range after.Glyphs {
		if g.Quad[0].Y < 690 {
			now = append(now, g.Quad)
		}
	}
	if len(was) != len(now) {
		t.Fatalf("second line: %d glyphs, was %d", len(now), len(was))
	}
	for i := range was {
		for k := range was[i] {
			if math.Abs(was[i][k].X-now[i][k].X) > 0.001 || math.Abs(was[i][k].Y-now[i][k].Y) > 0.001 {
				t.Fatalf("second line, glyph %d moved: %v, was %v", i, now[i], was[i])
			}
		}
	}
	if _, odd, pairs := layoutOddities([]text.Page{after}, rep); odd > 0 || pairs == 0 {
		t.Errorf("first line: %d of %d glyph pairs spaced by the original layout", odd, pairs)
	}
	// And the exact policy keeps the spacing, so the check above can fail.
	out, rep, _, err = Redact(context.Background(), pdf, "", Options{Terms: []string{"Alfie Thompson"}, Policy: Exact})
	if err != nil {
		t.Fatal(err)
	}
	if _, odd, _ := layoutOddities(pageText(t, out), rep); odd == 0 {
		t.Error("exact policy: the spacing was normalised too")
	}
}

// twoLines is a page whose crop box ends at x = crop, with a line holding
// name and, below it, a line that sets the column's right margin.
func twoLines(name string, crop float64) []byte {
	content := fmt.Sprintf("BT /F1 12 Tf 72 700 Td (Seen at school on Monday by %s and her brother) Tj 0 -14 Td (The second line of this paragraph is the longest one of all, by far.) Tj ET", name)
	return ingesttest.Build(
		ingesttest.Object{Num: 1, Body: "<< /Type /Catalog /Pages 2 0 R >>"},
		ingesttest.Object{Num: 2, Body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		ingesttest.Object{Num: 3, Body: fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /CropBox [0 0 %g 792] /Contents 4 0 R /Resources %s >>", crop, helv)},
		ingesttest.Object{Num: 4, Stream: []byte(content)},
		ingesttest.Object{Num: 5, Body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
	)
}

// TestWidenedLineKeepsToItsMargin: a line whose widened gap would carry
// it past the furthest its column's other lines reach (here also past the
// crop box) ends at that margin instead, the gap giving back the
// difference; two names of different widths (the same number of quanta)
// leave the kept words in the same places, and nothing falls back to the
// exact layout. The line, 330 and 336 pt long, would be 355 pt widened;
// the margin line is 344 pt.
func TestWidenedLineKeepsToItsMargin(t *testing.T) {
	margin := 72 + helvWidth(t, "The second line of this paragraph is the longest one of all, by far.", 12)
	var first [][]text.Quad
	for _, name := range []string{"Kerry Thompson", "Alfie Thompson"} {
		pdf := twoLines(name, margin+3)
		if p := pageText(t, pdf)[0]; !strings.Contains(p.Text, name) {
			t.Fatalf("%s is not in the input", name)
		}
		out, rep, _, err := Redact(context.Background(), pdf, "", Options{Terms: []string{name}})
		if err != nil {
			t.Fatal(err)
		}
		if rep.WidthsLeak {
			t.Fatalf("%s: fell back: %q", name, rep.Problems)
		}
		p := pageText(t, out)[0]
		var quads []text.Quad
		for _, g := range p.Glyphs {
			if g.Quad[0].Y > 690 {
				quads = append(quads, g.Quad)
				if g.Quad[1].X > margin+0.01 || g.Invisible {
					t.Errorf("%s: %q ends at %.2f, past the margin %.2f (invisible %v)", name, g.Text, g.Quad[1].X, margin, g.Invisible)
				}
			}
		}
		if !strings.Contains(p.Text, "and her brother") || !strings.Contains(p.Text, "Seen at school on Monday by") {
			t.Errorf("%s: kept text %q", name, p.Text)
		}
		first = append(first, quads)
	}
	if len(first[0]) != len(first[1]) {
		t.Fatalf("%d and %d glyphs kept", len(first[0]), len(first[1]))
	}
	for i := range first[0] {
		if math.Abs(first[0][i][0].X-first[1][i][0].X) > 0.01 {
			t.Fatalf("glyph %d at %.3f for one name and %.3f for the other", i, first[0][i][0].X, first[1][i][0].X)
		}
	}
}

// TestWidenedLineOutOfSightFallsBack: with no other line to take a margin
// from, a widened line that would run out of the crop box keeps its exact
// layout on that page, and the report says so.
func TestWidenedLineOutOfSightFallsBack(t *testing.T) {
	const line = "Seen at school by Ivy Ali and her brother" // the name gains 32 pt
	pdf := ingesttest.Build(
		ingesttest.Object{Num: 1, Body: "<< /Type /Catalog /Pages 2 0 R >>"},
		ingesttest.Object{Num: 2, Body: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
		ingesttest.Object{Num: 3, Body: fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /CropBox [0 0 %g 792] /Contents 4 0 R /Resources %s >>",
			72+helvWidth(t, line, 12)+5, helv)},
		ingesttest.Object{Num: 4, Stream: []byte("BT /F1 12 Tf 72 700 Td (" + line + ") Tj ET")},
		ingesttest.Object{Num: 5, Body: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"},
	)
	if p := pageText(t, pdf)[0]; p.Glyphs[len(p.Glyphs)-1].Invisible {
		t.Fatal("the input's line already runs out of the crop box")
	}
	out, rep, _, err := Redact(context.Background(), pdf, "", Options{Terms: []string{"Ivy Ali"}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pages[0].WidthsLeak || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0], "out of sight") {
		t.Errorf("report %+v, want page 1 kept exact because text went out of sight", rep)
	}
	for _, g := range pageText(t, out)[0].Glyphs {
		if g.Invisible {
			t.Errorf("%q is out of sight", g.Text)
		}
	}
}

func helvWidth(t *testing.T, s string, size float64) float64 {
	t.Helper()
	w, err := pdffont.TextWidthFloat(s, "Helvetica", size)
	if err != nil {
		t.Fatal(err)
	}
	return w
}
