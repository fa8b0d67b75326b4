package content_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/content"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
)

// TestMain keeps pdfcpu away from its configuration directory, as main does.
func TestMain(m *testing.M) {
	api.DisableConfigDir()
	os.Exit(m.Run())
}

// fixtureDir holds the repository's real-producer and edge-case PDFs.
const fixtureDir = "../../../testdata/pdf"

const (
	maxStream    = 64 << 20 // decoded bytes of one content stream
	maxFormDepth = 16       // resource nesting followed from a page
)

// unit is one content stream as a reader sees it: a page's /Contents (the
// streams of an array joined with a newline, §7.8.2), or one form XObject
// or Type3 glyph procedure.
type unit struct {
	what  string
	page  types.Dict // the page whose /Contents this is; nil otherwise
	objNr int        // the stream object, when page is nil
	data  []byte     // decoded
}

// streams collects every content stream drawn on doc's pages: the pages'
// contents and, recursively, the form XObjects and Type3 CharProcs their
// resources reach. Shared objects are collected once.
func streams(t testing.TB, doc *ingest.Document) []unit {
	t.Helper()
	w := walker{t: t, doc: doc, seen: map[int]bool{}}
	for i := range doc.NumPages() {
		p := doc.Page(i)
		w.contents(i, p.Dict)
		w.resources(p.Resources, 0)
	}
	return w.units
}

type walker struct {
	t     testing.TB
	doc   *ingest.Document
	seen  map[int]bool // objects already visited
	units []unit
}

func (w *walker) contents(i int, page types.Dict) {
	c, ok := page["Contents"]
	if !ok {
		return
	}
	o, err := w.doc.Ctx.Dereference(c)
	if err != nil {
		w.t.Fatalf("page %d: contents: %v", i+1, err)
	}
	var refs []types.Object
	switch v := o.(type) {
	case types.StreamDict:
		refs = []types.Object{c}
	case types.Array:
		refs = v
	default:
		w.t.Fatalf("page %d: contents is a %T", i+1, o)
	}
	var data []byte
	for k, r := range refs {
		b, _, err := w.doc.Stream(r, maxStream)
		if err != nil {
			w.t.Fatalf("page %d: content stream %d: %v", i+1, k, err)
		}
		if k > 0 {
			data = append(data, '\n')
		}
		data = append(data, b...)
	}
	w.units = append(w.units, unit{what: fmt.Sprintf("page %d contents (%d streams)", i+1, len(refs)), page: page, data: data})
}

// first reports whether the object o refers to is met for the first time.
func (w *walker) first(o types.Object) bool {
	ir, ok := o.(types.IndirectRef)
	if !ok {
		return true
	}
	n := ir.ObjectNumber.Value()
	if w.seen[n] {
		return false
	}
	w.seen[n] = true
	return true
}

func (w *walker) stream(what string, o types.Object) (*types.StreamDict, bool) {
	ir, ok := o.(types.IndirectRef)
	if !ok || !w.first(o) {
		return nil, false // streams are always indirect (§7.3.8)
	}
	data, sd, err := w.doc.Stream(ir, maxStream)
	if err != nil {
		w.t.Fatalf("%s %v: %v", what, ir, err)
	}
	if sd == nil {
		return nil, false
	}
	w.units = append(w.units, unit{what: fmt.Sprintf("%s %v", what, ir), objNr: ir.ObjectNumber.Value(), data: data})
	return sd, true
}

func (w *walker) dict(o types.Object) types.Dict {
	d, err := w.doc.Ctx.DereferenceDict(o)
	if err != nil {
		w.t.Fatalf("resource %v: %v", o, err)
	}
	return d
}

func (w *walker) resources(o types.Object, depth int) {
	if o == nil || depth > maxFormDepth || !w.first(o) {
		return
	}
	res := w.dict(o)
	xobjs := w.dict(res["XObject"])
	for _, name := range sortedKeys(xobjs) {
		x := xobjs[name]
		sd, _, err := w.doc.Ctx.DereferenceStreamDict(x)
		if err != nil || sd == nil || sd.Subtype() == nil || *sd.Subtype() != "Form" {
			continue
		}
		if sd, ok := w.stream("form", x); ok {
			w.resources(sd.Dict["Resources"], depth+1)
		}
	}
	fonts := w.dict(res["Font"])
	for _, name := range sortedKeys(fonts) {
		fo := fonts[name]
		f := w.dict(fo)
		if f == nil || f.Subtype() == nil || *f.Subtype() != "Type3" || !w.first(fo) {
			continue
		}
		procs := w.dict(f["CharProcs"])
		for _, glyph := range sortedKeys(procs) {
			w.stream("charproc", procs[glyph])
		}
		w.resources(f["Resources"], depth+1)
	}
}

