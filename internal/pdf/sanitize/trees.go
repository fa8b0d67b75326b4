package sanitize

import (
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// eachName calls fn for every entry of the name tree at o, with the
// readings of its key.
func (w *walker) eachName(o types.Object, fn func(key []string, val types.Object)) {
	w.eachLeaf(o, "Names", "name tree", func(k, v types.Object) { fn(textOf(w.deref(k)), v) })
}

// eachLeaf calls fn for every key/value pair in the arrays under entry of
// the leaves of the name or number tree at o (what names it in errors).
func (w *walker) eachLeaf(o types.Object, entry, what string, fn func(key, val types.Object)) {
	seen := map[int]bool{}
	var walk func(o types.Object, depth int)
	walk = func(o types.Object, depth int) {
		if n := objNr(o); n != 0 {
			if seen[n] {
				return
			}
			seen[n] = true
		}
		if !w.step() {
			return
		}
		if depth > maxTreeDepth {
			w.fail("%s deeper than %d", what, maxTreeDepth)
			return
		}
		d := w.dict(o)
		if d == nil {
			return
		}
		pairs := w.array(d[entry])
		for i := 0; i+1 < len(pairs); i += 2 {
			fn(pairs[i], pairs[i+1])
		}
		for _, k := range w.array(d["Kids"]) {
			walk(k, depth+1)
		}
	}
	walk(o, 0)
}

// limits returns the /Limits strings of every node of the name tree at o.
func (w *walker) limits(o types.Object) []string {
	var out []string
	seen := map[int]bool{}
	var walk func(o types.Object, depth int)
	walk = func(o types.Object, depth int) {
		if n := objNr(o); n != 0 {
			if seen[n] {
				return
			}
			seen[n] = true
		}
		if depth > maxTreeDepth || !w.step() {
			return
		}
		d := w.dict(o)
		if d == nil {
			return
		}
		for _, l := range w.array(d["Limits"]) {
			out = append(out, textOf(w.deref(l))...)
		}
		for _, k := range w.array(d["Kids"]) {
			walk(k, depth+1)
		}
	}
	walk(o, 0)
	return out
}

// filterNameTree removes the entries of the name tree at o for which drop
// is true, takes out nodes left empty and rewrites the /Limits of every
// node (the old ones would still name the keys removed). It reports
// whether the whole tree is now empty.
func (w *walker) filterNameTree(o types.Object, drop func(key []string, val types.Object) bool) bool {
	seen := map[int]bool{}
	var walk func(o types.Object, depth int, root bool) (lo, hi types.Object, empty bool)
	walk = func(o types.Object, depth int, root bool) (lo, hi types.Object, empty bool) {
		if n := objNr(o); n != 0 {
			if seen[n] {
				// A node met twice is filtered once; keep the second
				// reference, with no say in its parent's limits.
				return nil, nil, false
			}
			seen[n] = true
		}
		if !w.step() {
			return nil, nil, false
		}
		if depth > maxTreeDepth {
			w.fail("name tree deeper than %d", maxTreeDepth)
			return nil, nil, false
		}
		d := w.dict(o)
		if d == nil {
			return nil, nil, true
		}
		var kept types.Array
		if _, ok := d["Names"]; ok {
			names := w.array(d["Names"])
			for i := 0; i+1 < len(names); i += 2 {
				if drop(textOf(w.deref(names[i])), names[i+1]) {
					continue
				}
				kept = append(kept, names[i], names[i+1])
			}
			if len(names)%2 == 1 && !drop(textOf(w.deref(names[len(names)-1])), nil) {
				// A key without a value is invalid; keep it for what it is.
				kept = append(kept, names[len(names)-1])
			}
			d["Names"] = kept
			if len(kept) >= 2 {
				lo, hi = kept[0], kept[len(kept)-2]
			}
		}
		if _, ok := d["Kids"]; ok {
			var kids types.Array
			for _, k := range w.array(d["Kids"]) {
				klo, khi, kempty := walk(k, depth+1, false)
				if kempty {
					continue
				}
				kids = append(kids, k)
				if lo == nil {
					lo = klo
				}
				if khi != nil {
					hi = khi
				}
			}
			if len(kids) == 0 {
				delete(d, "Kids")
			} else {
				d["Kids"] = kids
			}
		}
		empty = len(kept) == 0 && d["Kids"] == nil
		if len(kept) == 0 {
			delete(d, "Names")
		}
		switch {
		case root:
			delete(d, "Limits")
		case lo != nil && hi != nil:
			d["Limits"] = types.Array{lo, hi}
		default:
			delete(d, "Limits")
		}
		return lo, hi, empty
	}
	_, _, empty := walk(o, 0, true)
	return empty
}

// eachNumber calls fn for every value of the number tree at o.
func (w *walker) eachNumber(o types.Object, fn func(val types.Object)) {
	w.eachLeaf(o, "Nums", "number tree", func(_, v types.Object) { fn(v) })
}
