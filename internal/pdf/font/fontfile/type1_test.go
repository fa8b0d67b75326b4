package fontfile

import (
	"errors"
	"testing"
)

func TestType1EncodingFonts(t *testing.T) {
	tests := []struct {
		file  string
		std   bool
		codes map[byte]string
		count int
	}{
		{"testdata/NimbusRoman-Regular.cleartext", true, nil, 0},
		{"testdata/StandardSymbolsPS.cleartext", false, map[byte]string{0x20: "space", 0x61: "alpha", 0xA0: "Euro", 0x41: "Alpha", 0x7F: ""}, 190},
		{"testdata/D050000L.cleartext", false, map[byte]string{0x21: "a1", 0x2B: "a12", 0x80: "a89"}, 202},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readFile(t, tt.file)
			enc, std, err := Type1Encoding(data)
			if err != nil {
				t.Fatal(err)
			}
			if std != tt.std || (std && enc != nil) {
				t.Fatalf("std = %v, enc nil %v; want std %v", std, enc == nil, tt.std)
			}
			if std {
				return
			}
			for code, want := range tt.codes {
				if enc[code] != want {
					t.Errorf("enc[%#x] = %q, want %q", code, enc[code], want)
				}
			}
			n := 0
			for _, g := range enc {
				if g != "" && g != ".notdef" {
					n++
				}
			}
			if n != tt.count {
				t.Errorf("%d codes named, want %d", n, tt.count)
			}
			m, ok := Type1FontMatrix(data)
			if want := [6]float64{0.001, 0, 0, 0.001, 0, 0}; !ok || m != want {
				t.Errorf("FontMatrix = %v, %v; want %v", m, ok, want)
			}
		})
	}
}

func TestType1EncodingText(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		std   bool
		codes map[byte]string
		err   error
	}{
		{"standard", "/FontName /X def /Encoding StandardEncoding def", true, nil, nil},
		{"array", "/Encoding 256 array 0 1 255 {1 index exch /.notdef put} for dup 65 /A put dup 66 /B put readonly def",
			false, map[byte]string{65: "A", 66: "B", 0: "", 1: ""}, nil},
		{"radix code", "/Encoding 256 array dup 8#101 /A put readonly def", false, map[byte]string{65: "A"}, nil},
		{"cut short", "/Encoding 256 array dup 65 /A put dup 66 /B", false, map[byte]string{65: "A", 66: ""}, nil},
		{"code out of range", "/Encoding 256 array dup 300 /A put dup -1 /B put def", false, map[byte]string{}, nil},
		{"after eexec ignored", "/FontName /X def currentfile eexec /Encoding StandardEncoding def", false, nil, ErrNoEncoding},
		{"comment and string skipped", "% /Encoding StandardEncoding\n/Notice (/Encoding (nested) x) def\n/Encoding 256 array dup 67 /C put def", false, map[byte]string{67: "C"}, nil},
		{"other named encoding", "/Encoding ISOLatin1Encoding def", false, nil, ErrUnsupported},
		{"missing", "/FontName /X def", false, nil, ErrNoEncoding},
		{"at end", "/Encoding", false, nil, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc, std, err := Type1Encoding([]byte(tt.text))
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if std != tt.std {
				t.Errorf("std = %v, want %v", std, tt.std)
			}
			for code, want := range tt.codes {
				if enc[code] != want {
					t.Errorf("enc[%d] = %q, want %q", code, enc[code], want)
				}
			}
		})
	}
}

func TestType1FontMatrix(t *testing.T) {
	tests := []struct {
		text string
		want [6]float64
		ok   bool
	}{
		{"/FontMatrix [0.001 0 0 0.001 0 0] readonly def", [6]float64{0.001, 0, 0, 0.001, 0, 0}, true},
		{"/FontMatrix {0.0005 0 0.0001 0.0005 0 0} def", [6]float64{0.0005, 0, 0.0001, 0.0005, 0, 0}, true},
		{"/FontMatrix [0.001 0 0 0.001 0] def", [6]float64{}, false},
		{"/FontMatrix [1e999 0 0 1 0 0] def", [6]float64{}, false},
		{"/FontName /X def", [6]float64{}, false},
	}
	for _, tt := range tests {
		m, ok := Type1FontMatrix([]byte(tt.text))
		if ok != tt.ok || (ok && m != tt.want) {
			t.Errorf("Type1FontMatrix(%q) = %v, %v; want %v, %v", tt.text, m, ok, tt.want, tt.ok)
		}
	}
}
