package ingest

import (
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"encoding/ascii85"
	"errors"
	"io"
)

// decode.go decodes PDF stream filters as streams, so that a decompression
// bomb can be measured without holding its output: every decoder here keeps
// a few kilobytes of state whatever the stream expands to. pdfcpu's own
// filters buffer the whole output, which is why this package counts first.

// Canonical filter names, and the abbreviations inline images (and some
// careless writers) use.
const (
	filterFlate     = "FlateDecode"
	filterLZW       = "LZWDecode"
	filterASCIIHex  = "ASCIIHexDecode"
	filterASCII85   = "ASCII85Decode"
	filterRunLength = "RunLengthDecode"
	filterCrypt     = "Crypt"
)

func canonicalFilter(name string) string {
	switch name {
	case "Fl":
		return filterFlate
	case "AHx":
		return filterASCIIHex
	case "A85":
		return filterASCII85
	case "LZW":
		return filterLZW
	case "RL":
		return filterRunLength
	case "CCF":
		return "CCITTFaxDecode"
	case "DCT":
		return "DCTDecode"
	}
	return name
}

// filterSpec is one stage of a stream's filter pipeline.
type filterSpec struct {
	name  string
	parms map[string]int64 // Predictor, Colors, BitsPerComponent, Columns, EarlyChange
}

func (f filterSpec) parm(key string, def int64) int64 {
	if v, ok := f.parms[key]; ok {
		return v
	}
	return def
}

// errDecodeLimit stops a copy once the output passes its limit.
var errDecodeLimit = errors.New("decode limit reached")

// decoder decodes filter pipelines, reusing its flate readers between
// streams. It is not safe for concurrent use; each Inspect call makes one.
type decoder struct {
	ctx    context.Context
	flates []io.ReadCloser
	buf    []byte
}

func newDecoder(ctx context.Context) *decoder {
	return &decoder{ctx: ctx, buf: make([]byte, 32<<10)}
}

// open returns a reader of raw decoded through filters, as far as the
// pipeline has filters this package can decode (image codecs such as DCT,
// JPX, JBIG2 and CCITT end the pipeline: their input is what is returned).
// Corrupt data ends the stream early instead of failing: what matters here is
// how much a stream can produce, and what was decoded before the damage.
//
// Predictors are applied only when predict is set: they never make data
// larger, so measuring can skip them.
func (d *decoder) open(raw []byte, filters []filterSpec, predict bool) io.Reader {
	var r io.Reader = bytes.NewReader(raw)
	nflate := 0
	for _, f := range filters {
		switch canonicalFilter(f.name) {
		case filterFlate:
			r = d.flate(r, nflate)
			nflate++
			if predict {
				r = predictor(r, f)
			}
		case filterLZW:
			r = newLZWReader(r, f.parm("EarlyChange", 1) != 0)
			if predict {
				r = predictor(r, f)
			}
		case filterASCIIHex:
			r = &hexReader{r: bufio.NewReader(r)}
		case filterASCII85:
			r = ascii85.NewDecoder(&a85Trim{r: bufio.NewReader(r)})
		case filterRunLength:
			r = &runLengthReader{r: bufio.NewReader(r)}
		case filterCrypt:
			// Identity crypt filter; real decryption is pdfcpu's job.
		default:
			return softEOF{r}
		}
		r = softEOF{r}
	}
	return r
}

// flate returns a raw-deflate reader for r, skipping a zlib header when there
// is one (some writers omit it), reusing the i-th cached reader.
func (d *decoder) flate(r io.Reader, i int) io.Reader {
	br := bufio.NewReader(r)
	if p, err := br.Peek(2); err == nil && p[0]&0x0f == 8 && p[0]>>4 <= 7 && (uint16(p[0])<<8|uint16(p[1]))%31 == 0 {
		_, _ = br.Discard(2)
	}
	for len(d.flates) <= i {
		d.flates = append(d.flates, nil)
	}
	if d.flates[i] == nil {
		d.flates[i] = flate.NewReader(br)
	} else if err := d.flates[i].(flate.Resetter).Reset(br, nil); err != nil {
		d.flates[i] = flate.NewReader(br)
	}
	return d.flates[i]
}

// count decodes raw and returns how many bytes it produces, stopping once
// that passes max (so the result is then max+1 or a little more). It fails
// only when ctx is done.
func (d *decoder) count(raw []byte, filters []filterSpec, max int64) (int64, error) {
	if len(filters) == 0 {
		return int64(len(raw)), nil
	}
	s := &limitSink{ctx: d.ctx, max: max}
	err := d.copy(s, d.open(raw, filters, false))
	if err != nil && !errors.Is(err, errDecodeLimit) {
		return s.n, err
	}
	return s.n, nil
}

