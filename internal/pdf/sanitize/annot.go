package sanitize

import (
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// mediaSubtypes are annotations that carry a file or recording of their
// own: removed always, like embedded files.
var mediaSubtypes = map[string]bool{
	"FileAttachment": true,
	"Sound":          true,
	"Movie":          true,
	"RichMedia":      true,
}

func subtype(d types.Dict) string {
	if st := d.Subtype(); st != nil {
		return *st
	}
	return ""
}

// annotTexts returns the strings of an annotation a reader sees or can
// extract: its comment, author, subject, rich text, captions and the text
// its appearance shows.
func (w *walker) annotTexts(d types.Dict) []found {
	var out []found
	for _, k := range []string{"Contents", "T", "Subj", "RC"} {
		for _, t := range w.texts(d[k]) {
			if k == "RC" {
				out = appendMarkup(out, "/RC", t)
				continue
			}
			out = append(out, found{"/" + k, t})
		}
	}
	if mk := w.dict(d["MK"]); mk != nil {
		for _, k := range []string{"CA", "RC", "AC"} {
			for _, t := range w.texts(mk[k]) {
				out = append(out, found{"/MK /" + k, t})
			}
		}
	}
	for _, t := range w.appearanceText(d) {
		out = append(out, found{"appearance", t})
	}
	return out
}

// appendMarkup adds an XML or XHTML text twice: as written (attribute
// values included, character references decoded) and as it reads (tags
// gone).
func appendMarkup(out []found, where, t string) []found {
	raw := markupRaw(t)
	out = append(out, found{where, raw})
	if shown := markupText(t); shown != raw {
		out = append(out, found{where, shown})
	}
	return out
}

func texts(fs []found) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.text
	}
	return out
}

// annotations scrubs every page: page actions and thumbnails go; each
// annotation that carries media or holds a term goes, with its pop-up and
// replies; the rest lose dangerous actions and links to named
// destinations holding a term.
func (s *scrub) annotations() {
	for _, p := range s.pageList {
		if _, ok := p.dict["AA"]; ok {
			s.scrubActions(p.dict, p.num, "page", true)
		}
		if _, ok := p.dict["Thumb"]; ok {
			s.add(KindThumbnail, p.num, "page /Thumb")
			delete(p.dict, "Thumb")
		}
		annots := s.array(p.dict["Annots"])
		for i, a := range annots {
			if !s.step() {
				return
			}
			n := objNr(a)
			if n != 0 && s.removed[n] {
				continue
			}
			d := s.dict(a)
			if d == nil {
				continue
			}
			st := subtype(d)
			switch {
			case mediaSubtypes[st]:
				s.add(KindEmbeddedFile, p.num, "annotation /"+st)
			case s.m.match(texts(s.annotTexts(d))...):
				kind := KindAnnotation
				s.add(kind, p.num, "annotation /"+st)
			default:
				s.scrubActions(d, p.num, "annotation /"+st, false)
				s.scrubDest(d, p.num, "annotation /"+st)
				continue
			}
			if n != 0 {
				s.removed[n] = true
			} else {
				annots[i] = nil // a direct annotation: dropped below
			}
			if pop := objNr(d["Popup"]); pop != 0 && !s.removed[pop] {
				s.removed[pop] = true
				s.add(KindAnnotation, p.num, "annotation /Popup")
			}
		}
	}
	// Replies to a removed annotation go with it (a thread about the
	// removed comment), and their replies, to a fixed point.
	for changed, round := true, 0; changed && round < maxTreeDepth; round++ {
		changed = false
		for _, p := range s.pageList {
			for _, a := range s.array(p.dict["Annots"]) {
				n := objNr(a)
				if n == 0 || s.removed[n] {
					continue
				}
				d := s.dict(a)
				if d == nil || !s.removed[objNr(d["IRT"])] {
					continue
				}
				s.removed[n] = true
				changed = true
				s.add(KindAnnotation, p.num, "annotation /"+subtype(d)+" (reply to a removed annotation)")
				if pop := objNr(d["Popup"]); pop != 0 && !s.removed[pop] {
					s.removed[pop] = true
					s.add(KindAnnotation, p.num, "annotation /Popup")
				}
			}
		}
	}
	for _, p := range s.pageList {
		s.filterAnnots(p.dict)
	}
}

// filterAnnots takes removed annotations out of a page's /Annots.
func (s *scrub) filterAnnots(pd types.Dict) {
	o, ok := pd["Annots"]
	if !ok {
		return
	}
	var kept types.Array
	changed := false
	for _, a := range s.array(o) {
		if a == nil || s.removed[objNr(a)] {
			changed = true
			continue
		}
		kept = append(kept, a)
	}
	switch {
	case len(kept) == 0:
		delete(pd, "Annots")
	case changed:
		pd["Annots"] = kept
	}
}

