package cmap

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse parses arbitrary programs and, when they parse, decodes the
// rest of the input with Next, CID and Unicode, checking Next's bounds.
func FuzzParse(f *testing.F) {
	for _, s := range []string{shiftJIS, toUnicode2, noSpace2, noSpace1, noSpaceMixed, fourByte, child, childOfIdentity, lenient, overlap} {
		f.Add([]byte(s), []byte{0x81, 0x40, 0x00, 0x41, 0xff})
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.cmap"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data, []byte{0x00, 0x8b, 0x41})
		}
	}
	load := programs(map[string]string{"Parent": shiftJIS, "Child": child, "A": "/CMapName /A def /B usecmap", "B": "/CMapName /B def /A usecmap"})
	f.Fuzz(func(t *testing.T, data, shown []byte) {
		c, err := Parse(data, Options{Load: load, MaxEntries: 1 << 12})
		if err != nil {
			return
		}
		if c.Len() > 1<<12 {
			t.Fatalf("Len %d over MaxEntries", c.Len())
		}
		if w := c.WMode(); w != 0 && w != 1 {
			t.Fatalf("WMode %d", w)
		}
		if _, n, ok := c.Next(nil); n != 0 || ok {
			t.Fatalf("Next(nil) = %d, %v", n, ok)
		}
		for s := shown; len(s) > 0; {
			code, n, _ := c.Next(s)
			if n < 1 || n > len(s) || n > 4 {
				t.Fatalf("Next(% x) n = %d", s, n)
			}
			if code != beUint(s[:n]) {
				t.Fatalf("Next(% x) code %#x", s, code)
			}
			c.CID(code, n)
			c.Unicode(code, n)
			s = s[n:]
		}
	})
}
