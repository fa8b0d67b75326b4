package cmap

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wrap puts mapping blocks into the boilerplate real producers write.
func wrap(name, body string) string {
	return "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n" +
		"/CMapName /" + name + " def\n/CMapType 2 def\n" + body +
		"\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
}

// Programs shared by the tests and the fuzz seeds.
var (
	shiftJIS = wrap("SJIS-like", `4 begincodespacerange
<00> <80> <8140> <9FFC> <A0> <DF> <E040> <FCFC>
endcodespacerange
2 begincidrange
<20> <7e> 1
<8140> <817e> 633
endcidrange
1 begincidchar
<8145> 9000
endcidchar
1 beginnotdefrange
<00> <1f> 1
endnotdefrange`)

	toUnicode2 = wrap("Adobe-Identity-UCS", `1 begincodespacerange
<0000> <FFFF>
endcodespacerange
4 beginbfchar
<0003> <0020>
<0024> <D835DC00>
<0025> <00660066006C>
<0026> /space
endbfchar
5 beginbfrange
<0030> <0039> <0030>
<0040> <0042> [<0041> <00660069> /bullet]
<00FE> <0102> <0061>
<0200> <0202> <D83DDE00>
<0300> <0301> <00FF>
endbfrange`)

	noSpace2 = `begincmap
2 beginbfchar
<0041> <0061>
<0042> <0062>
endbfchar
1 beginbfrange
<0100> <0110> <03B1>
endbfrange
endcmap`

	noSpace1 = `begincmap 1 beginbfchar <41> <0061> endbfchar endcmap`

	noSpaceMixed = `begincmap 2 beginbfchar <41> <0061> <0042> <0062> endbfchar endcmap`

	fourByte = `begincmap 1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange
1 begincidrange <00000010> <00000020> 5 endcidrange endcmap`

	child = `/CMapName /Child def /WMode 1 def /Parent usecmap
1 begincidchar <8141> 42 endcidchar`

	childOfIdentity = `/CMapName /Child-H def /Identity-H usecmap`

	lenient = `begincmap
1 begincodespacerange <00> <FF> endcodespacerange
5 beginbfchar
<41> <0041>
12 /stray (x) [<41>] 13
<42> <42>
<4 3> <00 4>
<> <0044>
<0102030405> <0045>
<46> <>
<47> (x)
% missing endbfchar
2 beginbfrange
<50> <52> <0050>
<60> <5f> <0060>
<0070> <71> <0070>
[ << >> ]
endbfrange
endcmap`

	overlap = `begincmap
1 beginbfchar <05> <0058> endbfchar
1 beginbfrange <00> <0f> <0061> endbfrange
1 beginbfrange <08> <09> <0041> endbfrange
1 beginbfchar <09> <005A> endbfchar
endcmap`
)

func mustParse(t testing.TB, src string, opt Options) *CMap {
	t.Helper()
	c, err := Parse([]byte(src), opt)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return c
}

// programs returns a Load over named programs.
func programs(m map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if s, ok := m[name]; ok {
			return []byte(s), nil
		}
		return nil, nil
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNext(t *testing.T) {
	parent := shiftJIS
	tests := []struct {
		name   string
		cmap   string
		in     string // hex
		code   uint32
		n      int
		ok     bool
		useSet bool // parse with Parent available
	}{
		{"one byte", shiftJIS, "41 8140", 0x41, 1, true, false},
		{"two bytes", shiftJIS, "8140 41", 0x8140, 2, true, false},
		{"one byte upper", shiftJIS, "A1", 0xA1, 1, true, false},
		{"second byte out of range", shiftJIS, "8120", 0x8120, 2, false, false},
		{"byte-wise not integer", shiftJIS, "82 30", 0x8230, 2, false, false},
		{"truncated", shiftJIS, "81", 0x81, 1, false, false},
		{"no first-byte match", shiftJIS, "FD 41", 0xFD, 1, false, false},
		{"empty", shiftJIS, "", 0, 0, false, false},
		{"two-byte space", toUnicode2, "0041 00", 0x41, 2, true, false},
		{"two-byte space short", toUnicode2, "41", 0x41, 1, false, false},
		{"inferred two", noSpace2, "0041 0042", 0x41, 2, true, false},
		{"inferred two short", noSpace2, "00", 0, 1, false, false},
		{"inferred one", noSpace1, "4142", 0x41, 1, true, false},
		{"inferred mixed", noSpaceMixed, "0042", 0, 1, true, false},
		{"four bytes", fourByte, "00000010 00", 0x10, 4, true, false},
		{"inherited space", child, "8141", 0x8141, 2, true, true},
		{"identity", childOfIdentity, "0102", 0x102, 2, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := Options{}
			if tt.useSet {
				opt.Load = programs(map[string]string{"Parent": parent})
			}
			c := mustParse(t, tt.cmap, opt)
			code, n, ok := c.Next(unhex(t, tt.in))
			if code != tt.code || n != tt.n || ok != tt.ok {
				t.Errorf("Next(%s) = %#x, %d, %v; want %#x, %d, %v", tt.in, code, n, ok, tt.code, tt.n, tt.ok)
			}
		})
	}
}

