package sanitize

import (
	"fmt"
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pageLabels removes page label prefixes holding a term.
func (s *scrub) pageLabels(root types.Dict) {
	pl, ok := root["PageLabels"]
	if !ok {
		return
	}
	s.eachNumber(pl, func(v types.Object) {
		d := s.dict(v)
		if d == nil {
			return
		}
		if s.m.match(s.texts(d["P"])...) {
			s.add(KindPageLabel, 0, "page label /P")
			delete(d, "P")
		}
	})
}

// ocgs returns the optional-content groups the default configuration
// turns off, and every group.
func (w *walker) ocgs(root types.Dict) (off []types.Object, all []types.Object) {
	ocp := w.dict(root["OCProperties"])
	if ocp == nil {
		return nil, nil
	}
	if d := w.dict(ocp["D"]); d != nil {
		off = w.array(d["OFF"])
	}
	return off, w.array(ocp["OCGs"])
}

// optionalContent reports the layers hidden by default (their content is
// the caller's to remove) and replaces layer names holding a term.
func (s *scrub) optionalContent(root types.Dict) {
	off, all := s.ocgs(root)
	for _, g := range off {
		if n := objNr(g); n != 0 {
			s.add(KindOptionalContent, 0, fmt.Sprintf("hidden layer (object %d)", n))
		} else {
			s.add(KindOptionalContent, 0, "hidden layer")
		}
	}
	seen := map[int]bool{}
	for i, g := range all {
		if n := objNr(g); n != 0 {
			if seen[n] {
				continue
			}
			seen[n] = true
		}
		d := s.dict(g)
		if d == nil {
			continue
		}
		if s.m.match(s.texts(d["Name"])...) {
			s.add(KindOptionalContent, 0, "layer name replaced")
			d["Name"] = types.StringLiteral(fmt.Sprintf("Layer %d", i+1))
		}
	}
}

// structureKeys are the text entries of structure elements and marked
// content property lists (ISO 32000-2 §14.7.2, §14.9.3, §14.9.4, §14.9.5).
var structureKeys = []string{"Alt", "ActualText", "E"}

// isStructElem tells a structure element from other dictionaries.
func isStructElem(d types.Dict) bool {
	if t := d.Type(); t != nil && *t == "StructElem" {
		return true
	}
	_, s := d["S"].(types.Name)
	_, p := d["P"]
	return s && p
}

// eachDict calls fn for every dictionary of the objects pdfcpu will write:
// each object's (streams' included) and those nested directly inside
// them, in object number order, with the number of the object holding it.
func (w *walker) eachDict(fn func(objNr int, d types.Dict)) {
	nums := w.objectNumbers()
	var visit func(n int, o types.Object, depth int)
	visit = func(n int, o types.Object, depth int) {
		if depth > maxDirectDepth || !w.step() {
			return
		}
		switch v := o.(type) {
		case types.Dict:
			fn(n, v)
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

// objects makes one pass over every dictionary in the file for what can
// sit anywhere: /Metadata, /PieceInfo, associated and embedded files,
// structure text holding a term, and structure references to removed
// annotations and fields.
func (s *scrub) objects(root types.Dict) {
	rootNr := 0
	if s.ctx.Root != nil {
		rootNr = s.ctx.Root.ObjectNumber.Value()
	}
	s.eachDict(func(n int, d types.Dict) {
		owner, page := s.describe(n, d, rootNr)
		if _, ok := d["Metadata"]; ok {
			if n == rootNr && d.Type() != nil && *d.Type() == "Catalog" {
				s.add(KindXMP, 0, "catalog /Metadata (XMP)")
			} else {
				s.add(KindXMP, page, owner+" /Metadata (XMP)")
			}
			delete(d, "Metadata")
		}
		if _, ok := d["PieceInfo"]; ok {
			s.add(KindPieceInfo, page, owner+" /PieceInfo")
			delete(d, "PieceInfo")
		}
		if _, ok := d["AF"]; ok {
			s.add(KindEmbeddedFile, page, owner+" /AF (associated files)")
			delete(d, "AF")
		}
		for _, k := range []string{"EF", "RF"} {
			if _, ok := d[k]; ok {
				s.add(KindEmbeddedFile, page, "file specification /"+k)
				delete(d, k)
			}
		}
		keys := structureKeys
		if isStructElem(d) {
			keys = append(slices.Clone(structureKeys), "T")
		}
		for _, k := range keys {
			v, ok := d[k]
			if !ok {
				continue
			}
			if _, isStr := textBytes(s.deref(v)); !isStr {
				if s.stream(v) == nil {
					continue
				}
			}
			if s.m.match(s.texts(v)...) {
				s.add(KindStructureText, page, owner+" /"+k)
				delete(d, k)
			}
		}
		if len(s.removed) > 0 {
			s.pruneObjRefs(d)
		}
	})
}

// describe names a dictionary for the report, without its text.
func (s *scrub) describe(n int, d types.Dict, rootNr int) (owner string, page int) {
	if n == rootNr {
		return "catalog", 0
	}
	if p, ok := s.pageOf[n]; ok && d.IsPage() {
		return "page", p
	}
	switch {
	case isStructElem(d):
		return "structure element", 0
	case d.Type() != nil:
		return "/" + *d.Type(), 0
	case d.Subtype() != nil:
		return "/" + *d.Subtype(), 0
	}
	return "dictionary", 0
}

// pruneObjRefs drops from a structure element's /K the object references
// (OBJR) to annotations and fields that were removed: they would keep the
// removed objects in the written file.
func (s *scrub) pruneObjRefs(d types.Dict) {
	k, ok := d["K"]
	if !ok {
		return
	}
	gone := func(o types.Object) bool {
		kd := s.dict(o)
		if kd == nil {
			return false
		}
		return s.removed[objNr(kd["Obj"])]
	}
	if gone(k) {
		delete(d, "K")
		return
	}
	arr, isArr := k.(types.Array)
	if !isArr {
		return
	}
	kept := arr[:0:0]
	for _, e := range arr {
		if !gone(e) {
			kept = append(kept, e)
		}
	}
	if len(kept) != len(arr) {
		d["K"] = kept
	}
}

// objectNumbers returns the numbers of the objects pdfcpu will write, in
// order.
func (w *walker) objectNumbers() []int {
	live := w.reachable()
	nums := make([]int, 0, len(live))
	for n := range live {
		if e := w.ctx.Table[n]; e != nil && !e.Free && e.Object != nil {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	return nums
}