func sortedKeys(d types.Dict) []string {
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// replace puts outs[i] in place of units[i] in doc: each page gets one new
// Flate stream as its /Contents, each form or glyph procedure keeps its
// object number and dictionary with the new data, Flate-encoded.
func replace(t testing.TB, doc *ingest.Document, units []unit, outs [][]byte) {
	t.Helper()
	for i, u := range units {
		if u.page != nil {
			sd, err := doc.Ctx.NewStreamDictForBuf(outs[i])
			if err == nil {
				err = sd.Encode()
			}
			if err != nil {
				t.Fatalf("%s: %v", u.what, err)
			}
			ir, err := doc.Ctx.IndRefForNewObject(*sd)
			if err != nil {
				t.Fatalf("%s: %v", u.what, err)
			}
			u.page["Contents"] = *ir
			continue
		}
		e, ok := doc.Ctx.Table[u.objNr]
		if !ok || e == nil {
			t.Fatalf("%s: no xref entry", u.what)
		}
		sd, ok := e.Object.(types.StreamDict)
		if !ok {
			t.Fatalf("%s: entry holds a %T", u.what, e.Object)
		}
		sd.Content = outs[i]
		sd.FilterPipeline = []types.PDFFilter{{Name: filter.Flate}}
		sd.Delete("DecodeParms")
		sd.Update("Filter", types.Name(filter.Flate))
		if err := sd.Encode(); err != nil {
			t.Fatalf("%s: %v", u.what, err)
		}
		e.Object = sd
	}
}

// rewrite opens data afresh, replaces its content streams with what
// transform makes of them and writes it with pdfcpu. It returns the file,
// the bytes each stream was replaced with and the number of pages.
func rewrite(t testing.TB, data []byte, transform func(unit) []byte) ([]byte, [][]byte, int) {
	t.Helper()
	doc, err := ingest.Open(context.Background(), data, "", ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	units := streams(t, doc)
	outs := make([][]byte, len(units))
	for i, u := range units {
		outs[i] = transform(u)
	}
	replace(t, doc, units, outs)
	var buf bytes.Buffer
	if err := api.WriteContext(doc.Ctx, &buf); err != nil {
		t.Fatalf("write: %v", err)
	}
	return buf.Bytes(), outs, doc.NumPages()
}

// roundTrip serializes the operations of u and checks that parsing the
// result gives them back and that serializing again changes nothing.
func roundTrip(t testing.TB, u unit) (out []byte, nops int) {
	t.Helper()
	ops1, err := content.Parse(u.data, content.DefaultLimits())
	if err != nil {
		t.Fatalf("%s: parse: %v", u.what, err)
	}
	out = content.Append(nil, ops1)
	ops2, err := content.Parse(out, content.DefaultLimits())
	if err != nil {
		t.Fatalf("%s: parse serialized: %v", u.what, err)
	}
	if len(ops1) != len(ops2) {
		t.Errorf("%s: %d ops, %d after the round trip", u.what, len(ops1), len(ops2))
	}
	for i := range min(len(ops1), len(ops2)) {
		if d := diffOp(ops1[i], ops2[i]); d != "" {
			t.Errorf("%s: op %d (%s): %s", u.what, i, ops1[i].Operator, d)
			break
		}
	}
	if again := content.Append(nil, ops2); !bytes.Equal(again, out) {
		t.Errorf("%s: serialization is not canonical: second pass gives %d bytes, first %d", u.what, len(again), len(out))
	}
	return out, len(ops1)
}

// diffOp compares two operations, ignoring where they were in their input,
// and describes the first difference.
func diffOp(a, b content.Op) string {
	if a.Operator != b.Operator {
		return fmt.Sprintf("operator %q became %q", a.Operator, b.Operator)
	}
	if !bytes.Equal(a.Data, b.Data) {
		return fmt.Sprintf("inline image data of %d bytes became %d bytes", len(a.Data), len(b.Data))
	}
	if len(a.Operands) != len(b.Operands) {
		return fmt.Sprintf("%d operands became %d", len(a.Operands), len(b.Operands))
	}
	for i := range a.Operands {
		if d := diffOperand(a.Operands[i], b.Operands[i]); d != "" {
			return fmt.Sprintf("operand %d: %s", i, d)
		}
	}
	return ""
}

// diffOperand compares operands exactly. Numbers need no tolerance: Append
// writes the shortest decimal that parses back to the same float64
// (strconv 'f', -1), and the lexer reads it with strconv.ParseFloat.
func diffOperand(a, b content.Operand) string {
	if a.Kind != b.Kind {
		return fmt.Sprintf("kind %d became %d", a.Kind, b.Kind)
	}
	switch a.Kind {
	case content.KindNumber:
		if a.Num != b.Num {
			return fmt.Sprintf("number %s became %s", strconv.FormatFloat(a.Num, 'g', -1, 64), strconv.FormatFloat(b.Num, 'g', -1, 64))
		}
	case content.KindBool:
		if a.Bool != b.Bool {
			return fmt.Sprintf("%t became %t", a.Bool, b.Bool)
		}
	case content.KindString:
		if a.Hex != b.Hex {
			return fmt.Sprintf("hex %t became %t", a.Hex, b.Hex)
		}
		if !bytes.Equal(a.Bytes, b.Bytes) {
			return fmt.Sprintf("string %q became %q", a.Bytes, b.Bytes)
		}
	case content.KindName:
		if !bytes.Equal(a.Bytes, b.Bytes) {
			return fmt.Sprintf("name %q became %q", a.Bytes, b.Bytes)
		}
	case content.KindArray:
		if len(a.Array) != len(b.Array) {
			return fmt.Sprintf("array of %d became %d", len(a.Array), len(b.Array))
		}
		for i := range a.Array {
			if d := diffOperand(a.Array[i], b.Array[i]); d != "" {
				return fmt.Sprintf("[%d]: %s", i, d)
			}
		}
	case content.KindDict:
		if len(a.Dict) != len(b.Dict) {
			return fmt.Sprintf("dict of %d became %d", len(a.Dict), len(b.Dict))
		}
		for i := range a.Dict {
			if !bytes.Equal(a.Dict[i].Key, b.Dict[i].Key) {
				return fmt.Sprintf("key %q became %q", a.Dict[i].Key, b.Dict[i].Key)
			}
			if d := diffOperand(a.Dict[i].Value, b.Dict[i].Value); d != "" {
				return fmt.Sprintf("/%s: %s", a.Dict[i].Key, d)
			}
		}
	}
	return ""
}

func fixtures(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.pdf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtureDir, err)
	}
	return files
}

