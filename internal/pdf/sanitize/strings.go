package sanitize

import (
	"fmt"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Found is one string a reader could see or extract, and where it is
// ("annotation p2 /Contents").
type Found struct {
	Where, Text string
}

// Strings returns every document-level string a reader could see or
// extract: Info values, XMP packets, bookmark titles, annotation comments,
// authors, subjects, rich text and appearance text, form field names,
// tooltips, values and options, structure /Alt, /ActualText, /E and /T,
// embedded file names and descriptions, page label prefixes, named
// destination names (and the /Limits of their tree), layer names,
// JavaScript source and action URIs and file names. Then, under
// "string in object N", every other string in the file that was not
// already listed, so that verification sees a term wherever it hides.
//
// Strings that are not UTF-16 or UTF-8 with a byte order mark are read as
// PDFDocEncoding and, when they are also valid UTF-8, listed a second time
// read as UTF-8. Markup (XMP, rich text) is listed as written and as read
// with its tags removed.
//
// Strings never fails: a walk that exceeds a limit ends, and a Found with
// Where "limit" says which (its Text is empty), so a caller can refuse a
// file it could not read completely.
func Strings(doc *model.Context) (out []Found) {
	if doc == nil || doc.XRefTable == nil {
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			out = append(out, Found{Where: "limit", Text: ""})
		}
	}()
	w := newWalker(doc)
	seen := map[string]bool{}
	add := func(where string, text string) {
		if text == "" {
			return
		}
		seen[text] = true
		out = append(out, Found{Where: where, Text: text})
	}
	addAll := func(prefix string, fs []found) {
		for _, f := range fs {
			add(prefix+" "+f.where, f.text)
		}
	}
	root, _ := doc.Catalog()
	if root == nil {
		root = types.Dict{}
	}

	// Info dictionary.
	if doc.Info != nil {
		if d := w.dict(*doc.Info); d != nil {
			for _, k := range sortedKeys(d) {
				for _, t := range w.texts(d[k]) {
					add("info /"+k, t)
				}
			}
		}
	}

	// Bookmarks.
	w.eachBookmark(root, func(d types.Dict, depth int) {
		where := fmt.Sprintf("bookmark level %d", depth)
		for _, t := range w.texts(d["Title"]) {
			add(where+" /Title", t)
		}
		addAll(where+" /A", w.actionTexts(d["A"]))
		if v, ok := d["Dest"]; ok {
			for _, t := range w.texts(v) {
				add(where+" /Dest", t)
			}
		}
	})

	// Name trees and the old /Dests dictionary.
	if nd := w.dict(root["Names"]); nd != nil {
		for _, tree := range sortedKeys(nd) {
			o := nd[tree]
			if _, ok := w.deref(o).(types.Dict); !ok {
				continue
			}
			w.eachName(o, func(key []string, val types.Object) {
				for _, k := range key {
					add("name tree /"+tree+" key", k)
				}
				switch tree {
				case "EmbeddedFiles":
					addAll("embedded file", w.filespecTexts(val))
				case "JavaScript":
					addAll("javascript", w.actionTexts(val))
				}
			})
			for _, l := range w.limits(o) {
				add("name tree /"+tree+" /Limits", l)
			}
		}
	}
	if dests := w.dict(root["Dests"]); dests != nil {
		for _, k := range sortedKeys(dests) {
			add("named destination (catalog /Dests)", k)
		}
	}

	// Page labels.
	if pl, ok := root["PageLabels"]; ok {
		w.eachNumber(pl, func(v types.Object) {
			if d := w.dict(v); d != nil {
				for _, t := range w.texts(d["P"]) {
					add("page label /P", t)
				}
			}
		})
	}

	// Layer names.
	_, ocgs := w.ocgs(root)
	for _, g := range ocgs {
		if d := w.dict(g); d != nil {
			for _, t := range w.texts(d["Name"]) {
				add("layer /Name", t)
			}
		}
	}

	// Pages: actions and annotations.
	for _, p := range w.pages() {
		addAll(fmt.Sprintf("page p%d /AA", p.num), w.aaTexts(p.dict["AA"]))
		for _, a := range w.array(p.dict["Annots"]) {
			d := w.dict(a)
			if d == nil {
				continue
			}
			where := fmt.Sprintf("annotation p%d", p.num)
			addAll(where, w.annotTexts(d))
			addAll(where+" /A", w.actionTexts(d["A"]))
			addAll(where+" /AA", w.aaTexts(d["AA"]))
			if v, ok := d["Dest"]; ok {
				for _, t := range w.texts(v) {
					add(where+" /Dest", t)
				}
			}
			addAll(where+" /FS", w.filespecTexts(d["FS"]))
		}
	}

	// Form fields.
	if af := w.dict(root["AcroForm"]); af != nil {
		w.eachField(af["Fields"], func(_ types.Object, d types.Dict, _ int) bool {
			addAll("field", w.fieldTexts(d))
			addAll("field /AA", w.aaTexts(d["AA"]))
			return true
		})
		if xfa, ok := af["XFA"]; ok {
			for _, t := range w.xfaTexts(xfa) {
				add("form /XFA", t)
			}
		}
	}
	addAll("catalog /OpenAction", w.actionTexts(root["OpenAction"]))
	addAll("catalog /AA", w.aaTexts(root["AA"]))

	// Anywhere: metadata streams, structure text, file specifications,
	// actions.
	w.eachDict(func(n int, d types.Dict) {
		if md, ok := d["Metadata"]; ok {
			if b := w.streamBytes(md); b != nil {
				for _, f := range appendMarkup(nil, "", streamText(b)) {
					add(fmt.Sprintf("xmp (object %d)", n), f.text)
				}
			}
		}
		keys := structureKeys
		what := "marked content"
		if isStructElem(d) {
			keys = append(keys[:len(keys):len(keys)], "T")
			what = "structure"
		}
		for _, k := range keys {
			v, ok := d[k]
			if !ok {
				continue
			}
			if _, isStr := textBytes(w.deref(v)); !isStr && w.stream(v) == nil {
				continue
			}
			for _, t := range w.texts(v) {
				add(fmt.Sprintf("%s /%s (object %d)", what, k, n), t)
			}
		}
		if isFilespec(d) {
			addAll(fmt.Sprintf("file specification (object %d)", n), w.filespecTexts(d))
		}
		if _, ok := d["S"].(types.Name); ok {
			if _, js := d["JS"]; js {
				for _, t := range w.texts(d["JS"]) {
					add(fmt.Sprintf("javascript (object %d)", n), t)
				}
			}
			if _, uri := d["URI"]; uri {
				for _, t := range w.texts(d["URI"]) {
					add(fmt.Sprintf("action /URI (object %d)", n), t)
				}
			}
		}
	})

	// Everything else.
	w.eachString(func(n int, t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, Found{Where: fmt.Sprintf("string in object %d", n), Text: t})
		}
	})

	if w.err != nil {
		out = append(out, Found{Where: "limit: " + w.err.Error()})
	}
	return out
}

