package sanitize

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

// obj is shorthand for a numbered object of a hand-built file.
func obj(n int, body string) ingesttest.Object { return ingesttest.Object{Num: n, Body: body} }

func stream(n int, dict, data string) ingesttest.Object {
	return ingesttest.Object{Num: n, Body: dict, Stream: []byte(data)}
}

// fixture builds a one-page file: catalog entries catalogExtra, page
// entries pageExtra, objects extra (numbered from 10), and when info is
// not empty an Info dictionary (object 9) named by the trailer.
func fixture(catalogExtra, pageExtra, info string, extra ...ingesttest.Object) []byte {
	objs := []ingesttest.Object{
		obj(1, "<< /Type /Catalog /Pages 2 0 R "+catalogExtra+" >>"),
		obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
		obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> "+pageExtra+" >>"),
		stream(4, "", "BT /F1 12 Tf 72 700 Td (Case notes) Tj ET"),
		obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
	}
	if info != "" {
		objs = append(objs, obj(9, info))
	}
	data := ingesttest.Build(append(objs, extra...)...)
	if info != "" {
		// The trailer follows every object: naming the Info dictionary
		// there moves no offset.
		i := bytes.LastIndex(data, []byte("/Root 1 0 R"))
		data = append(data[:i:i], append([]byte("/Root 1 0 R /Info 9 0 R"), data[i+len("/Root 1 0 R"):]...)...)
	}
	return data
}