func TestCID(t *testing.T) {
	parentCMap := mustParse(t, shiftJIS, Options{})
	resolve := func(name string) (*CMap, error) {
		if name == "Parent" {
			return parentCMap, nil
		}
		return nil, nil
	}
	tests := []struct {
		name string
		cmap string
		code uint32
		n    int
		cid  uint32
		ok   bool
	}{
		{"range start", shiftJIS, 0x20, 1, 1, true},
		{"range end", shiftJIS, 0x7e, 1, 95, true},
		{"two-byte range", shiftJIS, 0x8141, 2, 634, true},
		{"char inside range wins when later", shiftJIS, 0x8145, 2, 9000, true},
		{"length matters", shiftJIS, 0x20, 2, 0, false},
		{"notdef range", shiftJIS, 0x05, 1, 1, false},
		{"unmapped", shiftJIS, 0x9000, 2, 0, false},
		{"four bytes", fourByte, 0x1a, 4, 15, true},
		{"child own", child, 0x8141, 2, 42, true},
		{"child from parent", child, 0x8140, 2, 633, true},
		{"notdef from parent", child, 0x01, 1, 1, false},
		{"identity parent", childOfIdentity, 0xABCD, 2, 0xABCD, true},
		{"identity one byte", childOfIdentity, 0xAB, 1, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, tt.cmap, Options{Resolve: resolve})
			cid, ok := c.CID(tt.code, tt.n)
			if cid != tt.cid || ok != tt.ok {
				t.Errorf("CID(%#x, %d) = %d, %v; want %d, %v", tt.code, tt.n, cid, ok, tt.cid, tt.ok)
			}
		})
	}
}

