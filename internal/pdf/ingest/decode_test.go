package ingest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
)

// sample is content-stream-like data with runs, for round trips.
func sample() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for b.Len() < 200_000 {
		switch r.IntN(3) {
		case 0:
			b.WriteString("BT /F1 12 Tf 72 700 Td (Some text) Tj ET\n")
		case 1:
			b.Write(bytes.Repeat([]byte{byte(r.IntN(256))}, r.IntN(300)))
		default:
			for range r.IntN(100) {
				b.WriteByte(byte(r.IntN(256)))
			}
		}
	}
	return b.Bytes()
}

// encode runs pdfcpu's encoder for name.
func encode(t *testing.T, name string, parms map[string]int, data []byte) []byte {
	t.Helper()
	f, err := filter.NewFilter(name, parms)
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.Encode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s encode: %v", name, err)
	}
	b, _ := io.ReadAll(r)
	return b
}

// TestDecodeMatchesPDFCPU checks the streaming decoders against pdfcpu's
// own encoders, and that count agrees with decodeAll.
func TestDecodeMatchesPDFCPU(t *testing.T) {
	t.Parallel()
	data := sample()
	tests := []struct {
		name   string
		filter string
		parms  map[string]int
	}{
		{"Flate", filterFlate, nil},
		{"LZW, early change", filterLZW, map[string]int{"EarlyChange": 1}},
		{"LZW, no early change", filterLZW, map[string]int{"EarlyChange": 0}},
		{"ASCIIHex", filterASCIIHex, nil},
		{"ASCII85", filterASCII85, nil},
		{"RunLength", filterRunLength, nil},
	}
	dec := newDecoder(context.Background())
	for _, tt := range tests {
		enc := encode(t, tt.filter, tt.parms, data)
		fs := []filterSpec{{name: tt.filter, parms: map[string]int64{}}}
		for k, v := range tt.parms {
			fs[0].parms[k] = int64(v)
		}
		got, err := dec.decodeAll(enc, fs, 1<<30)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: decoded %d bytes (err %v), want the %d encoded", tt.name, len(got), err, len(data))
		}
		n, err := dec.count(enc, fs, 1<<30)
		if err != nil || n != int64(len(data)) {
			t.Errorf("%s: count = %d (err %v), want %d", tt.name, n, err, len(data))
		}
	}

	// Two stages: ASCII85 over Flate, decoded in the order listed.
	enc := encode(t, filterASCII85, nil, encode(t, filterFlate, nil, data))
	got, err := dec.decodeAll(enc, []filterSpec{{name: "A85"}, {name: "Fl"}}, 1<<30)
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("A85+Fl: decoded %d bytes (err %v)", len(got), err)
	}
}

func TestDecodePNGPredictor(t *testing.T) {
	t.Parallel()
	// Three rows of 4 RGB pixels, predicted with Sub, Up and Paeth.
	const columns, colors = 4, 3
	rows := [][]byte{
		{10, 20, 30, 11, 21, 31, 12, 22, 32, 13, 23, 33},
		{15, 25, 35, 16, 26, 36, 17, 27, 37, 18, 28, 38},
		{1, 2, 3, 200, 100, 50, 7, 8, 9, 250, 251, 252},
	}
	var want, predicted []byte
	prev := make([]byte, len(rows[0]))
	for i, row := range rows {
		ft := []byte{1, 2, 4}[i]
		enc := make([]byte, len(row))
		for x := range row {
			var a, c byte
			if x >= colors {
				a, c = row[x-colors], prev[x-colors]
			}
			switch ft {
			case 1:
				enc[x] = row[x] - a
			case 2:
				enc[x] = row[x] - prev[x]
			case 4:
				enc[x] = row[x] - paeth(a, prev[x], c)
			}
		}
		predicted = append(append(predicted, ft), enc...)
		want = append(want, row...)
		prev = row
	}
	enc := encode(t, filterFlate, nil, predicted)
	parms := map[string]int64{"Predictor": 12, "Colors": colors, "Columns": columns}
	dec := newDecoder(context.Background())
	got, err := dec.decodeAll(enc, []filterSpec{{name: filterFlate, parms: parms}}, 1<<20)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("decoded %v (err %v), want %v", got, err, want)
	}

	// pdfcpu agrees.
	f, _ := filter.NewFilter(filterFlate, map[string]int{"Predictor": 12, "Colors": colors, "Columns": columns})
	r, err := f.Decode(bytes.NewReader(enc))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(r); !bytes.Equal(b, want) {
		t.Errorf("pdfcpu decoded %v", b)
	}
}

func TestDecodeLimit(t *testing.T) {
	t.Parallel()
	enc := encode(t, filterFlate, nil, make([]byte, 1<<20))
	dec := newDecoder(context.Background())
	fs := []filterSpec{{name: filterFlate}}
	if _, err := dec.decodeAll(enc, fs, 1000); !errors.Is(err, errDecodeLimit) {
		t.Errorf("decodeAll past the limit: err = %v", err)
	}
	if n, err := dec.count(enc, fs, 1000); err != nil || n <= 1000 || n > 1<<20 {
		t.Errorf("count past the limit = %d, %v", n, err)
	}
	// Corrupt and unsupported data end the stream instead of failing.
	if n, err := dec.count([]byte("not deflate at all"), fs, 1000); err != nil || n != 0 {
		t.Errorf("count of garbage = %d, %v", n, err)
	}
	if n, _ := dec.count([]byte("jpegdata"), []filterSpec{{name: "DCTDecode"}}, 1000); n != 8 {
		t.Errorf("count through DCT = %d, want the 8 encoded bytes", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newDecoder(ctx).count(enc, fs, 1<<30); !errors.Is(err, context.Canceled) {
		t.Errorf("count with a cancelled context: err = %v", err)
	}
}
