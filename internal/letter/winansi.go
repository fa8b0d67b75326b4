package letter

// winAnsiHigh maps the characters WinAnsiEncoding places in 0x80–0x9F
// (PDF 32000-1, Annex D.2) to their codes; 0x20–0x7E and 0xA0–0xFF are
// ASCII and Latin-1.
var winAnsiHigh = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E,
	'‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97,
	'˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// bullet is WinAnsi's bullet, drawn before list items.
const bullet = 0x95

// winAnsi encodes s for a simple font with WinAnsiEncoding. A character
// the encoding lacks becomes "?", and white space (a tab, a no-break
// space) a plain space, so every byte has a glyph and a width.
func winAnsi(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\u00A0':
			out = append(out, ' ')
		case r >= 0x20 && r <= 0x7E, r >= 0xA1 && r <= 0xFF:
			out = append(out, byte(r))
		default:
			if c, ok := winAnsiHigh[r]; ok {
				out = append(out, c)
			} else {
				out = append(out, '?')
			}
		}
	}
	return out
}
