package fontfile

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds the testdata files matching pattern to the fuzz corpus.
func addSeeds(f *testing.F, pattern string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// sfntTables rebuilds an sfnt with only the tables ParseSFNT reads, so that
// the fuzzer's mutations land on them rather than on glyph outlines.
func sfntTables(font []byte) []byte {
	n := int(binary.BigEndian.Uint16(font[4:]))
	type rec struct {
		tag  string
		data []byte
	}
	var keep []rec
	for i := 0; i < n; i++ {
		r := font[12+16*i:]
		switch tag := string(r[:4]); tag {
		case "head", "hhea", "maxp", "OS/2", "cmap", "post", "hmtx", "CFF ":
			off, l := binary.BigEndian.Uint32(r[8:]), binary.BigEndian.Uint32(r[12:])
			keep = append(keep, rec{tag, font[off : off+l]})
		}
	}
	out := append([]byte(nil), font[:4]...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(keep)))
	out = append(out, 0, 0, 0, 0, 0, 0)
	off := len(out) + 16*len(keep)
	var body []byte
	for _, k := range keep {
		out = append(out, k.tag...)
		out = binary.BigEndian.AppendUint32(out, 0)
		out = binary.BigEndian.AppendUint32(out, uint32(off+len(body)))
		out = binary.BigEndian.AppendUint32(out, uint32(len(k.data)))
		body = append(body, k.data...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	return append(out, body...)
}

func FuzzParseSFNT(f *testing.F) {
	files, err := filepath.Glob("testdata/*.ttf")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sfntTables(b))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSFNT(data)
		if err != nil {
			return
		}
		for _, pe := range [][2]uint16{{3, 1}, {3, 0}, {1, 0}, {3, 10}, {0, 3}} {
			s.HasCmap(pe[0], pe[1])
			for _, code := range []uint32{0, 0x20, 0x41, 0xFF, 0x100, 0x8140, 0xF041, 0xFFFF, 0x10000, 0x1F600, 0xFFFFFFFF} {
				s.Lookup(pe[0], pe[1], code)
			}
		}
		for gid := 0; gid < min(s.NumGlyphs+2, 300); gid++ {
			s.GlyphName(uint16(gid))
			s.Advance(uint16(gid))
		}
		s.GlyphName(0xFFFF)
		s.Advance(0xFFFF)
		if raw, ok := s.CFFTable(); ok {
			if c, err := ParseCFF(raw); err == nil {
				c.Encoding()
				c.GlyphName(1)
			}
		}
	})
}

func FuzzParseCFF(f *testing.F) {
	addSeeds(f, "*.cff")
	f.Add(cffBuilder{nGlyphs: 3, strings: []string{"Foo"}, charset: []byte{0, 0x01, 0x87, 0, 34},
		encoding: []byte{0x80, 2, 0x61, 0x41, 1, 0x62, 0x01, 0x87}}.build())
	f.Add(cffBuilder{nGlyphs: 5, charset: []byte{1, 0, 34, 3}, encoding: []byte{1, 1, 0x41, 3}}.build())
	f.Add(cffBuilder{nGlyphs: 3, charset: []byte{2, 0, 66, 0, 1}, extra: append(dictInt(391), append(dictInt(391), dictInt(0, 12, 30)...)...)}.build())
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCFF(data)
		if err != nil {
			return
		}
		c.Encoding()
		for gid := -1; gid < 300; gid++ {
			c.GlyphName(gid)
		}
	})
}

func FuzzType1Encoding(f *testing.F) {
	addSeeds(f, "*.cleartext")
	f.Add([]byte("/Encoding 256 array 0 1 255 {1 index exch /.notdef put} for dup 65 /A put readonly def"))
	f.Fuzz(func(t *testing.T, data []byte) {
		enc, std, err := Type1Encoding(data)
		if err == nil && std == (enc != nil) {
			t.Fatalf("std = %v with table %v", std, enc != nil)
		}
		Type1FontMatrix(data)
	})
}
