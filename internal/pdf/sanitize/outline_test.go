package sanitize

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

// outlineFixture: Introduction, About Jane Doe (open, with one child),
// Assessment (a closed item with two children, one of them about Jane
// Doe, and a script), Summary.
func outlineFixture() []byte {
	return fixture("/Outlines 20 0 R /PageMode /UseOutlines", "", "",
		obj(20, "<< /Type /Outlines /First 21 0 R /Last 24 0 R /Count 5 >>"),
		obj(21, "<< /Title (Introduction) /Parent 20 0 R /Next 22 0 R /Dest [3 0 R /Fit] >>"),
		obj(22, "<< /Title (About Jane Doe) /Parent 20 0 R /Prev 21 0 R /Next 23 0 R /First 25 0 R /Last 25 0 R /Count 1 /Dest [3 0 R /Fit] >>"),
		obj(25, "<< /Title (School) /Parent 22 0 R /Dest [3 0 R /Fit] >>"),
		obj(23, "<< /Title (Assessment) /Parent 20 0 R /Prev 22 0 R /Next 24 0 R /First 26 0 R /Last 27 0 R /Count -2 /A << /S /JavaScript /JS (app.alert\\(1\\)) >> >>"),
		obj(26, "<< /Title <FEFF004A0061006E006500A00044006F006500B4007300200076006900650077> /Parent 23 0 R /Next 27 0 R /Dest [3 0 R /Fit] >>"),
		obj(27, "<< /Title (Plan) /Parent 23 0 R /Prev 26 0 R /Dest [3 0 R /Fit] >>"),
		obj(24, "<< /Title (Summary) /Parent 20 0 R /Prev 23 0 R /Dest [3 0 R /Fit] >>"),
	)
}

// outlineShape walks an outline checking every link both ways and every
// count, and returns the titles as "A, B (C, D)".
func outlineShape(t *testing.T, ctx *model.Context) string {
	t.Helper()
	w := newWalker(ctx)
	root, _ := ctx.Catalog()
	olRef, ok := root["Outlines"].(types.IndirectRef)
	if !ok {
		return ""
	}
	var level func(parent types.IndirectRef, d types.Dict, depth int) (string, int)
	level = func(parent types.IndirectRef, d types.Dict, depth int) (string, int) {
		if depth > 10 {
			t.Fatal("outline loops")
		}
		var titles []string
		visible := 0
		var prev *types.IndirectRef
		var last types.IndirectRef
		for o := d["First"]; o != nil; {
			ref := o.(types.IndirectRef)
			it := w.dict(ref)
			title := w.texts(it["Title"])[0]
			if got := it["Parent"]; got != parent {
				t.Errorf("%q: /Parent %v, want %v", title, got, parent)
			}
			switch p, has := it["Prev"]; {
			case prev == nil && has:
				t.Errorf("%q: /Prev %v on the first item", title, p)
			case prev != nil && p != *prev:
				t.Errorf("%q: /Prev %v, want %v", title, p, *prev)
			}
			sub, under := level(ref, it, depth+1)
			c, hasCount := it["Count"].(types.Integer)
			switch {
			case under == 0 && hasCount:
				t.Errorf("%q: /Count %d without children", title, c)
			case under > 0 && (!hasCount || c != types.Integer(under) && c != types.Integer(-under)):
				t.Errorf("%q: /Count %v, want ±%d", title, it["Count"], under)
			}
			visible++
			if c > 0 {
				visible += under
			}
			if sub != "" {
				title += " (" + sub + ")"
			}
			titles = append(titles, title)
			prev, last = &ref, ref
			o = it["Next"]
		}
		if prev != nil && d["Last"] != last {
			t.Errorf("/Last %v, want %v", d["Last"], last)
		}
		if prev == nil && (d["First"] != nil || d["Last"] != nil) {
			t.Errorf("empty level keeps /First or /Last")
		}
		return strings.Join(titles, ", "), visible
	}
	ol := w.dict(olRef)
	shape, visible := level(olRef, ol, 0)
	if c, _ := ol["Count"].(types.Integer); int(c) != visible {
		t.Errorf("outline /Count %v, want %d", ol["Count"], visible)
	}
	return shape
}

