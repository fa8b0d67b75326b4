package letter

import "strings"

// style is how a line of a rendered template is laid out.
type style uint8

const (
	plain   style = iota
	heading       // "# " in the template: bold in the letter
	item          // "- " in the template: a bulleted list item
	gap           // a blank line: the space between paragraphs
)

type block struct {
	style style
	text  string
}

// normalise trims trailing white space from every line and leaves at most
// one blank line between paragraphs and none at either end, so templates
// can be laid out for reading.
func normalise(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n")
}

// parseBlocks reads the little layout language of the templates (see the
// package comment), one block per line.
func parseBlocks(s string) []block {
	var bs []block
	for l := range strings.SplitSeq(s, "\n") {
		switch {
		case l == "":
			bs = append(bs, block{style: gap})
		case strings.HasPrefix(l, "# "):
			bs = append(bs, block{style: heading, text: strings.TrimSpace(l[2:])})
		case strings.HasPrefix(l, "- "):
			bs = append(bs, block{style: item, text: strings.TrimSpace(l[2:])})
		default:
			bs = append(bs, block{style: plain, text: l})
		}
	}
	return bs
}

// emailText is the text/plain body: headings lose their marker, list items
// keep theirs, and lines are left for the mail client to wrap.
func emailText(bs []block) string {
	var b strings.Builder
	for _, bl := range bs {
		if bl.style == item {
			b.WriteString("- ")
		}
		b.WriteString(bl.text)
		b.WriteByte('\n')
	}
	return b.String()
}