func open(t *testing.T, data []byte) *model.Context {
	t.Helper()
	doc, err := ingest.Open(context.Background(), data, "", ingest.Limits{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return doc.Ctx
}

// write writes ctx as ingest does, without pdfcpu's api package.
func write(t *testing.T, ctx *model.Context) []byte {
	t.Helper()
	var buf bytes.Buffer
	ctx.ID = nil
	if err := writeContext(ctx, &buf); err != nil {
		t.Fatalf("write: %v", err)
	}
	return buf.Bytes()
}

func writeContext(ctx *model.Context, w *bytes.Buffer) error {
	ctx.Write.Writer = bufio.NewWriter(w)
	err := pdfcpu.WriteContext(ctx)
	return errors.Join(err, ctx.Write.Flush())
}

// holding returns the strings holding term, as "where: text".
func holding(fs []Found, term string) []string {
	m := newMatcher([]string{term})
	var out []string
	for _, f := range fs {
		if m.match(f.Text) {
			out = append(out, f.Where+": "+f.Text)
		}
	}
	return out
}

// hasWhere reports whether some string holding term is at a place whose
// name starts with where.
func hasWhere(fs []Found, term, where string) bool {
	m := newMatcher([]string{term})
	for _, f := range fs {
		if strings.HasPrefix(f.Where, where) && m.match(f.Text) {
			return true
		}
	}
	return false
}

// qpdfCheck runs qpdf --check on data when qpdf is installed.
func qpdfCheck(t *testing.T, data []byte) {
	t.Helper()
	bin, err := exec.LookPath("qpdf")
	if err != nil {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatalf("qpdf not installed and RG_TEST_REQUIRE_BACKENDS=1")
		}
		t.Log("qpdf not installed: structure check skipped")
		return
	}
	f := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--check", f).CombinedOutput()
	if err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

const term = "Jane Doe"

// leakCases each put the term in one place the sanitiser must clean, and
// text without it somewhere of the same kind that must stay.
var leakCases = []struct {
	name      string
	catalog   string
	page      string
	info      string
	objs      []ingesttest.Object
	where     string // where Strings finds the term before
	kind      string // what the report says was removed
	keep      string // a string that must still be listed after ("" for none)
	keepWhere string
}{
	{
		name: "info", info: "<< /Author (Jane Doe) /Title (Case file) >>",
		where: "info /Author", kind: KindInfo,
	},
	{
		name: "info UTF-16", info: "<< /Author <FEFF004A0061006E006500200044006F0065> >>",
		where: "info /Author", kind: KindInfo,
	},
	{
		name: "catalog XMP", catalog: "/Metadata 10 0 R",
		objs: []ingesttest.Object{stream(10, "/Type /Metadata /Subtype /XML",
			`<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description dc:creator="Jane&#32;Doe"/></rdf:RDF></x:xmpmeta>`)},
		where: "xmp", kind: KindXMP,
	},
	{
		name: "page and image XMP", page: "/Metadata 10 0 R /Resources << /XObject << /Im1 11 0 R >> >>",
		objs: []ingesttest.Object{
			stream(10, "/Type /Metadata /Subtype /XML", `<x:xmpmeta><dc:creator>Jane Doe</dc:creator></x:xmpmeta>`),
			stream(11, "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Metadata 12 0 R", "\x80"),
			stream(12, "/Type /Metadata /Subtype /XML", `<x:xmpmeta><dc:title>Photo of Jane<br/>Doe</dc:title></x:xmpmeta>`),
		},
		where: "xmp", kind: KindXMP,
	},
	{
		name: "embedded file", catalog: "/Names << /EmbeddedFiles << /Names [(notes.txt) 10 0 R] >> >>",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Filespec /F (notes.txt) /UF (Jane Doe notes.txt) /Desc (Notes) /EF << /F 11 0 R >> >>"),
			stream(11, "/Type /EmbeddedFile", "Jane Doe was seen on Monday."),
		},
		where: "embedded file", kind: KindEmbeddedFile,
	},
	{
		name: "portfolio", catalog: "/Collection << /Type /Collection /D (Jane Doe) >>",
		where: "string in object 1", kind: KindEmbeddedFile,
	},
	{
		name: "document JavaScript", catalog: "/Names << /JavaScript << /Names [(init) << /S /JavaScript /JS (var who = 'Jane Doe';) >>] >> >>",
		where: "javascript", kind: KindJavaScript,
	},
	{
		name: "JavaScript in a stream", catalog: "/Names << /JavaScript << /Names [(init) << /S /JavaScript /JS 10 0 R >>] >> >>",
		objs:  []ingesttest.Object{stream(10, "", "app.alert('Jane Doe');")},
		where: "javascript", kind: KindJavaScript,
	},
	{
		name: "open action", catalog: "/OpenAction << /S /JavaScript /JS (app.alert\\('Jane Doe'\\)) >>",
		where: "catalog /OpenAction", kind: KindJavaScript,
	},
	{
		name: "catalog AA", catalog: "/AA << /WC << /S /JavaScript /JS (Jane Doe) >> >>",
		where: "catalog /AA", kind: KindAction,
	},
	{
		name: "page AA", page: "/AA << /O << /S /Launch /F (Jane Doe.exe) >> >>",
		where: "page p1 /AA", kind: KindAction,
	},
	{
		name: "thumbnail", page: "/Thumb 10 0 R",
		objs:  []ingesttest.Object{stream(10, "/Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Desc (Jane Doe)", "\x80")},
		where: "string in object 10", kind: KindThumbnail,
	},
	{
		name: "piece info", page: "/PieceInfo << /Editor << /LastModified (D:20240101) /Private << /Note (Jane Doe) >> >> >>",
		where: "string in object 3", kind: KindPieceInfo,
	},
	{
		name: "XFA", catalog: "/AcroForm << /Fields [11 0 R] /XFA 10 0 R >>", page: "/Annots [11 0 R]",
		objs: []ingesttest.Object{
			stream(10, "", "<xdp:xdp><field name='child'><value>Jane Doe</value></field></xdp:xdp>"),
			obj(11, "<< /Type /Annot /Subtype /Widget /FT /Btn /T (ok) /Rect [10 10 30 30] /P 3 0 R >>"),
		},
		where: "form /XFA", kind: KindFormField,
	},
	{
		name: "named destination", catalog: "/Names << /Dests 10 0 R >>",
		objs: []ingesttest.Object{
			obj(10, "<< /Kids [11 0 R] >>"),
			obj(11, "<< /Limits [(chapter 1) (jane doe section)] /Names [(chapter 1) [3 0 R /Fit] (jane doe section) [3 0 R /Fit]] >>"),
		},
		where: "name tree /Dests key", kind: KindNamedDestination,
		keep: "chapter 1", keepWhere: "name tree /Dests key",
	},
	{
		name: "old-style destinations", catalog: "/Dests << /Intro [3 0 R /Fit] /Jane#20Doe [3 0 R /Fit] >>",
		where: "named destination", kind: KindNamedDestination,
		keep: "Intro", keepWhere: "named destination",
	},
	{
		name: "page label", catalog: "/PageLabels << /Nums [0 << /S /D /P (Jane Doe-) >>] >>",
		where: "page label /P", kind: KindPageLabel,
	},
	{
		name: "structure text", catalog: "/StructTreeRoot 10 0 R /MarkInfo << /Marked true >>",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /StructTreeRoot /K 11 0 R >>"),
			obj(11, "<< /Type /StructElem /S /Document /P 10 0 R /K [12 0 R 13 0 R] >>"),
			obj(12, "<< /Type /StructElem /S /Figure /P 11 0 R /Pg 3 0 R /Alt (Photo of Jane Doe) /K 0 >>"),
			obj(13, "<< /Type /StructElem /S /P /P 11 0 R /Pg 3 0 R /ActualText (Jane\\nDoe) /T (Para) /E (JD) /K 1 >>"),
		},
		where: "structure /", kind: KindStructureText,
		keep: "Para", keepWhere: "structure /T",
	},
	{
		name: "annotation contents", page: "/Annots [10 0 R 11 0 R 12 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (Phone Jane Doe) /Popup 11 0 R >>"),
			obj(11, "<< /Type /Annot /Subtype /Popup /Rect [30 30 200 100] /Parent 10 0 R >>"),
			obj(12, "<< /Type /Annot /Subtype /Text /Rect [40 10 60 30] /Contents (Records checked) /T (Social worker) >>"),
		},
		where: "annotation p1 /Contents", kind: KindAnnotation,
		keep: "Records checked", keepWhere: "annotation p1 /Contents",
	},
	{
		name: "annotation author, subject, rich text", page: "/Annots [10 0 R 11 0 R 12 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /T (Jane Doe) >>"),
			obj(11, "<< /Type /Annot /Subtype /Highlight /Rect [10 10 30 30] /QuadPoints [10 30 30 30 10 10 30 10] /Subj (about jane   doe) >>"),
			obj(12, "<< /Type /Annot /Subtype /FreeText /Rect [10 10 30 30] /DA (/Helv 10 Tf) /RC (<body><p>Ja<b>ne</b> Doe</p></body>) >>"),
		},
		where: "annotation p1", kind: KindAnnotation,
	},
	{
		name: "annotation appearance", page: "/Annots [10 0 R 12 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /FreeText /Rect [10 10 200 30] /DA (/Helv 10 Tf) /AP << /N 11 0 R >> >>"),
			stream(11, "/Type /XObject /Subtype /Form /BBox [0 0 190 20] /Resources << /Font << /F1 5 0 R >> >>", "BT /F1 10 Tf 2 5 Td [(Ja) -20 (ne)] TJ ( D) Tj (oe) Tj ET"),
			obj(12, "<< /Type /Annot /Subtype /Square /Rect [10 40 200 60] /AP << /N 13 0 R >> >>"),
			stream(13, "/Type /XObject /Subtype /Form /BBox [0 0 190 20]", "0 0 190 20 re S"),
		},
		where: "annotation p1 appearance", kind: KindAnnotation,
	},
	{
		name: "reply to a removed annotation", page: "/Annots [10 0 R 11 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (Jane Doe phoned) >>"),
			obj(11, "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (She did) /IRT 10 0 R >>"),
		},
		where: "annotation p1 /Contents", kind: KindAnnotation,
	},
	{
		name: "file attachment annotation", page: "/Annots [10 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /FileAttachment /Rect [10 10 30 30] /FS 11 0 R >>"),
			obj(11, "<< /Type /Filespec /F (Jane Doe.docx) /EF << /F 12 0 R >> >>"),
			stream(12, "/Type /EmbeddedFile", "report"),
		},
		where: "annotation p1 /FS", kind: KindEmbeddedFile,
	},
	{
		name: "annotation actions", page: "/Annots [10 0 R 11 0 R 12 0 R 13 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /Link /Rect [10 10 30 30] /A << /S /URI /URI (https://example.org/jane%20doe?who=Jane Doe) >> >>"),
			obj(11, "<< /Type /Annot /Subtype /Link /Rect [40 10 60 30] /A << /S /Launch /F (notes.exe) /Next << /S /JavaScript /JS (Jane Doe) >> >> >>"),
			obj(12, "<< /Type /Annot /Subtype /Link /Rect [70 10 90 30] /A << /S /SubmitForm /F << /FS /URL /F (https://example.org/Jane Doe) >> >> >>"),
			obj(13, "<< /Type /Annot /Subtype /Link /Rect [100 10 120 30] /A << /S /URI /URI (https://example.org/help) >> >>"),
		},
		where: "annotation p1 /A", kind: KindAction,
		keep: "https://example.org/help", keepWhere: "annotation p1 /A /URI",
	},
	{
		name: "link to a named destination", page: "/Annots [10 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /Link /Rect [10 10 30 30] /Dest (Jane Doe) >>"),
		},
		where: "annotation p1 /Dest", kind: KindNamedDestination,
	},
	{
		name: "form field value", catalog: "/AcroForm << /Fields [10 0 R 11 0 R 12 0 R] >>", page: "/Annots [10 0 R 11 0 R 13 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /Widget /FT /Tx /DA (/Helv 0 Tf 0 g) /T (child) /V (Jane Doe) /Rect [10 10 200 30] /P 3 0 R >>"),
			obj(11, "<< /Type /Annot /Subtype /Widget /FT /Tx /DA (/Helv 0 Tf 0 g) /T (date) /TU (Date of visit) /V (2024-01-01) /Rect [10 40 200 60] /P 3 0 R >>"),
			obj(12, "<< /FT /Ch /T (carer) /Opt [(Mr Smith) (Jane Doe)] /Kids [13 0 R] >>"),
			obj(13, "<< /Type /Annot /Subtype /Widget /Parent 12 0 R /Rect [10 70 200 90] /P 3 0 R >>"),
		},
		where: "field /V", kind: KindFormField,
		keep: "Date of visit", keepWhere: "field /TU",
	},
	{
		name: "form field tooltip and name", catalog: "/AcroForm << /Fields [10 0 R 11 0 R] >>", page: "/Annots [10 0 R 11 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /Widget /FT /Tx /DA (/Helv 0 Tf 0 g) /T (a) /TU (Jane Doe's school) /Rect [10 10 200 30] >>"),
			obj(11, "<< /Type /Annot /Subtype /Widget /FT /Tx /DA (/Helv 0 Tf 0 g) /T (Jane Doe) /Rect [10 40 200 60] >>"),
		},
		where: "field /T", kind: KindFormField,
	},
	{
		name: "annotation referenced from the structure tree", catalog: "/StructTreeRoot 20 0 R /MarkInfo << /Marked true >>",
		page: "/Annots [10 0 R 11 0 R] /StructParents 0",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (Jane Doe) /StructParent 1 >>"),
			obj(11, "<< /Type /Annot /Subtype /Text /Rect [40 10 60 30] /Contents (Seen) /StructParent 2 >>"),
			obj(20, "<< /Type /StructTreeRoot /K 21 0 R /ParentTree << /Nums [1 22 0 R 2 23 0 R] >> >>"),
			obj(21, "<< /Type /StructElem /S /Document /P 20 0 R /K [22 0 R 23 0 R] >>"),
			obj(22, "<< /Type /StructElem /S /Annot /P 21 0 R /Pg 3 0 R /K << /Type /OBJR /Obj 10 0 R /Pg 3 0 R >> >>"),
			obj(23, "<< /Type /StructElem /S /Annot /P 21 0 R /Pg 3 0 R /K [<< /Type /OBJR /Obj 11 0 R /Pg 3 0 R >>] >>"),
		},
		where: "annotation p1 /Contents", kind: KindAnnotation,
		keep: "Seen", keepWhere: "annotation p1 /Contents",
	},
	{
		name: "appearance in a composite font", page: "/Annots [10 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /Stamp /Rect [10 10 200 30] /AP << /N << /On 11 0 R >> >> >>"),
			stream(11, "/Type /XObject /Subtype /Form /BBox [0 0 190 20] /Resources << /Font << /F2 12 0 R >> >>", "BT /F2 10 Tf 2 5 Td <0001000200030004> Tj 0 -12 Td <00050006000700040000> Tj ET"),
			obj(12, "<< /Type /Font /Subtype /Type0 /BaseFont /Arial /Encoding /Identity-H /DescendantFonts [13 0 R] /ToUnicode 14 0 R >>"),
			obj(13, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Arial /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 15 0 R /DW 500 >>"),
			stream(14, "", "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def 1 begincodespacerange <0000> <FFFF> endcodespacerange 8 beginbfchar <0000> <0020> <0001> <004A> <0002> <0061> <0003> <006E> <0004> <0065> <0005> <0044> <0006> <006F> <0007> <0065> endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"),
			obj(15, "<< /Type /FontDescriptor /FontName /Arial /Flags 32 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>"),
		},
		where: "annotation p1 appearance", kind: KindAnnotation,
	},
	{
		name: "signature details", catalog: "/AcroForm << /Fields [10 0 R] /SigFlags 3 >>", page: "/Annots [10 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V 11 0 R /Rect [0 0 0 0] /P 3 0 R >>"),
			obj(11, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached /Name (Jane Doe) /Reason (Approved) /ByteRange [0 0 0 0] /Contents <00> >>"),
		},
		where: "field /V /Name", kind: KindFormField,
	},
	{
		name: "bookmark action", catalog: "/Outlines 20 0 R",
		objs: []ingesttest.Object{
			obj(20, "<< /Type /Outlines /First 21 0 R /Last 21 0 R /Count 1 >>"),
			obj(21, "<< /Title (Links) /Parent 20 0 R /A << /S /URI /URI (https://example.org/Jane Doe) >> >>"),
		},
		where: "bookmark level 1 /A", kind: KindAction,
		keep: "Links", keepWhere: "bookmark level 1 /Title",
	},
	{
		name: "associated files", catalog: "/AF [10 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Filespec /F (data.xml) /UF (data.xml) /AFRelationship /Data /Desc (Jane Doe record) /EF << /F 11 0 R >> >>"),
			stream(11, "/Type /EmbeddedFile /Subtype /text#2Fxml", "<child>Jane Doe</child>"),
		},
		where: "file specification", kind: KindEmbeddedFile,
	},
	{
		name: "article thread info", catalog: "/Threads [10 0 R]", page: "/B [11 0 R]",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /Thread /I << /Title (Jane Doe story) >> /F 11 0 R >>"),
			obj(11, "<< /Type /Bead /T 10 0 R /N 11 0 R /V 11 0 R /P 3 0 R /R [0 0 612 792] >>"),
		},
		where: "string in object 10", kind: KindInfo,
	},
	{
		name: "hidden layer name", catalog: "/OCProperties << /OCGs [10 0 R 11 0 R] /D << /OFF [10 0 R] >> >>",
		objs: []ingesttest.Object{
			obj(10, "<< /Type /OCG /Name (Notes on Jane Doe) >>"),
			obj(11, "<< /Type /OCG /Name (Background) >>"),
		},
		where: "layer /Name", kind: KindOptionalContent,
		keep: "Background", keepWhere: "layer /Name",
	},
}

