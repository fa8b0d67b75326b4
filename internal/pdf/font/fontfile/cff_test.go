package fontfile

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/releasegate/releasegate/internal/pdf/font/glyph"
)

// TestCFFFixtures reads the Type1C subsets Ghostscript's pdfwrite embeds
// (testdata/README.md says how they were made); the expected charsets and
// encodings are what fontTools' cffLib reads from the same files.
func TestCFFFixtures(t *testing.T) {
	tests := []struct {
		file    string
		charset []string
		enc     map[byte]string
	}{
		{
			"testdata/nimbusroman-subset.cff",
			[]string{".notdef", "n", "C", "p", "a", "d", "e", "f", "h", "i", "l", "one", "two", "three", "space", "colon"},
			map[byte]string{32: "space", 49: "one", 50: "two", 51: "three", 58: "colon", 67: "C", 97: "a", 100: "d", 101: "e", 102: "f", 104: "h", 105: "i", 108: "l", 110: "n", 112: "p"},
		},
		{
			"testdata/nimbussans-bold-subset.cff",
			[]string{".notdef", "o", "r", "w", "a", "c", "e", "i", "S", "k", "l", "space"},
			map[byte]string{32: "space", 83: "S", 97: "a", 99: "c", 101: "e", 105: "i", 107: "k", 108: "l", 111: "o", 114: "r", 119: "w"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := ParseCFF(readFile(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if c.IsCID {
				t.Error("IsCID = true")
			}
			if want := [6]float64{0.001, 0, 0, 0.001, 0, 0}; c.FontMatrix != want {
				t.Errorf("FontMatrix = %v, want %v", c.FontMatrix, want)
			}
			for gid, want := range tt.charset {
				if got, ok := c.GlyphName(gid); !ok || got != want {
					t.Errorf("GlyphName(%d) = %q, %v; want %q", gid, got, ok, want)
				}
			}
			if _, ok := c.GlyphName(len(tt.charset)); ok {
				t.Error("GlyphName past the last glyph ok")
			}
			enc, ok := c.Encoding()
			if !ok {
				t.Fatal("no encoding")
			}
			for code, name := range enc {
				if name != tt.enc[byte(code)] {
					t.Errorf("encoding[%d] = %q, want %q", code, name, tt.enc[byte(code)])
				}
			}
		})
	}
}

// cffBuilder assembles a minimal CFF: header, one-font Name INDEX, Top
// DICT, String INDEX, empty Global Subr INDEX, then charset, encoding and
// CharStrings at offsets the Top DICT names with five-byte integers.
type cffBuilder struct {
	strings               []string
	charset               []byte // nil: predefined charset id in charsetID
	encoding              []byte // nil: predefined encoding id in encodingID
	charsetID, encodingID int
	nGlyphs               int
	extra                 []byte // more Top DICT entries, e.g. ROS or FontMatrix
}

func cffIndexBytes(items [][]byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, uint16(len(items)))
	if len(items) == 0 {
		return b
	}
	b = append(b, 4)
	off := uint32(1)
	b = binary.BigEndian.AppendUint32(b, off)
	for _, it := range items {
		off += uint32(len(it))
		b = binary.BigEndian.AppendUint32(b, off)
	}
	for _, it := range items {
		b = append(b, it...)
	}
	return b
}

func dictInt(v int, op ...byte) []byte {
	b := []byte{29}
	b = binary.BigEndian.AppendUint32(b, uint32(int32(v)))
	return append(b, op...)
}

func (cb cffBuilder) build() []byte {
	head := []byte{1, 0, 4, 4}
	names := cffIndexBytes([][]byte{[]byte("Test")})
	var strs [][]byte
	for _, s := range cb.strings {
		strs = append(strs, []byte(s))
	}
	strIdx := cffIndexBytes(strs)
	gsubr := cffIndexBytes(nil)
	// The Top DICT's size does not depend on the offsets it holds.
	topLen := len(dictInt(0, 15)) + len(dictInt(0, 16)) + len(dictInt(0, 17)) + len(cb.extra)
	topIdx := len(cffIndexBytes([][]byte{make([]byte, topLen)}))
	pos := len(head) + len(names) + topIdx + len(strIdx) + len(gsubr)
	charsetOff, encOff := cb.charsetID, cb.encodingID
	var tail []byte
	if cb.charset != nil {
		charsetOff = pos + len(tail)
		tail = append(tail, cb.charset...)
	}
	if cb.encoding != nil {
		encOff = pos + len(tail)
		tail = append(tail, cb.encoding...)
	}
	csOff := pos + len(tail)
	var cs [][]byte
	for range cb.nGlyphs {
		cs = append(cs, []byte{14}) // endchar
	}
	tail = append(tail, cffIndexBytes(cs)...)
	top := append(dictInt(charsetOff, 15), dictInt(encOff, 16)...)
	top = append(top, dictInt(csOff, 17)...)
	top = append(top, cb.extra...)
	out := append(head, names...)
	out = append(out, cffIndexBytes([][]byte{top})...)
	out = append(out, strIdx...)
	out = append(out, gsubr...)
	return append(out, tail...)
}

func TestCFFSynthetic(t *testing.T) {
	std, _ := glyph.Encoding(glyph.Standard)
	tests := []struct {
		name    string
		cb      cffBuilder
		cid     bool
		matrix  [6]float64
		names   map[int]string // glyph id -> name; "" means not ok
		enc     map[byte]string
		encNone bool
	}{
		{
			name:  "ISOAdobe charset, standard encoding",
			cb:    cffBuilder{nGlyphs: 3},
			names: map[int]string{0: ".notdef", 1: "space", 2: "exclam", 3: ""},
			enc:   map[byte]string{'A': std['A'], 0x27: "quoteright"},
		},
		{
			name:  "expert charset and encoding",
			cb:    cffBuilder{nGlyphs: 4, charsetID: 1, encodingID: 1},
			names: map[int]string{2: "exclamsmall", 3: "Hungarumlautsmall"},
			enc:   map[byte]string{0x21: "exclamsmall", 0x40: "", 0x41: "asuperior"},
		},
		{
			name:  "expert subset charset",
			cb:    cffBuilder{nGlyphs: 3, charsetID: 2},
			names: map[int]string{2: "dollaroldstyle"},
		},
		{
			name: "format 0 charset with custom strings, format 0 encoding with supplements",
			cb: cffBuilder{
				nGlyphs: 3,
				strings: []string{"Foo", "Bar"},
				charset: []byte{0, 0x01, 0x87, 0, 34}, // SID 391 "Foo", 34 "A"
				// format 0|0x80, 2 codes: 0x61 -> gid 1, 0x41 -> gid 2; 1 supplement 0x62 -> SID 392 "Bar"
				encoding: []byte{0x80, 2, 0x61, 0x41, 1, 0x62, 0x01, 0x88},
			},
			names: map[int]string{1: "Foo", 2: "A"},
			enc:   map[byte]string{0x61: "Foo", 0x41: "A", 0x62: "Bar", 0x63: ""},
		},
		{
			name: "format 1 and 2 charsets, format 1 encoding",
			cb: cffBuilder{
				nGlyphs:  5,
				charset:  []byte{1, 0, 34, 3},   // SIDs 34..37: "A".."D"
				encoding: []byte{1, 1, 0x41, 3}, // codes 0x41..0x44 -> gids 1..4
			},
			names: map[int]string{1: "A", 4: "D", 5: ""},
			enc:   map[byte]string{0x41: "A", 0x44: "D", 0x45: ""},
		},
		{
			name:  "format 2 charset",
			cb:    cffBuilder{nGlyphs: 3, charset: []byte{2, 0, 66, 0, 1}}, // SIDs 66, 67: "a", "b"
			names: map[int]string{1: "a", 2: "b"},
		},
		{
			name:  "string id past the String INDEX",
			cb:    cffBuilder{nGlyphs: 2, charset: []byte{0, 0x10, 0x00}},
			names: map[int]string{1: ""},
		},
		{
			name: "CID-keyed with FontMatrix",
			cb: cffBuilder{nGlyphs: 2, strings: []string{"Adobe", "Identity"},
				extra: append(append(dictInt(391), append(dictInt(392), dictInt(0, 12, 30)...)...),
					// FontMatrix [0.5 0 0 0.5 0 0] as reals: 1e 0a 5f = 0.5
					[]byte{30, 0x0a, 0x5f, 139, 139, 30, 0x0a, 0x5f, 139, 139, 12, 7}...)},
			cid:     true,
			matrix:  [6]float64{0.5, 0, 0, 0.5, 0, 0},
			names:   map[int]string{1: ""},
			encNone: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCFF(tt.cb.build())
			if err != nil {
				t.Fatal(err)
			}
			if c.IsCID != tt.cid {
				t.Errorf("IsCID = %v, want %v", c.IsCID, tt.cid)
			}
			want := tt.matrix
			if want == ([6]float64{}) {
				want = [6]float64{0.001, 0, 0, 0.001, 0, 0}
			}
			if c.FontMatrix != want {
				t.Errorf("FontMatrix = %v, want %v", c.FontMatrix, want)
			}
			for gid, name := range tt.names {
				got, ok := c.GlyphName(gid)
				if got != name || ok != (name != "") {
					t.Errorf("GlyphName(%d) = %q, %v; want %q", gid, got, ok, name)
				}
			}
			enc, ok := c.Encoding()
			if ok == tt.encNone {
				t.Fatalf("Encoding ok = %v", ok)
			}
			for code, name := range tt.enc {
				if enc[code] != name {
					t.Errorf("encoding[%#x] = %q, want %q", code, enc[code], name)
				}
			}
		})
	}
}

