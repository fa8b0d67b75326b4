package fontfile

import (
	"encoding/binary"
	"errors"
	"os"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

const dejaVuSans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

// readFile reads a font, skipping the test when a system font is missing.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && path[0] == '/' {
		t.Skipf("%s not installed (Debian: fonts-dejavu-core)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDejaVuSansAgainstXImage(t *testing.T) {
	data := readFile(t, dejaVuSans)
	f, err := ParseSFNT(data)
	if err != nil {
		t.Fatal(err)
	}
	oracle, err := sfnt.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.UnitsPerEm != 2048 {
		t.Errorf("UnitsPerEm = %d, want 2048", f.UnitsPerEm)
	}
	if f.NumGlyphs != oracle.NumGlyphs() {
		t.Errorf("NumGlyphs = %d, want %d", f.NumGlyphs, oracle.NumGlyphs())
	}
	if f.Ascender <= 0 || f.Descender >= 0 {
		t.Errorf("Ascender, Descender = %d, %d; want positive, negative", f.Ascender, f.Descender)
	}
	var buf sfnt.Buffer
	b, err := oracle.Bounds(&buf, fixed.I(f.UnitsPerEm), font.HintingNone)
	if err != nil {
		t.Fatal(err)
	}
	// x/image flips y; compare the x extent, which it keeps as is.
	if f.BBox[0] != b.Min.X.Round() || f.BBox[2] != b.Max.X.Round() {
		t.Errorf("BBox = %v, x/image bounds %v", f.BBox, b)
	}
	for _, r := range []rune("Aa0 éŁ€ﬁЖΩ→") {
		want, err := oracle.GlyphIndex(&buf, r)
		if err != nil {
			t.Fatal(err)
		}
		gid, ok := f.Lookup(3, 1, uint32(r))
		if !ok || gid != uint16(want) {
			t.Errorf("Lookup(3, 1, %q) = %d, %v; want %d", r, gid, ok, want)
			continue
		}
		wantName, err := oracle.GlyphName(&buf, want)
		if err != nil {
			t.Fatal(err)
		}
		if name, ok := f.GlyphName(gid); !ok || name != wantName {
			t.Errorf("GlyphName(%d) = %q, %v; want %q", gid, name, ok, wantName)
		}
		adv, err := oracle.GlyphAdvance(&buf, want, fixed.I(f.UnitsPerEm), font.HintingNone)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := f.Advance(gid); !ok || got != adv.Round() {
			t.Errorf("Advance(%d) = %d, %v; want %d", gid, got, ok, adv.Round())
		}
	}
	gid, _ := f.Lookup(3, 1, 'A')
	if name, _ := f.GlyphName(gid); name != "A" {
		t.Errorf("GlyphName(Lookup('A')) = %q, want A", name)
	}
	if _, ok := f.Lookup(3, 1, 0x10FFFF); ok {
		t.Error("Lookup(U+10FFFF) ok, want unmapped")
	}
	if !f.HasCmap(3, 1) || f.HasCmap(3, 0) {
		t.Errorf("HasCmap(3,1), HasCmap(3,0) = %v, %v; want true, false", f.HasCmap(3, 1), f.HasCmap(3, 0))
	}
}

// TestDejaVuSansAllCmaps checks every BMP code of the (3,1) subtable and
// every code of the (3,10) format 12 subtable against x/image.
func TestDejaVuSansAllCmaps(t *testing.T) {
	data := readFile(t, dejaVuSans)
	f, err := ParseSFNT(data)
	if err != nil {
		t.Fatal(err)
	}
	oracle, err := sfnt.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	mismatches := 0
	for r := rune(0); r <= 0x1FFFF && mismatches < 10; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		want, err := oracle.GlyphIndex(&buf, r)
		if err != nil {
			t.Fatal(err)
		}
		var got uint16
		if r <= 0xFFFF {
			got, _ = f.Lookup(3, 1, uint32(r))
		} else if f.HasCmap(3, 10) {
			got, _ = f.Lookup(3, 10, uint32(r))
		}
		if got != uint16(want) {
			t.Errorf("U+%04X: gid %d, x/image %d", r, got, want)
			mismatches++
		}
	}
}