// decodeAll decodes raw into memory, failing with errDecodeLimit when the
// output passes max.
func (d *decoder) decodeAll(raw []byte, filters []filterSpec, max int64) ([]byte, error) {
	if len(filters) == 0 {
		if int64(len(raw)) > max {
			return nil, errDecodeLimit
		}
		return raw, nil
	}
	var out bytes.Buffer
	s := &limitSink{ctx: d.ctx, max: max, w: &out}
	if err := d.copy(s, d.open(raw, filters, true)); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func (d *decoder) copy(w io.Writer, r io.Reader) error {
	for {
		n, err := r.Read(d.buf)
		if n > 0 {
			if _, werr := w.Write(d.buf[:n]); werr != nil {
				return werr
			}
		}
		if err != nil {
			return nil // softEOF: every decode error is the end of the data
		}
	}
}

// limitSink counts (and optionally keeps) bytes, stopping with
// errDecodeLimit past max and with ctx's error when ctx is done.
type limitSink struct {
	ctx       context.Context
	w         io.Writer
	n, max    int64
	nextCheck int64
}

const ctxCheckEvery = 4 << 20

func (s *limitSink) Write(p []byte) (int, error) {
	s.n += int64(len(p))
	if s.n > s.max {
		return 0, errDecodeLimit
	}
	if s.n >= s.nextCheck {
		s.nextCheck = s.n + ctxCheckEvery
		if err := s.ctx.Err(); err != nil {
			return 0, err
		}
	}
	if s.w != nil {
		return s.w.Write(p)
	}
	return len(p), nil
}

// softEOF turns every error into io.EOF: damaged data simply ends.
type softEOF struct{ r io.Reader }

func (s softEOF) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil {
		err = io.EOF
	}
	return n, err
}

// predictor applies a PNG (10–15) or TIFF (2) predictor named in f's
// parameters. Predictors never make data larger.
func predictor(r io.Reader, f filterSpec) io.Reader {
	p := f.parm("Predictor", 1)
	colors := f.parm("Colors", 1)
	bpc := f.parm("BitsPerComponent", 8)
	columns := f.parm("Columns", 1)
	if p < 2 || colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || columns < 1 || columns > 1<<20 {
		return r
	}
	rowLen := int((colors*bpc*columns + 7) / 8)
	bpp := int((colors*bpc + 7) / 8)
	switch {
	case p >= 10:
		return &pngPredictor{r: bufio.NewReader(r), cur: make([]byte, rowLen+1), prev: make([]byte, rowLen+1), bpp: bpp}
	case p == 2 && bpc == 8:
		return &tiffPredictor{r: bufio.NewReader(r), row: make([]byte, rowLen), bpp: bpp}
	}
	return r
}

type pngPredictor struct {
	r         *bufio.Reader
	cur, prev []byte // filter-type byte then the row
	bpp       int
	out       []byte
}

func (p *pngPredictor) Read(b []byte) (int, error) {
	for len(p.out) == 0 {
		p.prev, p.cur = p.cur, p.prev
		n, _ := io.ReadFull(p.r, p.cur) // a short last row is kept
		if n == 0 {
			return 0, io.EOF
		}
		row := p.cur[1:n]
		prev := p.prev[1 : len(p.prev)-(len(p.cur)-n)]
		unfilterPNG(p.cur[0], row, prev, p.bpp)
		p.out = row
	}
	n := copy(b, p.out)
	p.out = p.out[n:]
	return n, nil
}

