package ingest

import (
	"bytes"
	"fmt"
)

// prescan.go bounds a PDF before pdfcpu reads it.
//
// pdfcpu decodes some streams while it reads a file, each into one
// in-memory buffer: cross-reference streams (with a fixed 512 MiB cap that
// the configuration does not reach), object streams (capped by
// Configuration.Limits.MaxDecodeBytes) and, for encrypted files, plaintext
// metadata it probes. Validation decodes XMP metadata (512 MiB cap). Page
// content streams, fonts and images are only decoded later, by whoever
// asks. A small Flate stream of zeros can expand a thousandfold, so the only
// safe order is to measure first: prescan walks every "N G obj … stream" in
// the raw bytes (looking inside stream data too, so that a stream with a
// false /Length cannot hide one), decodes each stream through a counting
// sink that holds nothing, and refuses the file once the total passes
// Limits.MaxDecompressedBytes. It also counts objects (including those
// packed in object streams) against Limits.MaxObjects.
//
// Streams of an encrypted file are ciphertext here and decode to little, and
// a filter named by reference cannot be followed here; countStreams measures
// such streams again once pdfcpu has decrypted and resolved them, before
// anything decodes them in full.

// prescan fails with a *SizeLimitError when the raw file would decode to
// more than lim allows, and with ctx's error when ctx is done. It returns
// the decoded size of each stream it measured, by the offset of its data.
func prescan(data []byte, lim Limits, dec *decoder) (map[int64]int64, error) {
	var objects, decoded int64
	sizes := map[int64]int64{}
	pos := 0
	for pos < len(data) {
		k := bytes.Index(data[pos:], []byte("obj"))
		if k < 0 {
			break
		}
		at := pos + k
		pos = at + 3
		if !isObjHeader(data, at) || pos < len(data) && isRegular(data[pos]) {
			continue
		}
		if err := dec.ctx.Err(); err != nil {
			return nil, err
		}
		objects++
		if objects > int64(lim.MaxObjects) {
			return nil, &SizeLimitError{Resource: ResourceObjects, Got: objects, Max: int64(lim.MaxObjects)}
		}
		l := lexer{b: data, pos: pos}
		v, ok := l.parseValue(0)
		d, isDict := v.(map[string]any)
		if !ok || !isDict {
			continue
		}
		t := l.next()
		if t.kind != tokKeyword || string(data[t.start:t.end]) != "stream" {
			continue
		}
		start := t.end
		if start < len(data) && data[start] == '\r' {
			start++
		}
		if start < len(data) && data[start] == '\n' {
			start++
		}
		end := streamEnd(data, start, d)
		// Go on looking inside the data: a stream with a false /Length
		// could otherwise hide the objects pdfcpu will read.
		pos = start

		filters, direct := rawFilters(d)
		n, err := dec.count(data[start:end], filters, lim.MaxDecompressedBytes-decoded)
		if err != nil {
			return nil, fmt.Errorf("measure stream at offset %d: %w", start, err)
		}
		if direct {
			sizes[int64(start)] = n
		}
		decoded += n
		if decoded > lim.MaxDecompressedBytes {
			return nil, &SizeLimitError{Resource: ResourceDecodedBytes, Got: decoded, Max: lim.MaxDecompressedBytes}
		}

		switch d["Type"] {
		case pdfName("ObjStm"):
			if n, ok := d["N"].(int64); ok && n > 0 {
				objects += n
			}
		case pdfName("XRef"):
			if n, ok := d["Size"].(int64); ok && n > objects {
				objects = n
			}
		}
		if objects > int64(lim.MaxObjects) {
			return nil, &SizeLimitError{Resource: ResourceObjects, Got: objects, Max: int64(lim.MaxObjects)}
		}
	}
	return sizes, nil
}

// isObjHeader reports whether the "obj" at data[at:] follows "N G " as in
// "12 0 obj", and is not the tail of "endobj" or of some other word.
func isObjHeader(data []byte, at int) bool {
	i := at - 1
	skip := func(pred func(byte) bool, atLeast int) bool {
		n := 0
		for i >= 0 && pred(data[i]) && n < 24 {
			i--
			n++
		}
		return n >= atLeast
	}
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	if !skip(isSpace, 0) || !skip(digit, 1) || !skip(isSpace, 1) || !skip(digit, 1) {
		return false
	}
	return i < 0 || !isRegular(data[i])
}

// streamEnd returns where the data of a stream starting at start ends: after
// /Length bytes when a direct /Length lands on "endstream", else at the
// next "endstream", else at the end of the file.
func streamEnd(data []byte, start int, d map[string]any) int {
	if n, ok := d["Length"].(int64); ok && n >= 0 && n <= int64(len(data)-start) {
		end := start + int(n)
		j := end
		for j < len(data) && j < end+4 && isSpace(data[j]) {
			j++
		}
		if bytes.HasPrefix(data[j:], []byte("endstream")) {
			return end
		}
	}
	if k := bytes.Index(data[start:], []byte("endstream")); k >= 0 {
		return start + k
	}
	return len(data)
}

// rawFilters reads /Filter and /DecodeParms from a parsed stream dictionary.
// ok is false when they are there but not direct (an indirect reference, a
// malformed entry): prescan cannot follow references, so the stream is then
// measured only roughly here and again by countStreams once pdfcpu has
// resolved them.
func rawFilters(d map[string]any) (specs []filterSpec, ok bool) {
	var names []any
	switch f := d["Filter"].(type) {
	case nil:
		return nil, true
	case pdfName:
		names = []any{f}
	case []any:
		names = f
	default:
		return nil, false
	}
	var parms []any
	switch p := d["DecodeParms"].(type) {
	case nil:
	case map[string]any:
		parms = []any{p}
	case []any:
		parms = p
	default:
		return nil, false
	}
	specs = make([]filterSpec, 0, len(names))
	for i, n := range names {
		name, ok := n.(pdfName)
		if !ok {
			return specs, false
		}
		fs := filterSpec{name: string(name)}
		if i < len(parms) {
			switch pd := parms[i].(type) {
			case nil:
			case map[string]any:
				fs.parms = map[string]int64{}
				for k, v := range pd {
					if iv, ok := v.(int64); ok {
						fs.parms[k] = iv
					}
				}
			default:
				return specs, false
			}
		}
		specs = append(specs, fs)
	}
	return specs, true
}