func TestUnicode(t *testing.T) {
	tests := []struct {
		name string
		cmap string
		code uint32
		n    int
		want string
		ok   bool
	}{
		{"bfchar", toUnicode2, 0x03, 2, " ", true},
		{"surrogate pair", toUnicode2, 0x24, 2, "\U0001D400", true},
		{"ligature", toUnicode2, 0x25, 2, "ffl", true},
		{"name destination skipped", toUnicode2, 0x26, 2, "", false},
		{"length matters", toUnicode2, 0x03, 1, "", false},
		{"range start", toUnicode2, 0x30, 2, "0", true},
		{"range increments", toUnicode2, 0x37, 2, "7", true},
		{"array first", toUnicode2, 0x40, 2, "A", true},
		{"array ligature", toUnicode2, 0x41, 2, "fi", true},
		{"array name", toUnicode2, 0x42, 2, "", false},
		{"crossing byte boundary lo", toUnicode2, 0xFE, 2, "a", true},
		{"crossing byte boundary", toUnicode2, 0x100, 2, "c", true},
		{"crossing byte boundary hi", toUnicode2, 0x102, 2, "e", true},
		{"surrogate increments", toUnicode2, 0x202, 2, "\U0001F602", true},
		{"non-ASCII increment", toUnicode2, 0x301, 2, "\u0100", true},
		{"range past end", toUnicode2, 0x103, 2, "", false},
		{"inferred", noSpace2, 0x0105, 2, "ζ", true},
		{"lenient first", lenient, 0x41, 1, "A", true},
		{"odd destination", lenient, 0x42, 1, "B", true},
		{"odd hex padded", lenient, 0x43, 1, "@", true},
		{"long source skipped", lenient, 0x02030405, 4, "", false},
		{"empty destination skipped", lenient, 0x46, 1, "", false},
		{"literal destination skipped", lenient, 0x47, 1, "", false},
		{"after missing endbfchar", lenient, 0x51, 1, "Q", true},
		{"reversed range skipped", lenient, 0x60, 1, "", false},
		{"mixed-length range skipped", lenient, 0x70, 2, "", false},
		{"overlap char before range", overlap, 0x05, 1, "f", true},
		{"overlap range", overlap, 0x0a, 1, "k", true},
		{"overlap later range", overlap, 0x08, 1, "A", true},
		{"overlap later char", overlap, 0x09, 1, "Z", true},
		{"overlap tail", overlap, 0x0f, 1, "p", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, tt.cmap, Options{})
			got, ok := c.Unicode(tt.code, tt.n)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Unicode(%#x, %d) = %q, %v; want %q, %v", tt.code, tt.n, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestAttributes(t *testing.T) {
	load := programs(map[string]string{"Parent": shiftJIS, "Child": child})
	tests := []struct {
		name     string
		cmap     string
		wantName string
		wmode    int
		identity bool
		entries  int
	}{
		{"sjis", shiftJIS, "SJIS-like", 0, false, 4},
		{"tounicode", toUnicode2, "Adobe-Identity-UCS", 0, false, 8},
		{"child", child, "Child", 1, false, 1},
		{"inherits wmode", "/CMapName /Grandchild def /Child usecmap", "Grandchild", 1, false, 0},
		{"identity child", childOfIdentity, "Child-H", 0, true, 0},
		{"identity-v child", "/Identity-V usecmap", "", 1, true, 0},
		{"own identity", "begincmap 1 begincodespacerange <0000> <ffff> endcodespacerange 1 begincidrange <0000> <ffff> 0 endcidrange endcmap", "", 0, true, 1},
		{"identity overridden", "/Identity-H usecmap 1 begincidchar <0001> 7 endcidchar", "", 0, false, 1},
		{"name escapes", "/CMapName /A#20B def begincmap", "A B", 0, false, 0},
		{"bad wmode ignored", "/WMode 3 def begincmap", "", 0, false, 0},
		{"overlap counts ranges once", overlap, "", 0, false, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustParse(t, tt.cmap, Options{Load: load})
			if c.Name() != tt.wantName || c.WMode() != tt.wmode || c.IsIdentity() != tt.identity || c.Len() != tt.entries {
				t.Errorf("name %q wmode %d identity %v len %d; want %q %d %v %d",
					c.Name(), c.WMode(), c.IsIdentity(), c.Len(), tt.wantName, tt.wmode, tt.identity, tt.entries)
			}
		})
	}
}

func TestPredefined(t *testing.T) {
	tests := []struct {
		name  string
		ok    bool
		wmode int
	}{
		{"Identity-H", true, 0},
		{"Identity-V", true, 1},
		{"UniJIS-UCS2-H", false, 0},
		{"", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := Predefined(tt.name)
			if ok != tt.ok {
				t.Fatalf("ok = %v", ok)
			}
			if !ok {
				return
			}
			if c.Name() != tt.name || c.WMode() != tt.wmode || !c.IsIdentity() || c.Len() != 1 {
				t.Errorf("got %q %d %v %d", c.Name(), c.WMode(), c.IsIdentity(), c.Len())
			}
			if code, n, ok := c.Next([]byte{0x12, 0x34, 0x56}); code != 0x1234 || n != 2 || !ok {
				t.Errorf("Next = %#x %d %v", code, n, ok)
			}
			if cid, ok := c.CID(0xFFFF, 2); cid != 0xFFFF || !ok {
				t.Errorf("CID = %d %v", cid, ok)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	chain := map[string]string{}
	for i := range 12 {
		chain[fmt.Sprint("L", i)] = fmt.Sprintf("/CMapName /L%d def /L%d usecmap", i, i+1)
	}
	chain["L12"] = "begincmap"
	cycle := map[string]string{
		"A": "/CMapName /A def /B usecmap",
		"B": "/CMapName /B def /A usecmap",
	}
	loadErr := errors.New("storage down")
	tests := []struct {
		name string
		in   string
		opt  Options
		want []error
	}{
		{"empty", "", Options{}, []error{ErrSyntax}},
		{"not a cmap", "hello world 1 2 3", Options{}, []error{ErrSyntax}},
		{"unterminated hex", "begincmap <0041", Options{}, []error{ErrSyntax}},
		{"invalid hex", "begincmap 1 beginbfchar <00G1> <0041> endbfchar", Options{}, []error{ErrSyntax}},
		{"unterminated literal", "begincmap (abc", Options{}, []error{ErrSyntax}},
		{"self usecmap", "/CMapName /X def /X usecmap", Options{}, []error{ErrSyntax, ErrCycle}},
		{"cycle via load", "/B usecmap", Options{Load: programs(cycle)}, []error{ErrSyntax, ErrCycle}},
		{"cycle named", cycle["A"], Options{Load: programs(cycle)}, []error{ErrSyntax, ErrCycle}},
		{"chain too deep", "/L0 usecmap", Options{Load: programs(chain)}, []error{ErrLimit}},
		{"chain too deep via resolve", "/L usecmap", Options{Resolve: deepResolver(t)}, []error{ErrLimit}},
		{"unresolved", "/Nowhere usecmap", Options{}, []error{ErrUnresolved}},
		{"load error", "/Nowhere usecmap", Options{Load: func(string) ([]byte, error) { return nil, loadErr }}, []error{loadErr}},
		{"second usecmap", "/Identity-H usecmap /Identity-V usecmap", Options{}, []error{ErrSyntax}},
		{"too many entries", "begincmap 3 beginbfchar <01> <0041> <02> <0042> <03> <0043> endbfchar", Options{MaxEntries: 2}, []error{ErrLimit}},
		{"too large", "begincmap" + strings.Repeat(" ", MaxDataSize), Options{}, []error{ErrLimit}},
		{"too many codespaces", "begincmap 1 begincodespacerange " + manySpaces(300) + " endcodespacerange", Options{}, []error{ErrLimit}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.in), tt.opt)
			if err == nil {
				t.Fatalf("no error; got CMap %q", c.Name())
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v; want %v", err, w)
				}
			}
		})
	}
}

