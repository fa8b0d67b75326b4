package redact

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/releasegate/releasegate/internal/pdf/text"
)

// Terms match case-insensitively (Unicode simple folding after NFKC, so
// ligatures such as "ﬁ" match "fi"), with any run of white space or a line
// break between words, and across a word hyphenated at the end of a line.

// softHyphen stands for a hyphen at the end of a line followed by the line
// break, which a term may skip.
const softHyphen = '\u00AD'

// matcher finds terms in a page's words.
type matcher struct {
	res []*regexp.Regexp
}

func newMatcher(terms []string) *matcher {
	m := &matcher{}
	for _, t := range terms {
		if re := termRegexp(t); re != nil {
			m.res = append(m.res, re)
		}
	}
	return m
}

// fold returns the comparable form of s: NFKC, lower case, the hyphen
// and apostrophe variants producers use (U+2010 to U+2012, U+2212; U+2018,
// U+2019, U+02BC) as their ASCII forms.
func fold(s string) string {
	return foldMarks.Replace(strings.ToLower(norm.NFKC.String(s)))
}

var foldMarks = strings.NewReplacer(
	"\u2010", "-", "\u2011", "-", "\u2012", "-", "\u2212", "-",
	"\u2018", "'", "\u2019", "'", "\u02bc", "'",
)

// termRegexp compiles a term: its words in order, white space between
// them matching any white space, a soft hyphen allowed between any two
// characters of a word.
func termRegexp(term string) *regexp.Regexp {
	words := strings.FieldsFunc(fold(term), unicode.IsSpace)
	if len(words) == 0 {
		return nil
	}
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteString(`\s+`)
		}
		for k, r := range w {
			if k > 0 {
				b.WriteString("\u00AD?")
			}
			if r == '-' {
				// A hyphen in the term may be the one that broke the line.
				b.WriteString("[-\u00AD]")
				continue
			}
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return regexp.MustCompile(b.String())
}

// haystack is a page's text in comparable form, each byte knowing the
// glyph it came from (-1 for separators), or, for a word whose folded text
// is not the sum of its glyphs' (an accent combined with its letter), the
// word (wholeWord).
type haystack struct {
	s     string
	glyph []int // by byte offset
	word  []int // by byte offset, when glyph is wholeWord
}

const wholeWord = -2

func buildHaystack(p *text.Page) haystack {
	var b strings.Builder
	var glyphs, words []int
	add := func(s string, g int) {
		b.WriteString(s)
		for range len(s) {
			glyphs = append(glyphs, g)
			words = append(words, -1)
		}
	}
	addWord := func(s string, wi int) {
		b.WriteString(s)
		for range len(s) {
			glyphs = append(glyphs, wholeWord)
			words = append(words, wi)
		}
	}
	joined := false // the previous word ended in a soft hyphen
	for wi, w := range p.Words {
		switch {
		case wi == 0 || joined:
		case w.Line != p.Words[wi-1].Line:
			add("\n", -1)
		default:
			add(" ", -1)
		}
		joined = false
		lastOnLine := wi+1 < len(p.Words) && p.Words[wi+1].Line != w.Line
		var sum strings.Builder
		for _, gi := range w.Glyphs {
			sum.WriteString(fold(p.Glyphs[gi].Text))
		}
		if wf := fold(w.Text); wf != sum.String() {
			addWord(wf, wi)
			continue
		}
		for k, gi := range w.Glyphs {
			t := fold(p.Glyphs[gi].Text)
			if lastOnLine && k == len(w.Glyphs)-1 && k > 0 && t == "-" {
				// "multi-" at the end of a line, "agency" on the next: the
				// term "multiagency" matches across, and so does
				// "multi-agency" (the hyphen kept).
				add(string(softHyphen), gi)
				joined = true
				continue
			}
			add(t, gi)
		}
	}
	return haystack{s: b.String(), glyph: glyphs, word: words}
}

// find returns the glyphs of every match of every term on page p.
func (m *matcher) find(p *text.Page) []int {
	if len(m.res) == 0 {
		return nil
	}
	h := buildHaystack(p)
	seen := map[int]bool{}
	var out []int
	for _, re := range m.res {
		for _, loc := range re.FindAllStringIndex(h.s, -1) {
			for i := loc[0]; i < loc[1]; i++ {
				g := h.glyph[i]
				if g >= 0 && !seen[g] {
					seen[g] = true
					out = append(out, g)
				}
				if g == wholeWord {
					for _, wg := range p.Words[h.word[i]].Glyphs {
						if !seen[wg] {
							seen[wg] = true
							out = append(out, wg)
						}
					}
				}
			}
		}
	}
	return out
}

// contains reports whether any term occurs in s (for document-level
// strings and verification).
func (m *matcher) contains(s string) bool {
	f := fold(s)
	for _, re := range m.res {
		if re.MatchString(f) {
			return true
		}
	}
	return false
}
