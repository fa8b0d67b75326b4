package redact

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/sanitize"
	"github.com/releasegate/releasegate/internal/pdf/text"
)

// Verification is the result of reading a redacted file back.
type Verification struct {
	OK bool `json:"ok"`
	// Failures says where a term or a glyph under a mark was found; it
	// names the place, never the text.
	Failures []string `json:"failures,omitempty"`

	overlaps []int // per page, glyphs running into their neighbour
	visible  []int // per page, glyphs a reader sees
	// underMark are the pages with a glyph under a mark; other says some
	// failure was of another kind (a term, unreadable text).
	underMark map[int]bool
	other     bool
}

// maxFailures bounds what a verification lists.
const maxFailures = 50

// Verify reads data and proves that no glyph, visible or not, lies under a
// mark, that no term occurs in any page's text, and that no term occurs in
// the decompressed bytes of any stream or in any string of the file —
// including objects of earlier revisions that the current one no longer
// names (an unencrypted file's raw bytes are scanned too).
func Verify(ctx context.Context, data []byte, password string, terms []string, marks []Mark, lim text.Limits) (Verification, error) {
	doc, err := ingest.Open(ctx, data, password, ingest.Limits{})
	if err != nil {
		return Verification{}, err
	}
	v, err := verifyDoc(ctx, doc, terms, marks, lim)
	if err != nil {
		return v, err
	}
	if doc.Ctx.Encrypt == nil {
		for _, where := range rawFileHits(data, terms) {
			v.other = true
			if len(v.Failures) < maxFailures {
				v.Failures = append(v.Failures, where+" holds a term")
			}
		}
		v.OK = len(v.Failures) == 0
	}
	return v, nil
}

func verifyDoc(ctx context.Context, doc *ingest.Document, terms []string, marks []Mark, lim text.Limits) (Verification, error) {
	v := Verification{underMark: map[int]bool{}}
	record := func(format string, args ...any) {
		if len(v.Failures) < maxFailures {
			v.Failures = append(v.Failures, fmt.Sprintf(format, args...))
		}
	}
	fail := func(format string, args ...any) {
		v.other = true
		record(format, args...)
	}
	m := newMatcher(terms)
	ex := text.New(doc, lim)
	for n := 1; n <= doc.NumPages(); n++ {
		p, err := ex.Page(ctx, n)
		if err != nil {
			return v, err
		}
		for _, pr := range p.Problems {
			fail("page %d: text could not all be read: %s", n, pr)
		}
		v.overlaps = append(v.overlaps, overlaps(&p))
		v.visible = append(v.visible, visibleKept(&p, nil))
		for gi := range p.Glyphs {
			b := p.Glyphs[gi].Quad.Bounds()
			for k, mk := range marks {
				if mk.Page == n && covered(b, normRect(mk.Rect)) {
					v.underMark[n] = true
					record("page %d: a glyph remains under mark %d", n, k+1)
					break
				}
			}
		}
		if len(m.find(&p)) > 0 {
			fail("page %d: a term remains in the page's text", n)
		}
	}
	for _, where := range rawTermHits(doc, terms) {
		fail("%s holds a term", where)
	}
	for _, f := range sanitize.Strings(doc.Ctx) {
		switch {
		case strings.HasPrefix(f.Where, "limit"):
			fail("document-level strings could not all be read (%s)", f.Where)
		case m.contains(f.Text):
			fail("%s holds a term", f.Where)
		}
	}
	v.OK = len(v.Failures) == 0
	return v, nil
}

// maxRawDecoded bounds what scanning a file's raw streams may decode.
const maxRawDecoded = 512 << 20