func unfilterPNG(ft byte, row, prev []byte, bpp int) {
	up := func(i int) byte {
		if i < len(prev) {
			return prev[i]
		}
		return 0
	}
	switch ft {
	case 1: // Sub
		for i := bpp; i < len(row); i++ {
			row[i] += row[i-bpp]
		}
	case 2: // Up
		for i := range min(len(row), len(prev)) {
			row[i] += prev[i]
		}
	case 3: // Average
		for i := range row {
			var a byte
			if i >= bpp {
				a = row[i-bpp]
			}
			row[i] += byte((int(a) + int(up(i))) / 2)
		}
	case 4: // Paeth
		for i := range row {
			var a, c byte
			if i >= bpp {
				a, c = row[i-bpp], up(i-bpp)
			}
			row[i] += paeth(a, up(i), c)
		}
	}
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

type tiffPredictor struct {
	r   *bufio.Reader
	row []byte
	bpp int
	out []byte
}

func (t *tiffPredictor) Read(b []byte) (int, error) {
	if len(t.out) == 0 {
		n, _ := io.ReadFull(t.r, t.row)
		if n == 0 {
			return 0, io.EOF
		}
		row := t.row[:n]
		for i := t.bpp; i < len(row); i++ {
			row[i] += row[i-t.bpp]
		}
		t.out = row
	}
	n := copy(b, t.out)
	t.out = t.out[n:]
	return n, nil
}

// hexReader decodes ASCIIHexDecode up to '>'.
type hexReader struct {
	r    *bufio.Reader
	done bool
}

func (h *hexReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && !h.done {
		var v [2]byte
		k := 0
		for k < 2 {
			c, err := h.r.ReadByte()
			if err != nil || c == '>' {
				h.done = true
				break
			}
			if isHexDigit(c) {
				v[k] = c
				k++
			}
		}
		if k == 0 {
			break
		}
		if k == 1 {
			v[1] = '0'
		}
		p[n] = unhex(v[0])<<4 | unhex(v[1])
		n++
	}
	if n == 0 && h.done {
		return 0, io.EOF
	}
	return n, nil
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// a85Trim feeds encoding/ascii85 the data between an optional "<~" and the
// "~>" end marker, which the standard decoder does not understand.
type a85Trim struct {
	r       *bufio.Reader
	started bool
	done    bool
}

func (a *a85Trim) Read(p []byte) (int, error) {
	if !a.started {
		a.started = true
		if b, err := a.r.Peek(2); err == nil && string(b) == "<~" {
			_, _ = a.r.Discard(2)
		}
	}
	n := 0
	for n < len(p) && !a.done {
		c, err := a.r.ReadByte()
		if err != nil || c == '~' {
			a.done = true
			break
		}
		p[n] = c
		n++
	}
	if n == 0 && a.done {
		return 0, io.EOF
	}
	return n, nil
}

// runLengthReader decodes RunLengthDecode.
type runLengthReader struct {
	r    *bufio.Reader
	lit  int  // literal bytes left to copy
	rep  int  // repeats left of b
	b    byte // repeated byte
	done bool
}

func (rl *runLengthReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		switch {
		case rl.rep > 0:
			for rl.rep > 0 && n < len(p) {
				p[n] = rl.b
				n++
				rl.rep--
			}
		case rl.lit > 0:
			k := min(rl.lit, len(p)-n)
			got, err := io.ReadFull(rl.r, p[n:n+k])
			n += got
			rl.lit -= got
			if err != nil {
				rl.done, rl.lit = true, 0
			}
		case rl.done:
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		default:
			c, err := rl.r.ReadByte()
			switch {
			case err != nil || c == 128:
				rl.done = true
			case c < 128:
				rl.lit = int(c) + 1
			default:
				b, err := rl.r.ReadByte()
				if err != nil {
					rl.done = true
					continue
				}
				rl.b, rl.rep = b, 257-int(c)
			}
		}
	}
	return n, nil
}

// lzwReader decodes PDF's LZWDecode: MSB-first codes of 9 to 12 bits, 256
// clears the table, 257 ends the data, and with EarlyChange the code width
// grows one code early.
type lzwReader struct {
	r      *bufio.Reader
	early  int
	bits   uint32
	nbits  uint
	width  uint
	prefix [4096]uint16
	suffix [4096]byte
	first  [4096]byte
	next   int
	last   int // previous code, or -1 after a clear
	stack  []byte
	out    []byte
	done   bool
}

func newLZWReader(r io.Reader, early bool) *lzwReader {
	z := &lzwReader{r: bufio.NewReader(r), stack: make([]byte, 0, 4096)}
	if early {
		z.early = 1
	}
	for i := range 256 {
		z.suffix[i] = byte(i)
		z.first[i] = byte(i)
	}
	z.reset()
	return z
}

func (z *lzwReader) reset() {
	z.width, z.next, z.last = 9, 258, -1
}

func (z *lzwReader) code() (int, bool) {
	for z.nbits < z.width {
		c, err := z.r.ReadByte()
		if err != nil {
			return 0, false
		}
		z.bits = z.bits<<8 | uint32(c)
		z.nbits += 8
	}
	z.nbits -= z.width
	return int(z.bits>>z.nbits) & (1<<z.width - 1), true
}

func (z *lzwReader) Read(p []byte) (int, error) {
	for len(z.out) == 0 {
		if z.done {
			return 0, io.EOF
		}
		c, ok := z.code()
		switch {
		case !ok || c == 257:
			z.done = true
			continue
		case c == 256:
			z.reset()
			continue
		}
		if z.last < 0 {
			if c > 255 {
				z.done = true
				continue
			}
			z.out = append(z.stack[:0], byte(c))
			z.last = c
			continue
		}
		var firstByte byte
		switch {
		case c < z.next:
			firstByte = z.first[c]
		case c == z.next:
			firstByte = z.first[z.last]
		default:
			z.done = true // corrupt
			continue
		}
		if z.next < 4096 {
			z.prefix[z.next] = uint16(z.last)
			z.suffix[z.next] = firstByte
			z.first[z.next] = z.first[z.last]
			z.next++
		}
		// Expand c by walking prefixes, then reverse.
		s := z.stack[:0]
		for code := c; ; {
			s = append(s, z.suffix[code])
			if code < 256 {
				break
			}
			code = int(z.prefix[code])
		}
		for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
			s[i], s[j] = s[j], s[i]
		}
		z.stack, z.out = s, s
		z.last = c
		if z.next+z.early >= 1<<z.width && z.width < 12 {
			z.width++
		}
	}
	n := copy(p, z.out)
	z.out = z.out[n:]
	return n, nil
}
