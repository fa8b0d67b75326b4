package sanitize

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// Kinds of Item, as the redaction report names them.
const (
	KindInfo             = "info"
	KindXMP              = "xmp"
	KindEmbeddedFile     = "embedded-file"
	KindJavaScript       = "javascript"
	KindAction           = "action"
	KindThumbnail        = "thumbnail"
	KindPieceInfo        = "piece-info"
	KindBookmark         = "bookmark"
	KindNamedDestination = "named-destination"
	KindPageLabel        = "page-label"
	KindStructureText    = "structure-text"
	KindAnnotation       = "annotation"
	KindFormField        = "form-field"
	KindOptionalContent  = "optional-content"
	KindPrivateData      = "private-data"
)

// Report says what was removed, for the redaction report: kinds, pages
// and counts, never the removed text itself.
type Report struct {
	Removed []Item // one per thing removed, in the order the scrub met them
}

// Item is one thing removed (or, for hidden optional content, found and
// left to the caller).
type Item struct {
	Kind   string // one of the Kind constants
	Page   int    // 1-based when the thing belongs to a page, else 0
	Detail string // what it was, e.g. "annotation /FreeText"; never document text
}

// Count returns how many items of kind the report holds.
func (r Report) Count(kind string) int {
	n := 0
	for _, it := range r.Removed {
		if it.Kind == kind {
			n++
		}
	}
	return n
}

// Document scrubs doc in place before it is written.
//
// Always removed: the trailer's Info dictionary, every /Metadata stream
// (the catalog's XMP and any object's), embedded files (the /EmbeddedFiles
// name tree, portfolios' /Collection, /AF associated files, the streams of
// every file specification, file-attachment and media annotations),
// document JavaScript, the catalog's /OpenAction and /AA, pages' /AA,
// annotation and bookmark actions that run script, launch programs or
// send or fetch data, page thumbnails, /PieceInfo private data everywhere,
// the AcroForm's XFA, article threads' info dictionaries and extra trailer
// streams.
//
// Removed where they hold a term (matched after NFKC, lower-casing and
// collapsing white space): bookmarks (with the items under them; the
// remaining siblings are relinked and counts recomputed), named
// destinations (and links and bookmarks that go to them), URI actions,
// page label prefixes, structure-tree /Alt, /ActualText, /E and element
// /T text, annotations (by /Contents, /T, /RC, /Subj or the text of their
// appearance; with their pop-ups, replies and structure references) and
// form fields (by /T, /TU, /V, /DV, /Opt or signature details; with their
// widgets). Layer names holding a term are replaced.
//
// Hidden optional-content groups are reported, not removed: what they
// paint is page content, for the caller.
//
// A document whose trees exceed the walking limits gives an error wrapping
// ErrLimit after scrubbing what it could; it must not be released.
func Document(doc *model.Context, terms []string) (rep Report, err error) {
	if doc == nil || doc.XRefTable == nil {
		return Report{}, errors.New("sanitize: no document")
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sanitize: pdfcpu panic: %v", r)
		}
	}()
	s := &scrub{
		walker:  newWalker(doc),
		m:       newMatcher(terms),
		removed: map[int]bool{},
	}
	root, err := doc.Catalog()
	if err != nil || root == nil {
		return Report{}, fmt.Errorf("sanitize: read catalog: %w", err)
	}
	s.pageList = s.pages()
	s.pageOf = map[int]int{}
	for _, p := range s.pageList {
		if p.ref != 0 {
			s.pageOf[p.ref] = p.num
		}
	}
	s.info()
	s.names(root)
	s.catalog(root)
	s.fields(root)
	s.annotations()
	s.pruneFields(root)
	s.outlines(root)
	s.pageLabels(root)
	s.optionalContent(root)
	s.objects(root)
	s.trailer()
	return s.rep, s.err
}

// scrub is one run of Document.
type scrub struct {
	*walker
	m        *matcher
	rep      Report
	pageList []page
	pageOf   map[int]int  // page object number → page number
	removed  map[int]bool // object numbers of annotations and fields taken out
}

func (s *scrub) add(kind string, page int, detail string) {
	s.rep.Removed = append(s.rep.Removed, Item{Kind: kind, Page: page, Detail: detail})
}

