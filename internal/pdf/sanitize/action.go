package sanitize

import (
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// actionChain returns the action dictionaries of the action at o and of
// its /Next chain, bounded and cycle-free.
func (w *walker) actionChain(o types.Object) []types.Dict {
	var out []types.Dict
	seen := map[int]bool{}
	var walk func(o types.Object, depth int)
	walk = func(o types.Object, depth int) {
		if n := objNr(o); n != 0 {
			if seen[n] {
				return
			}
			seen[n] = true
		}
		if depth > maxTreeDepth {
			w.fail("action chain longer than %d", maxTreeDepth)
			return
		}
		if !w.step() {
			return
		}
		switch v := w.deref(o).(type) {
		case types.Dict:
			out = append(out, v)
			if nx, ok := v["Next"]; ok {
				walk(nx, depth+1)
			}
		case types.Array:
			for _, e := range v {
				walk(e, depth+1)
			}
		}
	}
	walk(o, 0)
	return out
}

// actionTexts returns the strings an action chain carries that a reader
// can see or extract: script source, URIs, file names, destination names.
func (w *walker) actionTexts(o types.Object) []found {
	var out []found
	for _, a := range w.actionChain(o) {
		for _, k := range []string{"JS", "URI", "D", "F", "UF", "N"} {
			v, ok := a[k]
			if !ok {
				continue
			}
			if k == "F" || k == "UF" {
				if fs := w.dict(v); fs != nil {
					for _, fk := range []string{"F", "UF", "DOS", "Mac", "Unix", "Desc"} {
						for _, t := range w.texts(fs[fk]) {
							out = append(out, found{"/" + k + " /" + fk, t})
						}
					}
					continue
				}
			}
			if k == "N" || k == "D" {
				if _, isArr := w.deref(v).(types.Array); isArr {
					continue // an explicit destination: page and position
				}
			}
			for _, t := range w.texts(v) {
				out = append(out, found{"/" + k, t})
			}
		}
	}
	return out
}

// found is a string and where in its owner it is.
type found struct{ where, text string }

// classifyAction says whether an action chain must go and under which
// kind: script (JavaScript, renditions with script), programs and data
// exchange (Launch, SubmitForm, ImportData, embedded go-to) always, and
// any action whose URI, file or destination name holds a term.
func (s *scrub) classifyAction(a types.Dict) (kind string, bad bool) {
	return s.classifyChain(a)
}

func (s *scrub) classifyChain(o types.Object) (kind string, bad bool) {
	kind = KindAction
	for _, a := range s.actionChain(o) {
		st := ""
		if n, ok := s.deref(a["S"]).(types.Name); ok {
			st = string(n)
		}
		switch st {
		case "JavaScript":
			return KindJavaScript, true
		case "Rendition":
			if _, ok := a["JS"]; ok {
				return KindJavaScript, true
			}
		case "Launch", "SubmitForm", "ImportData", "GoToE":
			bad = true
		}
	}
	if bad {
		return kind, true
	}
	for _, f := range s.actionTexts(o) {
		if s.m.match(f.text) {
			if f.where == "/D" || f.where == "/N" {
				return KindNamedDestination, true
			}
			return KindAction, true
		}
	}
	return kind, false
}

// scrubActions removes owner's /A when it must go (or always, when all is
// set) and the triggers of owner's /AA that must go (all of them when all
// is set). what names the owner in the report ("annotation /Link").
func (s *scrub) scrubActions(owner types.Dict, page int, what string, all bool) {
	if a, ok := owner["A"]; ok {
		kind, bad := s.classifyChain(a)
		if all || bad {
			s.add(kind, page, what+" /A")
			delete(owner, "A")
		}
	}
	aa, ok := owner["AA"]
	if !ok {
		return
	}
	if all {
		s.add(KindAction, page, what+" /AA")
		delete(owner, "AA")
		return
	}
	d := s.dict(aa)
	if d == nil {
		delete(owner, "AA")
		return
	}
	for _, trig := range sortedKeys(d) {
		if kind, bad := s.classifyChain(d[trig]); bad {
			s.add(kind, page, what+" /AA /"+trig)
			delete(d, trig)
		}
	}
	if len(d) == 0 {
		delete(owner, "AA")
	}
}

// scrubDest removes owner's /Dest when it names a destination holding a
// term.
func (s *scrub) scrubDest(owner types.Dict, page int, what string) {
	v, ok := owner["Dest"]
	if !ok {
		return
	}
	if _, isArr := s.deref(v).(types.Array); isArr {
		return
	}
	if s.m.match(s.texts(v)...) {
		s.add(KindNamedDestination, page, what+" /Dest")
		delete(owner, "Dest")
	}
}
