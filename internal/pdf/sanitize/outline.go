package sanitize

import (
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// outlineItem is one bookmark met while walking a level of the outline.
type outlineItem struct {
	ref  types.IndirectRef
	dict types.Dict
}

// children returns the items of one level of the outline under d, by
// /First and /Next, stopping at a cycle or a direct (invalid) item.
func (w *walker) children(d types.Dict, seen map[int]bool) []outlineItem {
	var out []outlineItem
	o := d["First"]
	for o != nil && w.step() {
		ref, ok := o.(types.IndirectRef)
		if !ok || seen[ref.ObjectNumber.Value()] {
			break
		}
		seen[ref.ObjectNumber.Value()] = true
		it := w.dict(ref)
		if it == nil {
			break
		}
		out = append(out, outlineItem{ref, it})
		o = it["Next"]
	}
	return out
}

// eachBookmark calls fn for every bookmark with its depth (1 for the top
// level).
func (w *walker) eachBookmark(root types.Dict, fn func(d types.Dict, depth int)) {
	ol := w.dict(root["Outlines"])
	if ol == nil {
		return
	}
	seen := map[int]bool{}
	if n := objNr(root["Outlines"]); n != 0 {
		seen[n] = true
	}
	var walk func(d types.Dict, depth int)
	walk = func(d types.Dict, depth int) {
		if depth > maxTreeDepth {
			w.fail("outline deeper than %d", maxTreeDepth)
			return
		}
		for _, it := range w.children(d, seen) {
			fn(it.dict, depth)
			walk(it.dict, depth+1)
		}
	}
	walk(ol, 1)
}

// outlines removes every bookmark whose title holds a term, with the
// bookmarks under it, relinking what is left of each level (/Prev, /Next,
// /Parent, the parent's /First and /Last) and recomputing every /Count.
// Bookmarks that stay lose dangerous actions and destinations named with a
// term. An outline left empty goes from the catalog.
func (s *scrub) outlines(root types.Dict) {
	olRef, isRef := root["Outlines"].(types.IndirectRef)
	ol := s.dict(root["Outlines"])
	if ol == nil {
		return
	}
	seen := map[int]bool{}
	if isRef {
		seen[olRef.ObjectNumber.Value()] = true
	}
	// visible returns how many items under d a reader sees with d open.
	var rebuild func(d types.Dict, self *types.IndirectRef, depth int) (visible int)
	rebuild = func(d types.Dict, self *types.IndirectRef, depth int) int {
		if depth > maxTreeDepth {
			s.fail("outline deeper than %d", maxTreeDepth)
			return 0
		}
		var kept []outlineItem
		for _, it := range s.children(d, seen) {
			if s.m.match(s.texts(it.dict["Title"])...) {
				s.add(KindBookmark, 0, "bookmark")
				s.countUnder(it.dict, seen)
				continue
			}
			s.scrubActions(it.dict, 0, "bookmark", false)
			s.scrubDest(it.dict, 0, "bookmark")
			kept = append(kept, it)
		}
		visible := 0
		for i, it := range kept {
			if i > 0 {
				it.dict["Prev"] = kept[i-1].ref
			} else {
				delete(it.dict, "Prev")
			}
			if i+1 < len(kept) {
				it.dict["Next"] = kept[i+1].ref
			} else {
				delete(it.dict, "Next")
			}
			if self != nil {
				it.dict["Parent"] = *self
			}
			open := true
			if c, ok := s.deref(it.dict["Count"]).(types.Integer); ok && c < 0 {
				open = false
			}
			under := rebuild(it.dict, &kept[i].ref, depth+1)
			switch {
			case under == 0:
				delete(it.dict, "Count")
			case open:
				it.dict["Count"] = types.Integer(under)
			default:
				it.dict["Count"] = types.Integer(-under)
			}
			visible++
			if open {
				visible += under
			}
		}
		if len(kept) == 0 {
			delete(d, "First")
			delete(d, "Last")
		} else {
			d["First"] = kept[0].ref
			d["Last"] = kept[len(kept)-1].ref
		}
		return visible
	}
	var self *types.IndirectRef
	if isRef {
		self = &olRef
	}
	total := rebuild(ol, self, 1)
	if _, ok := ol["First"]; !ok {
		delete(root, "Outlines")
		return
	}
	if total > 0 {
		ol["Count"] = types.Integer(total)
	} else {
		delete(ol, "Count")
	}
}

// countUnder reports the bookmarks under a removed one: they go with it.
func (s *scrub) countUnder(d types.Dict, seen map[int]bool) {
	var walk func(d types.Dict, depth int)
	walk = func(d types.Dict, depth int) {
		if depth > maxTreeDepth {
			s.fail("outline deeper than %d", maxTreeDepth)
			return
		}
		for _, it := range s.children(d, seen) {
			s.add(KindBookmark, 0, "bookmark under a removed bookmark")
			walk(it.dict, depth+1)
		}
	}
	walk(d, 1)
}