// rawFileHits scans the bytes of the file itself, not the objects its
// cross-reference table names: every stream (decompressed when Flate) and
// the text between streams. Objects of earlier revisions, and objects no
// table names, are found this way.
func rawFileHits(data []byte, terms []string) []string {
	var needles [][]byte
	for _, t := range terms {
		if w := strings.FieldsFunc(fold(t), unicode.IsSpace); len(w) > 0 {
			needles = append(needles, []byte(strings.Join(w, " ")))
		}
	}
	if len(needles) == 0 {
		return nil
	}
	var hits []string
	check := func(where string, b []byte) {
		low := bytes.ToLower(b)
		for _, nd := range needles {
			if bytes.Contains(low, nd) {
				hits = append(hits, where)
				return
			}
		}
	}
	budget := int64(maxRawDecoded)
	rest := data
	off := 0
	for {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			check("the file's bytes", rest)
			return hits
		}
		// "endstream" contains "stream": skip it.
		if i >= 3 && bytes.Equal(rest[i-3:i], []byte("end")) {
			check("the file's bytes", rest[:i+6])
			off += i + 6
			rest = rest[i+6:]
			continue
		}
		check("the file's bytes", rest[:i])
		start := i + len("stream")
		if start < len(rest) && rest[start] == '\r' {
			start++
		}
		if start < len(rest) && rest[start] == '\n' {
			start++
		}
		end := bytes.Index(rest[start:], []byte("endstream"))
		if end < 0 {
			end = len(rest) - start
		}
		body := rest[start : start+end]
		check(fmt.Sprintf("the stream at byte %d", off+start), body)
		if budget > 0 {
			if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
				dec, _ := io.ReadAll(io.LimitReader(zr, budget))
				budget -= int64(len(dec))
				check(fmt.Sprintf("the stream at byte %d", off+start), dec)
			}
		}
		off += start + end
		rest = rest[start+end:]
	}
}

// rawTermHits searches every object of the file, streams decompressed, for
// each term's words as plain bytes (any case, single spaces), and every
// string for the term as text.
func rawTermHits(doc *ingest.Document, terms []string) []string {
	var needles [][]byte
	for _, t := range terms {
		w := strings.FieldsFunc(fold(t), unicode.IsSpace)
		if len(w) > 0 {
			needles = append(needles, []byte(strings.Join(w, " ")))
		}
	}
	if len(needles) == 0 {
		return nil
	}
	m := newMatcher(terms)
	var hits []string
	for objNr, e := range doc.Ctx.Table {
		if e == nil || e.Free || e.Object == nil {
			continue
		}
		var hay []byte
		switch o := e.Object.(type) {
		case types.StreamDict:
			b, _, err := doc.Stream(o, maxStream)
			if err == nil {
				hay = b
			}
			if strs := stringsIn(o.Dict, 0); m.contains(strs) {
				hits = append(hits, fmt.Sprintf("object %d", objNr))
				continue
			}
		default:
			if strs := stringsIn(o, 0); m.contains(strs) {
				hits = append(hits, fmt.Sprintf("object %d", objNr))
				continue
			}
		}
		if hay == nil {
			continue
		}
		low := bytes.ToLower(hay)
		for _, nd := range needles {
			if bytes.Contains(low, nd) {
				hits = append(hits, fmt.Sprintf("stream object %d", objNr))
				break
			}
		}
	}
	return hits
}

// stringsIn joins the text of every string in o (decoded as PDF text
// strings), one per line.
func stringsIn(o types.Object, depth int) string {
	if depth > 32 {
		return ""
	}
	switch v := o.(type) {
	case types.StringLiteral:
		if s, err := types.StringLiteralToString(v); err == nil {
			return s + "\n"
		}
		return string(v) + "\n"
	case types.HexLiteral:
		if s, err := types.HexLiteralToString(v); err == nil {
			return s + "\n"
		}
	case types.Name:
		return string(v) + "\n"
	case types.Array:
		var b strings.Builder
		for _, e := range v {
			b.WriteString(stringsIn(e, depth+1))
		}
		return b.String()
	case types.Dict:
		var b strings.Builder
		for _, e := range v {
			b.WriteString(stringsIn(e, depth+1))
		}
		return b.String()
	}
	return ""
}