// aaTexts returns the strings of every trigger of an /AA dictionary.
func (w *walker) aaTexts(o types.Object) []found {
	d := w.dict(o)
	var out []found
	for _, k := range sortedKeys(d) {
		for _, f := range w.actionTexts(d[k]) {
			out = append(out, found{"/" + k + " " + f.where, f.text})
		}
	}
	return out
}

// isFilespec tells a file specification dictionary.
func isFilespec(d types.Dict) bool {
	if t := d.Type(); t != nil && *t == "Filespec" {
		return true
	}
	_, ef := d["EF"]
	return ef
}

// filespecTexts returns a file specification's names and description.
func (w *walker) filespecTexts(o types.Object) []found {
	var out []found
	if _, ok := w.deref(o).(types.Dict); !ok {
		for _, t := range w.texts(o) {
			out = append(out, found{"", t})
		}
		return out
	}
	d := w.dict(o)
	for _, k := range []string{"F", "UF", "DOS", "Mac", "Unix", "Desc"} {
		for _, t := range w.texts(d[k]) {
			out = append(out, found{"/" + k, t})
		}
	}
	return out
}

// xfaTexts returns the XFA packets' text: one stream, or an array of
// names and streams.
func (w *walker) xfaTexts(o types.Object) []string {
	var out []string
	add := func(o types.Object) {
		if b := w.streamBytes(o); b != nil {
			for _, f := range appendMarkup(nil, "", streamText(b)) {
				out = append(out, f.text)
			}
		}
	}
	if w.stream(o) != nil {
		add(o)
		return out
	}
	for _, e := range w.array(o) {
		if w.stream(e) != nil {
			add(e)
		}
	}
	return out
}

// eachString calls fn for every string object pdfcpu will write (not
// stream content), in object number order.
func (w *walker) eachString(fn func(objNr int, text string)) {
	nums := w.objectNumbers()
	var visit func(n int, o types.Object, depth int)
	visit = func(n int, o types.Object, depth int) {
		if depth > maxDirectDepth || !w.step() {
			return
		}
		switch v := o.(type) {
		case types.StringLiteral, types.HexLiteral:
			for _, t := range textOf(v) {
				fn(n, t)
			}
		case types.Dict:
			for _, k := range sortedKeys(v) {
				visit(n, v[k], depth+1)
			}
		case types.StreamDict:
			visit(n, v.Dict, depth)
		case *types.StreamDict:
			visit(n, v.Dict, depth)
		case types.Array:
			for _, e := range v {
				visit(n, e, depth+1)
			}
		}
	}
	for _, n := range nums {
		visit(n, w.ctx.Table[n].Object, 0)
	}
}