// deepResolver returns a Resolve that builds a chain of ten CMaps without
// recursion, deeper than MaxUseCMapDepth allows.
func deepResolver(t *testing.T) func(string) (*CMap, error) {
	c, err := Parse([]byte("begincmap"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range MaxUseCMapDepth {
		prev := c
		if c, err = Parse([]byte("/P usecmap"), Options{Resolve: func(string) (*CMap, error) { return prev, nil }}); err != nil {
			t.Fatal(err)
		}
	}
	return func(string) (*CMap, error) { return c, nil }
}

func manySpaces(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "<%04X> <%04X>\n", i, i)
	}
	return b.String()
}

// TestRangesNotExpanded checks that a range over the whole 4-byte space is
// one entry and answers at both ends.
func TestRangesNotExpanded(t *testing.T) {
	c := mustParse(t, `begincmap 1 begincidrange <00000000> <FFFFFFFF> 0 endcidrange
1 beginbfrange <00000000> <FFFFFFFF> <0000> endbfrange endcmap`, Options{MaxEntries: 2})
	if c.Len() != 2 {
		t.Fatalf("Len = %d", c.Len())
	}
	if cid, ok := c.CID(0xFFFFFFFF, 4); cid != 0xFFFFFFFF || !ok {
		t.Errorf("CID = %d %v", cid, ok)
	}
	if s, ok := c.Unicode(0x41, 4); s != "A" || !ok {
		t.Errorf("Unicode = %q %v", s, ok)
	}
	if s, ok := c.Unicode(0x10000, 4); ok {
		t.Errorf("past the destination's width: %q", s)
	}
}