func TestOutlineRelinked(t *testing.T) {
	ctx := open(t, outlineFixture())
	if got, want := outlineShape(t, ctx), "Introduction, About Jane Doe (School), Assessment (Jane\u00a0Doe´s view, Plan), Summary"; got != want {
		t.Fatalf("fixture outline %q, want %q", got, want)
	}
	if !hasWhere(Strings(ctx), term, "bookmark") {
		t.Fatal("the unsanitised outline does not show the term")
	}
	rep, err := Document(ctx, []string{"jane doe"})
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Count(KindBookmark); got != 3 {
		t.Errorf("%d bookmarks reported removed, want 3 (two with the term, one under them): %+v", got, rep.Removed)
	}
	if rep.Count(KindJavaScript) != 1 {
		t.Errorf("the bookmark script was not reported: %+v", rep.Removed)
	}
	check := func(ctx *model.Context) {
		if got, want := outlineShape(t, ctx), "Introduction, Assessment (Plan), Summary"; got != want {
			t.Errorf("outline %q, want %q", got, want)
		}
		if left := holding(Strings(ctx), term); len(left) > 0 {
			t.Errorf("term left at %v", left)
		}
	}
	check(ctx)
	out := write(t, ctx)
	check(open(t, out))
	qpdfCheck(t, out)
}

func TestOutlineAllRemoved(t *testing.T) {
	ctx := open(t, fixture("/Outlines 20 0 R", "", "",
		obj(20, "<< /Type /Outlines /First 21 0 R /Last 21 0 R /Count 1 >>"),
		obj(21, "<< /Title (Jane Doe) /Parent 20 0 R /Dest [3 0 R /Fit] >>"),
	))
	if _, err := Document(ctx, []string{term}); err != nil {
		t.Fatal(err)
	}
	root, _ := ctx.Catalog()
	if _, ok := root["Outlines"]; ok {
		t.Error("an empty outline stays in the catalog")
	}
	qpdfCheck(t, write(t, ctx))
}

func TestOutlineWithoutTermsUntouched(t *testing.T) {
	ctx := open(t, outlineFixture())
	rep, err := Document(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count(KindBookmark) != 0 {
		t.Errorf("bookmarks removed without terms: %+v", rep.Removed)
	}
	if got, want := outlineShape(t, ctx), "Introduction, About Jane Doe (School), Assessment (Jane\u00a0Doe´s view, Plan), Summary"; got != want {
		t.Errorf("outline %q, want %q", got, want)
	}
}

// TestHostileStructures: cycles end the walk, and trees deeper than the
// limit fail with ErrLimit rather than being scrubbed in part silently.
func TestHostileStructures(t *testing.T) {
	deepTree := func() []ingesttest.Object {
		var objs []ingesttest.Object
		for i := range 80 {
			objs = append(objs, obj(10+i, fmt.Sprintf("<< /Kids [%d 0 R] /Limits [(a) (z)] >>", 11+i)))
		}
		return append(objs, obj(90, "<< /Names [(jane doe) [3 0 R /Fit]] /Limits [(jane doe) (jane doe)] >>"))
	}
	cases := []struct {
		name    string
		catalog string
		objs    []ingesttest.Object
		limit   bool
	}{
		{
			name: "outline cycle", catalog: "/Outlines 20 0 R",
			objs: []ingesttest.Object{
				obj(20, "<< /Type /Outlines /First 21 0 R /Last 22 0 R /Count 2 >>"),
				obj(21, "<< /Title (A) /Parent 20 0 R /Next 22 0 R /First 21 0 R /Last 21 0 R >>"),
				obj(22, "<< /Title (Jane Doe) /Parent 20 0 R /Prev 21 0 R /Next 21 0 R >>"),
			},
		},
		{
			name: "deep name tree", catalog: "/Names << /Dests 10 0 R >>",
			objs:  deepTree(),
			limit: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := fixture(tc.catalog, "", "", tc.objs...)
			doc, err := openLenient(data)
			if err != nil {
				t.Skipf("pdfcpu refuses the file before the sanitiser sees it: %v", err)
			}
			_ = Strings(doc)
			_, err = Document(doc, []string{term})
			if tc.limit != errors.Is(err, ErrLimit) {
				t.Errorf("Document: %v, want ErrLimit %v", err, tc.limit)
			}
			if tc.limit {
				if !slices.ContainsFunc(Strings(doc), func(f Found) bool { return strings.HasPrefix(f.Where, "limit") }) {
					t.Error("Strings does not say it stopped at a limit")
				}
			}
		})
	}
}