func TestParseCFFErrors(t *testing.T) {
	good := readFile(t, "testdata/nimbusroman-subset.cff")
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"CFF2", []byte{2, 0, 5, 0, 0}, ErrUnsupported},
		{"header only", good[:4], ErrMalformed},
		{"cut in the top dict", good[:40], ErrMalformed},
		{"cut before the CharStrings", good[:len(good)/2], ErrMalformed},
		{"bad offset size", []byte{1, 0, 4, 4, 0, 1, 9, 1, 2}, ErrMalformed},
		{"no CharStrings", cffBuilder{nGlyphs: 1}.build()[:0], ErrMalformed},
		{"too large", make([]byte, MaxSize+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseCFF(tt.data); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseDict(t *testing.T) {
	tests := []struct {
		name string
		dict []byte
		op   int
		want []float64
		err  bool
	}{
		{"small ints", []byte{139, 239, 39, 17}, 17, []float64{0, 100, -100}, false},
		{"two-byte ints", []byte{247, 0, 254, 255, 17}, 17, []float64{108, -1131}, false},
		{"int16 and int32", []byte{28, 0x80, 0, 29, 0xff, 0xff, 0xff, 0xff, 17}, 17, []float64{-32768, -1}, false},
		{"real", []byte{30, 0xe2, 0xa2, 0x5f, 30, 0x1c, 0x3f, 12, 7}, 1207, []float64{-2.25, 1e-3}, false},
		{"unterminated real", []byte{30, 0x12}, 0, nil, true},
		{"reserved byte", []byte{139, 255, 17}, 0, nil, true},
		{"short int16", []byte{28, 1}, 0, nil, true},
		{"escape at end", []byte{139, 12}, 0, nil, true},
	}
	for _, tt := range tests {
		d, err := parseDict(tt.dict)
		if (err != nil) != tt.err {
			t.Errorf("%s: err = %v", tt.name, err)
			continue
		}
		if err != nil {
			continue
		}
		got := d[tt.op]
		if len(got) != len(tt.want) {
			t.Errorf("%s: operands %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: operands %v, want %v", tt.name, got, tt.want)
			}
		}
	}
	many := make([]byte, 0, 60)
	for range 49 {
		many = append(many, 139)
	}
	if _, err := parseDict(append(many, 17)); !errors.Is(err, ErrMalformed) {
		t.Errorf("49 operands: err = %v, want ErrMalformed", err)
	}
}