// TestRoundTripFixtures checks on every page of every fixture that
// Parse → Append → Parse gives the same operations, and that pages whose
// content streams were all replaced by their serialization render exactly
// as before (poppler's pdftoppm, 72 dpi). No tolerance is allowed: every
// page of every fixture renders pixel-identical, so pdfcpu's rewrite of
// the rest of the file changes nothing poppler draws.
func TestRoundTripFixtures(t *testing.T) {
	for _, path := range fixtures(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var nstreams, npages, nops, before, after int
			rewritten, outs, pages := rewrite(t, orig, func(u unit) []byte {
				out, n := roundTrip(t, u)
				nstreams++
				nops += n
				before += len(u.data)
				after += len(out)
				if u.page != nil {
					npages++
				}
				return out
			})
			checkReplaced(t, rewritten, outs)
			t.Logf("%d pages, %d streams (%d page contents, %d forms and glyph procedures), %d ops, %d bytes serialized as %d",
				pages, nstreams, npages, nstreams-npages, nops, before, after)

			t.Run("render", func(t *testing.T) {
				pdftoppm := needPdftoppm(t)
				if n := differentPages(t, pdftoppm, orig, rewritten, pages); n > 0 {
					t.Errorf("%d of %d pages render differently after the round trip", n, pages)
					return
				}
				t.Logf("%d pages pixel-identical to the original", pages)
			})
		})
	}
}

// TestRenderSeesChange shows that the render comparison is not blind: a
// page with its text-showing operators removed must render differently.
func TestRenderSeesChange(t *testing.T) {
	pdftoppm := needPdftoppm(t)
	orig, err := os.ReadFile(filepath.Join(fixtureDir, "edge-differences.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	rewritten, _, pages := rewrite(t, orig, func(u unit) []byte {
		ops, err := content.Parse(u.data, content.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		ops = slices.DeleteFunc(ops, func(op content.Op) bool {
			switch op.Operator {
			case "Tj", "TJ", "'", "\"":
				return true
			}
			return false
		})
		return content.Append(nil, ops)
	})
	if n := differentPages(t, pdftoppm, orig, rewritten, pages); n != pages {
		t.Errorf("%d of %d pages differ without their text, want all", n, pages)
	}
}

// needPdftoppm returns the path of poppler's pdftoppm, skipping the test
// when it is missing unless RG_TEST_REQUIRE_BACKENDS=1.
func needPdftoppm(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("pdftoppm")
	if err != nil {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatalf("pdftoppm (poppler-utils) is required: %v", err)
		}
		t.Skipf("pdftoppm (poppler-utils) not installed: %v", err)
	}
	return path
}