func TestDocumentRemovesLeaks(t *testing.T) {
	for _, tc := range leakCases {
		t.Run(tc.name, func(t *testing.T) {
			in := fixture(tc.catalog, tc.page, tc.info, tc.objs...)
			ctx := open(t, in)
			before := Strings(ctx)
			if !hasWhere(before, term, tc.where) {
				t.Fatalf("the unsanitised file does not show the term at %q; strings:\n%s", tc.where, dump(before))
			}
			rep, err := Document(ctx, []string{term})
			if err != nil {
				t.Fatalf("Document: %v", err)
			}
			if rep.Count(tc.kind) == 0 {
				t.Errorf("report has no %q item: %+v", tc.kind, rep.Removed)
			}
			for _, it := range rep.Removed {
				if newMatcher([]string{term}).match(it.Detail) {
					t.Errorf("report detail holds the term: %+v", it)
				}
			}
			if left := holding(Strings(ctx), term); len(left) > 0 {
				t.Errorf("after Document the term is still at:\n%s", strings.Join(left, "\n"))
			}
			out := write(t, ctx)
			reopened := open(t, out)
			after := Strings(reopened)
			if left := holding(after, term); len(left) > 0 {
				t.Errorf("the written file still holds the term at:\n%s", strings.Join(left, "\n"))
			}
			if tc.keep != "" && !hasWhere(after, tc.keep, tc.keepWhere) {
				t.Errorf("%q at %q did not survive; strings:\n%s", tc.keep, tc.keepWhere, dump(after))
			}
			for _, f := range after {
				if strings.HasPrefix(f.Where, "limit") {
					t.Errorf("Strings hit a limit: %s", f.Where)
				}
			}
			qpdfCheck(t, out)
		})
	}
}

func dump(fs []Found) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s: %q\n", f.Where, f.Text)
	}
	return b.String()
}

func openLenient(data []byte) (*model.Context, error) {
	doc, err := ingest.Open(context.Background(), data, "", ingest.Limits{})
	if err != nil {
		return nil, err
	}
	return doc.Ctx, nil
}