// fieldTexts returns a form field's strings: names, tooltip, values,
// options and, for a signature, the signer's details.
func (w *walker) fieldTexts(d types.Dict) []found {
	var out []found
	for _, k := range []string{"T", "TU", "TM", "V", "DV", "RV"} {
		v := d[k]
		if v == nil {
			continue
		}
		if sig := w.dict(v); sig != nil && (k == "V" || k == "DV") {
			for _, sk := range []string{"Name", "Reason", "Location", "ContactInfo", "Contents"} {
				for _, t := range w.texts(sig[sk]) {
					out = append(out, found{"/" + k + " /" + sk, t})
				}
			}
			continue
		}
		if arr := w.array(v); arr != nil { // a list box's several values
			for _, e := range arr {
				for _, t := range w.texts(e) {
					out = append(out, found{"/" + k, t})
				}
			}
			continue
		}
		for _, t := range w.texts(v) {
			if k == "RV" {
				out = appendMarkup(out, "/RV", t)
				continue
			}
			out = append(out, found{"/" + k, t})
		}
	}
	for _, e := range w.array(d["Opt"]) {
		if pair := w.array(e); pair != nil {
			for _, pe := range pair {
				for _, t := range w.texts(pe) {
					out = append(out, found{"/Opt", t})
				}
			}
			continue
		}
		for _, t := range w.texts(e) {
			out = append(out, found{"/Opt", t})
		}
	}
	return out
}

// eachField calls fn for every field and widget of the AcroForm field
// tree under the array o, with its parent's /Kids (or /Fields) array
// owner and key; fn returns false to prune the subtree.
func (w *walker) eachField(fields types.Object, fn func(o types.Object, d types.Dict, depth int) bool) {
	seen := map[int]bool{}
	var walk func(arr types.Object, depth int)
	walk = func(arr types.Object, depth int) {
		if depth > maxTreeDepth {
			w.fail("form field tree deeper than %d", maxTreeDepth)
			return
		}
		for _, k := range w.array(arr) {
			if n := objNr(k); n != 0 {
				if seen[n] {
					continue
				}
				seen[n] = true
			}
			if !w.step() {
				return
			}
			d := w.dict(k)
			if d == nil {
				continue
			}
			if fn(k, d, depth) {
				walk(d["Kids"], depth+1)
			}
		}
	}
	walk(fields, 0)
}

// fields removes every form field holding a term, with the fields and
// widgets under it.
func (s *scrub) fields(root types.Dict) {
	af := s.dict(root["AcroForm"])
	if af == nil {
		return
	}
	s.eachField(af["Fields"], func(o types.Object, d types.Dict, _ int) bool {
		if n := objNr(o); n != 0 && s.removed[n] {
			return false
		}
		if !s.m.match(texts(s.fieldTexts(d))...) {
			return true
		}
		ft := ""
		if n, ok := s.deref(d["FT"]).(types.Name); ok {
			ft = " /" + string(n)
		}
		s.add(KindFormField, s.pageOf[objNr(d["P"])], "form field"+ft)
		s.markSubtree(o, d)
		return false
	})
	s.pruneFieldArrays(af)
}

// markSubtree marks a field and every field and widget under it removed.
func (s *scrub) markSubtree(o types.Object, d types.Dict) {
	if n := objNr(o); n != 0 {
		s.removed[n] = true
	}
	s.eachField(d["Kids"], func(k types.Object, kd types.Dict, _ int) bool {
		if n := objNr(k); n != 0 {
			s.removed[n] = true
		}
		if pop := objNr(kd["Popup"]); pop != 0 {
			s.removed[pop] = true
		}
		return true
	})
}

// pruneFields takes out of the field tree the widgets removed as
// annotations, and fields left without widgets.
func (s *scrub) pruneFields(root types.Dict) {
	af := s.dict(root["AcroForm"])
	if af == nil {
		return
	}
	s.pruneFieldArrays(af)
}

func (s *scrub) pruneFieldArrays(af types.Dict) {
	// Children first, so a field whose last widget went is seen empty.
	var prune func(arr types.Array, depth int, seen map[int]bool) types.Array
	prune = func(arr types.Array, depth int, seen map[int]bool) types.Array {
		var kept types.Array
		for _, k := range arr {
			n := objNr(k)
			if n != 0 && s.removed[n] {
				continue
			}
			d := s.dict(k)
			if d != nil && depth < maxTreeDepth && (n == 0 || !seen[n]) {
				if n != 0 {
					seen[n] = true
				}
				if kids, ok := d["Kids"]; ok {
					before := s.array(kids)
					after := prune(before, depth+1, seen)
					if len(before) > 0 && len(after) == 0 {
						if n != 0 {
							s.removed[n] = true
						}
						continue
					}
					if len(after) != len(before) {
						d["Kids"] = after
					}
				}
			}
			kept = append(kept, k)
		}
		return kept
	}
	if f, ok := af["Fields"]; ok {
		af["Fields"] = prune(s.array(f), 0, map[int]bool{})
	}
	if co, ok := af["CO"]; ok {
		var kept types.Array
		for _, k := range s.array(co) {
			if !s.removed[objNr(k)] {
				kept = append(kept, k)
			}
		}
		if len(kept) == 0 {
			delete(af, "CO")
		} else {
			af["CO"] = kept
		}
	}
}