// info drops the Info dictionary and pdfcpu's copies of its values.
// (pdfcpu writes a fresh one naming only itself as producer and the dates.)
func (s *scrub) info() {
	x := s.ctx.XRefTable
	if x.Info != nil {
		s.add(KindInfo, 0, "/Info dictionary")
	}
	x.Info = nil
	x.Title, x.Subject, x.Author, x.Creator, x.Producer = "", "", "", "", ""
	x.CreationDate, x.ModDate, x.Keywords = "", "", ""
	x.KeywordList, x.Properties, x.CatalogXMPMeta = nil, nil, nil
}

// names handles the catalog's /Names: embedded files and JavaScript go,
// named destinations holding a term go.
func (s *scrub) names(root types.Dict) {
	nd := s.dict(root["Names"])
	if nd == nil {
		return
	}
	if o, ok := nd["EmbeddedFiles"]; ok {
		n := 0
		s.eachName(o, func(_ []string, _ types.Object) { n++ })
		s.add(KindEmbeddedFile, 0, fmt.Sprintf("/Names /EmbeddedFiles (%d files)", n))
		delete(nd, "EmbeddedFiles")
	}
	if o, ok := nd["JavaScript"]; ok {
		n := 0
		s.eachName(o, func(_ []string, _ types.Object) { n++ })
		s.add(KindJavaScript, 0, fmt.Sprintf("/Names /JavaScript (%d scripts)", n))
		delete(nd, "JavaScript")
	}
	if o, ok := nd["Dests"]; ok {
		empty := s.filterNameTree(o, func(key []string, _ types.Object) bool {
			if s.m.match(key...) {
				s.add(KindNamedDestination, 0, "named destination")
				return true
			}
			return false
		})
		if empty {
			delete(nd, "Dests")
		}
	}
	// pdfcpu keeps a copy of the name trees it validated and writes that
	// copy back over the catalog's: drop the copies of what changed.
	for _, k := range []string{"EmbeddedFiles", "JavaScript", "Dests"} {
		delete(s.ctx.Names, k)
	}
	if len(nd) == 0 || len(nd) == 1 && nd["Type"] != nil {
		delete(root, "Names")
		s.ctx.Names = map[string]*model.Node{}
	}
}

// catalog handles the catalog's own entries.
func (s *scrub) catalog(root types.Dict) {
	if a, ok := root["OpenAction"]; ok {
		kind := KindAction
		if d := s.dict(a); d != nil {
			if k, _ := s.classifyAction(d); k == KindJavaScript {
				kind = KindJavaScript
			}
		}
		s.add(kind, 0, "catalog /OpenAction")
		delete(root, "OpenAction")
	}
	if _, ok := root["AA"]; ok {
		s.add(KindAction, 0, "catalog /AA")
		delete(root, "AA")
	}
	if _, ok := root["Collection"]; ok {
		s.add(KindEmbeddedFile, 0, "catalog /Collection (portfolio)")
		delete(root, "Collection")
	}
	if _, ok := root["SpiderInfo"]; ok {
		s.add(KindPrivateData, 0, "catalog /SpiderInfo (web capture)")
		delete(root, "SpiderInfo")
	}
	if af := s.dict(root["AcroForm"]); af != nil {
		if _, ok := af["XFA"]; ok {
			s.add(KindFormField, 0, "/AcroForm /XFA")
			delete(af, "XFA")
		}
	}
	if dests := s.dict(root["Dests"]); dests != nil {
		for _, k := range sortedKeys(dests) {
			if s.m.match(k) {
				s.add(KindNamedDestination, 0, "named destination (catalog /Dests)")
				delete(dests, k)
			}
		}
	}
	seen := map[int]bool{}
	for _, t := range s.array(root["Threads"]) {
		if n := objNr(t); n != 0 {
			if seen[n] {
				continue
			}
			seen[n] = true
		}
		if d := s.dict(t); d != nil {
			if _, ok := d["I"]; ok {
				s.add(KindInfo, 0, "article thread /I")
				delete(d, "I")
			}
		}
	}
}

// trailer drops streams pdfcpu would write into the trailer.
func (s *scrub) trailer() {
	if s.ctx.AdditionalStreams != nil {
		s.add(KindPrivateData, 0, "trailer /AdditionalStreams")
		s.ctx.AdditionalStreams = nil
	}
}

func sortedKeys(d types.Dict) []string {
	ks := make([]string, 0, len(d))
	for k := range d {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
