package cmap

import (
	"fmt"
	"strings"
	"testing"
)

// benchCMap is a ToUnicode CMap shaped like a subset TrueType font's: 2-byte
// codes, a few hundred bfchars and some bfranges.
func benchCMap(b *testing.B) *CMap {
	var s strings.Builder
	s.WriteString("begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange\n")
	s.WriteString("400 beginbfchar\n")
	for i := range 400 {
		fmt.Fprintf(&s, "<%04X> <%04X>\n", i, 0x20+i)
	}
	s.WriteString("endbfchar\n100 beginbfrange\n")
	for i := range 100 {
		lo := 0x1000 + i*0x20
		fmt.Fprintf(&s, "<%04X> <%04X> <%04X>\n", lo, lo+0x1f, 0x4E00+i*0x20)
	}
	s.WriteString("endbfrange endcmap")
	return mustParse(b, s.String(), Options{})
}

func BenchmarkUnicode(b *testing.B) {
	c := benchCMap(b)
	b.Run("bfchar", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, ok := c.Unicode(uint32(i%400), 2); !ok {
				b.Fatal("unmapped")
			}
		}
	})
	b.Run("bfrange", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, ok := c.Unicode(uint32(0x1000+i%3200), 2); !ok {
				b.Fatal("unmapped")
			}
		}
	})
}

func BenchmarkNext(b *testing.B) {
	for _, bc := range []struct {
		name string
		cmap string
	}{
		{"two-byte", toUnicode2},
		{"shift-jis", shiftJIS},
	} {
		c := mustParse(b, bc.cmap, Options{})
		s := []byte("\x81\x40\x41\x00\x42\x82\x50\x43")
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				for r := s; len(r) > 0; {
					_, n, _ := c.Next(r)
					r = r[n:]
				}
			}
		})
	}
}

func BenchmarkCID(b *testing.B) {
	c := mustParse(b, shiftJIS, Options{})
	for i := 0; b.Loop(); i++ {
		c.CID(uint32(0x8140+i%63), 2)
	}
}