// Redact opens data, redacts it, writes it afresh and verifies the result.
// It returns the new file only when verification passed; otherwise the
// error wraps ErrVerify and the report says why.
func Redact(ctx context.Context, data []byte, password string, opt Options) ([]byte, Report, Verification, error) {
	if opt.Policy == "" {
		opt.Policy = Quantised
	}
	out, rep, v, err := redactOnce(ctx, data, password, opt)
	if opt.Policy != Quantised {
		return out, rep, v, err
	}
	// Widening gaps can run a line into text placed after it, or move kept
	// text under a mark: those pages keep their exact layout.
	var pages map[int]bool
	why := ""
	switch {
	case errors.Is(err, ErrVerify) && underMarkOnly(v):
		pages, why = v.underMark, "gaps could not be widened without moving text under a mark"
	case err == nil:
		pages, why = morePages(rep.overlaps, v.overlaps), "widening the gaps made kept text run into other text"
		if hidden := morePages(v.visible, rep.visible); len(hidden) > 0 {
			// Fewer visible glyphs than were kept: a widened line ran off
			// the page or out of its clip.
			pages, why = hidden, "widening the gaps pushed kept text out of sight"
			maps.Copy(pages, morePages(rep.overlaps, v.overlaps))
		}
	}
	if len(pages) == 0 {
		return out, rep, v, err
	}
	again := opt
	again.exactPages = pages
	out, rep, v, err = redactOnce(ctx, data, password, again)
	for _, n := range slices.Sorted(maps.Keys(pages)) {
		rep.Problems = append(rep.Problems, fmt.Sprintf("page %d: %s: the exact layout was kept, and widths leak", n, why))
	}
	return out, rep, v, err
}

// morePages returns the pages of the output with more pairs of
// neighbouring glyphs running into each other than the same page of the
// input: a widened line reached text placed after it. The counts come
// from the extractions redaction and verification do anyway.
func morePages(in, out []int) map[int]bool {
	pages := map[int]bool{}
	if len(in) != len(out) {
		return pages
	}
	for i := range in {
		if out[i] > in[i] {
			pages[i+1] = true
		}
	}
	return pages
}

// overlaps counts neighbouring glyphs in the words of a page (and across
// the space between words) whose boxes overlap by more than a third of the
// narrower along the line.
func overlaps(p *text.Page) int {
	n := 0
	var prev *text.Glyph
	prevLine := -1
	for _, w := range p.Words {
		if w.Line != prevLine {
			prev = nil
			prevLine = w.Line
		}
		for _, gi := range w.Glyphs {
			g := &p.Glyphs[gi]
			if prev != nil {
				a, b := prev.Quad.Bounds(), g.Quad.Bounds()
				ov := min(a[2], b[2]) - max(a[0], b[0])
				if narrow := min(a[2]-a[0], b[2]-b[0]); narrow > 0 && ov > narrow/3 {
					n++
				}
			}
			prev = g
		}
	}
	return n
}

// underMarkOnly reports a verification that failed only because glyphs lie
// under marks.
func underMarkOnly(v Verification) bool {
	return len(v.underMark) > 0 && !v.other
}

func redactOnce(ctx context.Context, data []byte, password string, opt Options) ([]byte, Report, Verification, error) {
	doc, err := ingest.Open(ctx, data, password, ingest.Limits{})
	if err != nil {
		return nil, Report{}, Verification{}, err
	}
	rep, err := apply(ctx, doc, opt)
	if err != nil {
		return nil, rep, Verification{}, err
	}
	if err := sanitizeDoc(doc, opt.Terms, &rep); err != nil {
		return nil, rep, Verification{}, err
	}
	var buf bytes.Buffer
	if err := doc.WriteFresh(&buf); err != nil {
		return nil, rep, Verification{}, fmt.Errorf("write redacted file: %w", err)
	}
	v, err := Verify(ctx, buf.Bytes(), "", opt.Terms, opt.Marks, opt.Limits)
	if err != nil {
		return nil, rep, v, fmt.Errorf("%w: it does not read back: %w", ErrVerify, err)
	}
	if !v.OK {
		return nil, rep, v, fmt.Errorf("%w: %s", ErrVerify, v.Failures[0])
	}
	return buf.Bytes(), rep, v, nil
}

// sanitizeDoc removes the document-level places personal data hides in:
// always the Info dictionary, XMP metadata, attachments, scripts and
// actions, thumbnails and private data; where a term occurs, bookmarks,
// destinations, page labels, structure text, annotations and form fields.
func sanitizeDoc(doc *ingest.Document, terms []string, rep *Report) error {
	r, err := sanitize.Document(doc.Ctx, terms)
	rep.Sanitised = r.Removed
	if err != nil {
		return fmt.Errorf("sanitise: %w", err)
	}
	return nil
}