// differentPages renders both files and returns how many of their pages
// differ in any pixel, logging each.
func differentPages(t *testing.T, pdftoppm string, a, b []byte, pages int) int {
	t.Helper()
	dir := t.TempDir()
	want := render(t, pdftoppm, dir, "a", a)
	got := render(t, pdftoppm, dir, "b", b)
	if len(want) != pages || len(got) != pages {
		t.Fatalf("rendered %d and %d pages; the document has %d", len(want), len(got), pages)
	}
	n := 0
	for i := range want {
		if px, d := diffImage(want[i], got[i]); px != 0 {
			t.Logf("page %d: %d pixels differ (largest channel difference %d of 65535)", i+1, px, d)
			n++
		}
	}
	return n
}

// checkReplaced reopens the written file and checks that it draws exactly
// the serialized streams, so the render compares what it claims to.
func checkReplaced(t *testing.T, file []byte, outs [][]byte) {
	t.Helper()
	doc, err := ingest.Open(context.Background(), file, "", ingest.Limits{})
	if err != nil {
		t.Fatalf("reopen rewritten file: %v", err)
	}
	units := streams(t, doc)
	if len(units) != len(outs) {
		t.Fatalf("rewritten file has %d content streams, want %d", len(units), len(outs))
	}
	for i, u := range units {
		if !bytes.Equal(u.data, outs[i]) {
			t.Errorf("rewritten file: %s does not hold the serialized stream", u.what)
		}
	}
}

// render writes data to dir and returns pdftoppm's PNG of each page, in
// page order.
func render(t *testing.T, pdftoppm, dir, name string, data []byte) [][]byte {
	t.Helper()
	in := filepath.Join(dir, name+".pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(dir, name)
	cmd := exec.Command(pdftoppm, "-r", "72", "-png", in, prefix)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm %s: %v\n%s", name, err, out)
	}
	// pdftoppm pads page numbers to the same width, so names sort in page
	// order.
	files, err := filepath.Glob(prefix + "-*.png")
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	imgs := make([][]byte, len(files))
	for i, f := range files {
		if imgs[i], err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
	}
	return imgs
}

// diffImage returns how many pixels of two PNGs differ and the largest
// difference in one 16-bit channel; a size mismatch counts every pixel.
func diffImage(a, b []byte) (pixels int, maxDelta uint32) {
	if bytes.Equal(a, b) {
		return 0, 0
	}
	ia, err1 := png.Decode(bytes.NewReader(a))
	ib, err2 := png.Decode(bytes.NewReader(b))
	if err1 != nil || err2 != nil {
		return -1, 0
	}
	r := ia.Bounds()
	if r != ib.Bounds() {
		return max(r.Dx()*r.Dy(), 1), 0xffff
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			d := pixelDelta(ia, ib, x, y)
			if d > 0 {
				pixels++
				maxDelta = max(maxDelta, d)
			}
		}
	}
	return pixels, maxDelta
}

func pixelDelta(a, b image.Image, x, y int) uint32 {
	r1, g1, b1, a1 := a.At(x, y).RGBA()
	r2, g2, b2, a2 := b.At(x, y).RGBA()
	var d uint32
	for _, p := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
		if p[0] > p[1] {
			d = max(d, p[0]-p[1])
		} else {
			d = max(d, p[1]-p[0])
		}
	}
	return d
}

// BenchmarkRoundTrip measures Parse then Append over every content stream
// of the fixtures.
func BenchmarkRoundTrip(b *testing.B) {
	var all [][]byte
	var total int64
	for _, path := range fixtures(b) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		doc, err := ingest.Open(context.Background(), data, "", ingest.Limits{})
		if err != nil {
			b.Fatalf("%s: %v", path, err)
		}
		for _, u := range streams(b, doc) {
			all = append(all, u.data)
			total += int64(len(u.data))
		}
	}
	b.SetBytes(total)
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		for _, data := range all {
			ops, err := content.Parse(data, content.DefaultLimits())
			if err != nil {
				b.Fatal(err)
			}
			buf = content.Append(buf[:0], ops)
		}
	}
}