// TestRealProducers parses the ToUnicode CMaps of the fixtures in
// testdata/pdf (extracted by testdata/extract.sh).
func TestRealProducers(t *testing.T) {
	tests := []struct {
		file    string
		name    string
		entries int
		in      string // hex of a shown string, decoded with Next and Unicode
		want    string
	}{
		{"tounicode.libreoffice.8.cmap", "Adobe-Identity-UCS", 27, "09 0A 0B 0C 0D 03 0E 06 07 12", "Constable—"},
		{"tounicode.libreoffice.13.cmap", "Adobe-Identity-UCS", 68, "0E 0F 0C 10 11 12 05", "Example"},
		{"tounicode.reportlab.6.cmap", "AAAAAA+DejaVuSans", 128, "47 50 20 6C 65 74 74 65 72", "GP letter"},
		{"tounicode.groff.8.cmap", "Adobe-Identity-UCS", 2, "008B 008C 008D 008E 008F 00AD", "fffiflffiffl-"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			c := mustParse(t, string(data), Options{})
			if c.Name() != tt.name || c.Len() != tt.entries {
				t.Errorf("name %q len %d; want %q %d", c.Name(), c.Len(), tt.name, tt.entries)
			}
			s := unhex(t, tt.in)
			var got strings.Builder
			for len(s) > 0 {
				code, n, ok := c.Next(s)
				if !ok {
					t.Fatalf("Next(% x) not ok", s)
				}
				u, ok := c.Unicode(code, n)
				if !ok {
					t.Fatalf("Unicode(%#x, %d) not ok", code, n)
				}
				got.WriteString(u)
				s = s[n:]
			}
			if got.String() != tt.want {
				t.Errorf("text %q; want %q", got.String(), tt.want)
			}
		})
	}
}

// TestHostile checks that pathological programs finish and fail or
// succeed cleanly.
func TestHostile(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"deep brackets", bytes.Repeat([]byte("["), 1<<20)},
		{"many blocks", bytes.Repeat([]byte("beginbfchar "), 1<<16)},
		{"many overlapping ranges", overlapping(20000)},
		{"long array", []byte("begincmap 1 beginbfrange <00> <FF> [" + strings.Repeat("<0041> ", 1<<16) + "] endbfrange")},
		{"many names", bytes.Repeat([]byte("/a "), 1<<18)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.in, Options{})
			if err == nil {
				for i := range 1000 {
					b := []byte{byte(i), byte(i >> 8), 1, 2}
					_, n, _ := c.Next(b)
					c.Unicode(uint32(i), n)
					c.CID(uint32(i), n)
				}
			}
		})
	}
}

// overlapping returns a CMap of n nested bfranges, each inside the previous.
func overlapping(n int) []byte {
	var b bytes.Buffer
	b.WriteString("begincmap\n")
	fmt.Fprintf(&b, "%d beginbfrange\n", n)
	for i := range n {
		fmt.Fprintf(&b, "<%08X> <%08X> <%04X>\n", i, 2*n-i, i%0xD000)
	}
	b.WriteString("endbfrange\nendcmap\n")
	return b.Bytes()
}

func TestOverlappingRangesResolved(t *testing.T) {
	c := mustParse(t, string(overlapping(1000)), Options{})
	for _, code := range []uint32{0, 500, 999, 1000, 1001, 1500, 2000} {
		// The innermost (latest) range containing code starts at
		// min(code, 2n-code) for code within [0, 2n].
		i := min(code, 2000-code)
		want := string(rune(i + (code - i)))
		if i >= 1000 {
			i = 999
			want = string(rune(i + (code - i)))
		}
		got, ok := c.Unicode(code, 4)
		if !ok || got != want {
			t.Errorf("Unicode(%d) = %q %v; want %q", code, got, ok, want)
		}
	}
}