// TestFixtureSubsets parses the TrueType subsets that reportlab and
// LibreOffice embedded in testdata/pdf (both have one (1,0) cmap, format 6
// and 0, and a format 3 post table, as fontTools reports): the mapped codes
// and glyph counts match fontTools and every glyph the cmap reaches has an
// advance.
func TestFixtureSubsets(t *testing.T) {
	tests := []struct {
		file      string
		platform  uint16
		encoding  uint16
		mapped    int
		firstCode uint32
	}{
		{"testdata/dejavu-subset.ttf", 1, 0, 95, 32},
		{"testdata/liberation-subset.ttf", 1, 0, 68, 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := ParseSFNT(readFile(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if f.UnitsPerEm != 2048 {
				t.Errorf("UnitsPerEm = %d, want 2048", f.UnitsPerEm)
			}
			if gid, ok := f.Lookup(tt.platform, tt.encoding, tt.firstCode); !ok || gid != 1 {
				t.Errorf("Lookup(%d) = %d, %v; want glyph 1", tt.firstCode, gid, ok)
			}
			if _, ok := f.GlyphName(1); ok {
				t.Error("GlyphName ok with a format 3 post table")
			}
			mapped := 0
			for code := uint32(0); code < 0x10000; code++ {
				gid, ok := f.Lookup(tt.platform, tt.encoding, code)
				if !ok {
					continue
				}
				mapped++
				if _, ok := f.Advance(gid); !ok {
					t.Errorf("code %#x: gid %d has no advance", code, gid)
				}
			}
			if mapped != tt.mapped {
				t.Errorf("%d codes mapped, want %d (%v)", mapped, tt.mapped, f)
			}
		})
	}
}

func TestParseSFNTErrors(t *testing.T) {
	good := readFile(t, "testdata/dejavu-subset.ttf")
	trunc := func(n int) []byte { return good[:n] }
	badUpem := append([]byte(nil), good...)
	// Find head and zero its unitsPerEm.
	n := int(binary.BigEndian.Uint16(badUpem[4:]))
	for i := 0; i < n; i++ {
		r := badUpem[12+16*i:]
		if string(r[:4]) == "head" {
			off := binary.BigEndian.Uint32(r[8:])
			binary.BigEndian.PutUint16(badUpem[off+18:], 0)
		}
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"short", []byte{0, 1, 0}},
		{"not sfnt", []byte("%!PS-AdobeFont-1.0: Foo")},
		{"directory cut", trunc(20)},
		{"tables cut", trunc(len(good) / 2)},
		{"unitsPerEm 0", badUpem},
		{"collection pointing outside", []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\xff\xff\xff\xff")},
		{"too large", make([]byte, MaxSize+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSFNT(tt.data)
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestParseSFNTCollection(t *testing.T) {
	font := readFile(t, "testdata/dejavu-subset.ttf")
	// A one-font collection whose directory follows the header; table
	// offsets are from the start of the file, so shift them.
	const hdr = 16
	data := append([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"), font...)
	n := int(binary.BigEndian.Uint16(font[4:]))
	for i := 0; i < n; i++ {
		p := hdr + 12 + 16*i + 8
		binary.BigEndian.PutUint32(data[p:], binary.BigEndian.Uint32(data[p:])+hdr)
	}
	f, err := ParseSFNT(data)
	if err != nil {
		t.Fatal(err)
	}
	g, err := ParseSFNT(font)
	if err != nil {
		t.Fatal(err)
	}
	if f.UnitsPerEm != g.UnitsPerEm || f.NumGlyphs != g.NumGlyphs || f.BBox != g.BBox {
		t.Errorf("collection font %v differs from %v", f, g)
	}
}

// TestCmapFormats checks the subtable readers on hand-built subtables.
func TestCmapFormats(t *testing.T) {
	be := func(vs ...any) []byte {
		var b []byte
		for _, v := range vs {
			switch v := v.(type) {
			case uint16:
				b = binary.BigEndian.AppendUint16(b, v)
			case uint32:
				b = binary.BigEndian.AppendUint32(b, v)
			case []byte:
				b = append(b, v...)
			}
		}
		return b
	}
	f0 := make([]byte, 256)
	f0['A'] = 7
	tests := []struct {
		name string
		sub  []byte
		code uint32
		want uint16
	}{
		{"format 0", be(uint16(0), uint16(262), uint16(0), f0), 'A', 7},
		{"format 0 past 255", be(uint16(0), uint16(262), uint16(0), f0), 0x141, 0},
		{"format 6", be(uint16(6), uint16(14), uint16(0), uint16(0x20), uint16(2), uint16(5), uint16(9)), 0x21, 9},
		{"format 6 outside", be(uint16(6), uint16(14), uint16(0), uint16(0x20), uint16(2), uint16(5), uint16(9)), 0x22, 0},
		{"format 10", be(uint16(10), uint16(0), uint32(24), uint32(0), uint32(0x10000), uint32(2), uint16(3), uint16(4)), 0x10001, 4},
		{"format 12", be(uint16(12), uint16(0), uint32(40), uint32(0), uint32(2),
			uint32(0x41), uint32(0x5A), uint32(10), uint32(0x1F600), uint32(0x1F601), uint32(100)), 0x1F601, 101},
		{"format 12 gap", be(uint16(12), uint16(0), uint32(40), uint32(0), uint32(2),
			uint32(0x41), uint32(0x5A), uint32(10), uint32(0x1F600), uint32(0x1F601), uint32(100)), 0x60, 0},
		{"format 13", be(uint16(13), uint16(0), uint32(28), uint32(0), uint32(1),
			uint32(0x41), uint32(0x5A), uint32(10)), 0x50, 10},
		{"format 12 count past the data", be(uint16(12), uint16(0), uint32(28), uint32(0), uint32(0xFFFFFFFF),
			uint32(0x41), uint32(0x5A), uint32(10)), 0x42, 11},
		// Format 4: segments [0x41,0x43] delta 1 and [0x61,0x62] via glyphIdArray, then 0xFFFF.
		{"format 4 delta", cmap4Sample(), 0x42, 0x43},
		{"format 4 range offset", cmap4Sample(), 0x62, 21},
		{"format 4 unmapped", cmap4Sample(), 0x50, 0},
	}
	for _, tt := range tests {
		got, ok := lookupSubtable(tt.sub, tt.code)
		if !ok || got != tt.want {
			t.Errorf("%s: lookup(%#x) = %d, %v; want %d", tt.name, tt.code, got, ok, tt.want)
		}
	}
}

// cmap4Sample builds a format 4 subtable with three segments.
func cmap4Sample() []byte {
	w := func(b []byte, vs ...uint16) []byte {
		for _, v := range vs {
			b = binary.BigEndian.AppendUint16(b, v)
		}
		return b
	}
	var b []byte
	b = w(b, 4, 0, 0, 6, 4, 1, 2) // format, length, language, segCountX2, search fields
	b = w(b, 0x43, 0x62, 0xFFFF)  // endCode
	b = w(b, 0)                   // reservedPad
	b = w(b, 0x41, 0x61, 0xFFFF)  // startCode
	b = w(b, 1, 0, 1)             // idDelta
	b = w(b, 0, 4, 0)             // idRangeOffset: segment 1 points 4 bytes on, at glyphIdArray
	b = w(b, 20, 21)              // glyphIdArray
	return b
}

func TestGlyphNamePostFormats(t *testing.T) {
	post := func(version uint32, rest ...byte) []byte {
		b := binary.BigEndian.AppendUint32(nil, version)
		b = append(b, make([]byte, 28)...)
		return append(b, rest...)
	}
	tests := []struct {
		name string
		post []byte
		gid  uint16
		want string
		ok   bool
	}{
		{"format 1", post(0x00010000), 36, "A", true},
		{"format 1 past 258", post(0x00010000), 258, "", false},
		{"format 2 mac name", post(0x00020000, 0, 2, 0, 36, 1, 2), 0, "A", true},
		{"format 2 own name", post(0x00020000, 0, 2, 0, 36, 1, 2, 2, 'f', 'i'), 1, "fi", true},
		{"format 2 missing string", post(0x00020000, 0, 2, 0, 36, 1, 3, 2, 'f', 'i'), 1, "", false},
		{"format 2 string cut", post(0x00020000, 0, 1, 1, 2, 9, 'f'), 0, "", false},
		{"format 2 past count", post(0x00020000, 0, 1, 0, 36), 1, "", false},
		{"format 2.5", post(0x00025000, 0, 2, 0, 35), 1, "A", true},
		{"format 2.5 outside", post(0x00025000, 0, 1, 0x80), 0, "", false},
		{"format 3", post(0x00030000), 1, "", false},
	}
	for _, tt := range tests {
		f := &SFNT{}
		f.readPost(tt.post)
		got, ok := f.GlyphName(tt.gid)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: GlyphName(%d) = %q, %v; want %q, %v", tt.name, tt.gid, got, ok, tt.want, tt.ok)
		}
	}
}

// TestDejaVuASCIISubset reads a fontTools subset of DejaVu Sans with (3,1)
// format 4 and (3,10) format 12 cmaps and a format 2 post table; expected
// glyph ids, names and advances are fontTools' readings of the same file.
func TestDejaVuASCIISubset(t *testing.T) {
	f, err := ParseSFNT(readFile(t, "testdata/dejavu-ascii.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	if f.NumGlyphs != 122 {
		t.Errorf("NumGlyphs = %d, want 122", f.NumGlyphs)
	}
	tests := []struct {
		code    uint32
		gid     uint16
		name    string
		advance int
	}{
		{0x41, 34, "A", 1401},
		{0xE9, 97, "eacute", 1260},
		{0x20AC, 99, "Euro", 1303},
		{0xFB01, 121, "fi", 1290},
	}
	for _, tt := range tests {
		for _, enc := range []uint16{1, 10} {
			if gid, ok := f.Lookup(3, enc, tt.code); !ok || gid != tt.gid {
				t.Errorf("Lookup(3, %d, %#x) = %d, %v; want %d", enc, tt.code, gid, ok, tt.gid)
			}
		}
		if name, ok := f.GlyphName(tt.gid); !ok || name != tt.name {
			t.Errorf("GlyphName(%d) = %q, %v; want %q", tt.gid, name, ok, tt.name)
		}
		if adv, ok := f.Advance(tt.gid); !ok || adv != tt.advance {
			t.Errorf("Advance(%d) = %d, %v; want %d", tt.gid, adv, ok, tt.advance)
		}
	}
	if _, ok := f.Lookup(3, 1, 0xE8); ok {
		t.Error("Lookup(egrave) ok in a subset without it")
	}
	if _, ok := f.Advance(122); ok {
		t.Error("Advance past NumGlyphs ok")
	}
	if _, ok := f.Lookup(1, 0, 0x41); ok {
		t.Error("Lookup through a missing (1,0) subtable ok")
	}
}

// TestSFNTTablesSeed checks that the fuzz seeds, stripped to the tables
// ParseSFNT reads, parse as the whole fonts do.
func TestSFNTTablesSeed(t *testing.T) {
	for _, p := range []string{"testdata/dejavu-ascii.ttf", "testdata/dejavu-subset.ttf", "testdata/liberation-subset.ttf"} {
		full := readFile(t, p)
		a, err := ParseSFNT(full)
		if err != nil {
			t.Fatal(err)
		}
		stripped := sfntTables(full)
		b, err := ParseSFNT(stripped)
		if err != nil {
			t.Fatalf("%s stripped: %v", p, err)
		}
		if a.String() != b.String() || a.BBox != b.BBox || a.Ascender != b.Ascender {
			t.Errorf("%s: stripped %v, whole %v", p, b, a)
		}
		t.Logf("%s: %d bytes stripped to %d", p, len(full), len(stripped))
	}
}

// TestSFNTWithCFF builds an OpenType font with CFF outlines from the
// DejaVu subset's tables and a Ghostscript CFF and reads the CFF back.
func TestSFNTWithCFF(t *testing.T) {
	ttf := sfntTables(readFile(t, "testdata/dejavu-ascii.ttf"))
	cff := readFile(t, "testdata/nimbusroman-subset.cff")
	if f, err := ParseSFNT(ttf); err != nil {
		t.Fatal(err)
	} else if _, ok := f.CFFTable(); ok {
		t.Fatal("CFFTable ok for a TrueType font")
	}
	// Append a 'CFF ' record: grow the directory by 16 bytes, shifting the
	// existing tables, and put the CFF at the end.
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	dirEnd := 12 + 16*n
	otf := append([]byte("OTTO"), ttf[4:dirEnd]...)
	binary.BigEndian.PutUint16(otf[4:], uint16(n+1))
	for i := 0; i < n; i++ {
		p := 12 + 16*i + 8
		binary.BigEndian.PutUint32(otf[p:], binary.BigEndian.Uint32(otf[p:])+16)
	}
	otf = append(otf, "CFF "...)
	otf = binary.BigEndian.AppendUint32(otf, 0)
	otf = binary.BigEndian.AppendUint32(otf, uint32(len(ttf)+16))
	otf = binary.BigEndian.AppendUint32(otf, uint32(len(cff)))
	otf = append(otf, ttf[dirEnd:]...)
	otf = append(otf, cff...)
	f, err := ParseSFNT(otf)
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := f.CFFTable()
	if !ok {
		t.Fatal("no CFF table")
	}
	c, err := ParseCFF(raw)
	if err != nil {
		t.Fatal(err)
	}
	if name, ok := c.GlyphName(2); !ok || name != "C" {
		t.Errorf("GlyphName(2) = %q, %v; want C", name, ok)
	}
	if gid, ok := f.Lookup(3, 1, 'A'); !ok || gid != 34 {
		t.Errorf("Lookup('A') = %d, %v; want 34", gid, ok)
	}
}
