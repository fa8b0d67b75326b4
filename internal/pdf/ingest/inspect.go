package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/pdfcpu/pdfcpu/pkg/filter"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/validate"
)

// Info describes a document that passed Inspect.
type Info struct {
	Pages      int
	Version    string // "1.7"
	Producer   string // from Info dict / XMP if available (not logged by callers)
	Creator    string
	Encrypted  bool  // the original was encrypted
	TextPages  []int // 1-based pages whose content (incl. form XObjects) shows text
	ImagePages []int // 1-based pages that draw images but show no text (image-only scans)
	FromImage  bool  // made from a JPEG/PNG/TIFF by FromImage
}

// maxPDFCPUStreamDecode caps any single stream pdfcpu decodes into memory
// itself. Everything is measured before pdfcpu decodes it, so this is a
// second line of defence, kept well below the bombs it guards against.
const maxPDFCPUStreamDecode = 256 << 20

// Inspect opens the PDF at in (a local file), decrypts it with password when
// it is encrypted, validates it in relaxed mode, enforces lim, and writes a
// decrypted working copy to out. The original stays untouched; the working
// copy neither contains nor needs the password. out is written only when
// Inspect succeeds, and must not be in.
//
// password may be the user (open) or the owner password; a file protected
// by an owner password alone opens without one. A file whose
// cross-reference table is wrong is rebuilt from its objects when that
// yields a valid document; a file cut short (no %%EOF after its last
// object), or whose pages name content that is not in the file, is
// ErrDamaged rather than silently missing pages.
//
// Files that are not PDFs fail with ErrUnsupported (callers route scans to
// FromImage after Sniff); the other sentinels in errors.go say why a PDF was
// refused, and Reason turns any of them into a sentence for the uploader.
func Inspect(ctx context.Context, in, out, password string, lim Limits) (Info, error) {
	data, err := readInput(in, out)
	if err != nil {
		return Info{}, err
	}
	return inspectData(ctx, data, out, password, lim.withDefaults())
}

// inspectData is Inspect on the bytes of the input.
func inspectData(ctx context.Context, data []byte, out, password string, lim Limits) (Info, error) {
	if k := Sniff(data); k != KindPDF {
		return Info{}, fmt.Errorf("sniff %d bytes: content is %s, not a PDF: %w", len(data), k, ErrUnsupported)
	}
	return inspectPDF(ctx, data, out, password, lim)
}

// readInput reads the whole input, refusing to go on when out would
// overwrite it.
func readInput(in, out string) ([]byte, error) {
	if same, err := sameFile(in, out); err != nil {
		return nil, err
	} else if same {
		return nil, fmt.Errorf("write working copy: %s is the input", out)
	}
	data, err := os.ReadFile(in)
	if err != nil {
		return nil, fmt.Errorf("read input: %w", err)
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("read input: empty file: %w", ErrDamaged)
	}
	return data, nil
}

func sameFile(a, b string) (bool, error) {
	if a == b {
		return true, nil
	}
	sa, err := os.Stat(a)
	if err != nil {
		return false, fmt.Errorf("read input: %w", err)
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, nil // out does not exist yet
	}
	return os.SameFile(sa, sb), nil
}

// inspectPDF does the work of Inspect on the bytes of a PDF.
func inspectPDF(ctx context.Context, data []byte, out, password string, lim Limits) (info Info, err error) {
	defer func() {
		if r := recover(); r != nil {
			info = Info{}
			err = fmt.Errorf("%w: pdfcpu panic: %v", ErrDamaged, r)
		}
	}()
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	dec := newDecoder(ctx)

	if err := checkComplete(data); err != nil {
		return Info{}, err
	}
	sizes, err := prescan(data, lim, dec)
	if err != nil {
		return Info{}, fmt.Errorf("prescan: %w", err)
	}

	doc, pages, err := open(ctx, data, password, lim, dec, sizes)
	if errors.Is(err, ErrDamaged) {
		// Offsets that point a few bytes off, as after a line-ending
		// conversion, can mislead pdfcpu without tripping its own repair.
		// Hiding the cross-reference table makes it rebuild the table by
		// scanning the file for objects.
		if doc2, pages2, err2 := open(ctx, hideXref(data), password, lim, dec, sizes); err2 == nil {
			doc, pages, err = doc2, pages2, nil
		}
	}
	if err != nil {
		return Info{}, err
	}
	encrypted := doc.Encrypt != nil

	sc := newScanner(doc, dec, lim.MaxDecompressedBytes)
	for i, pg := range pages {
		if err := ctx.Err(); err != nil {
			return Info{}, err
		}
		r, err := sc.page(pg)
		if err != nil {
			return Info{}, fmt.Errorf("scan page %d: %w", i+1, err)
		}
		switch {
		case r.text:
			info.TextPages = append(info.TextPages, i+1)
		case r.image:
			info.ImagePages = append(info.ImagePages, i+1)
		}
	}

	info.Pages = len(pages)
	info.Version = doc.VersionString()
	info.Producer = doc.Producer
	info.Creator = doc.Creator
	info.Encrypted = encrypted

	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	if err := writeCopy(doc, out, encrypted); err != nil {
		return Info{}, err
	}
	return info, nil
}

// open reads, measures and validates a PDF and lists its pages. sizes are
// prescan's measurements, by offset of the stream data.
func open(ctx context.Context, data []byte, password string, lim Limits, dec *decoder, sizes map[int64]int64) (*model.Context, []page, error) {
	doc, err := pdfcpu.ReadWithContext(ctx, bytes.NewReader(data), newConfig(password, password, lim))
	if errors.Is(err, pdfcpu.ErrWrongPassword) && password != "" {
		// A file protected only by an owner password opens without one:
		// a mistyped password must not stop what needs none.
		if doc2, err2 := pdfcpu.ReadWithContext(ctx, bytes.NewReader(data), newConfig("", password, lim)); err2 == nil {
			doc, err = doc2, nil
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read pdf: %w", classifyReadError(err, password))
	}
	if n := len(doc.Table); n > lim.MaxObjects {
		return nil, nil, &SizeLimitError{Resource: ResourceObjects, Got: int64(n), Max: int64(lim.MaxObjects)}
	}
	if err := countStreams(doc, dec, lim, sizes); err != nil {
		return nil, nil, fmt.Errorf("measure streams: %w", err)
	}

	// Refuse an over-long document before validating all of it. The page
	// tree may still need relaxed validation's repairs, so a failure here
	// is not final.
	pages, walkErr := walkPages(doc)
	if walkErr == nil && len(pages) > lim.MaxPages {
		return nil, nil, &PageLimitError{Pages: len(pages), Max: lim.MaxPages}
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if err := validate.XRefTable(doc); err != nil {
		return nil, nil, fmt.Errorf("validate pdf: %w: %w", ErrDamaged, err)
	}
	if walkErr != nil {
		if pages, err = walkPages(doc); err != nil {
			return nil, nil, fmt.Errorf("read page tree: %w: %w", ErrDamaged, err)
		}
		if len(pages) > lim.MaxPages {
			return nil, nil, &PageLimitError{Pages: len(pages), Max: lim.MaxPages}
		}
	}
	if len(pages) == 0 {
		return nil, nil, fmt.Errorf("read page tree: no pages: %w", ErrDamaged)
	}
	return doc, pages, nil
}

// checkComplete refuses a file that stops before its end-of-file marker,
// or carries objects after the last one: an interrupted upload or copy.
// pdfcpu would rebuild such a file from the objects that survived and, when
// the cut falls in the last page, return a document that is silently
// missing content.
func checkComplete(data []byte) error {
	i := bytes.LastIndex(data, []byte("%%EOF"))
	if i < 0 {
		return fmt.Errorf("no %%%%EOF marker, the file is truncated: %w", ErrDamaged)
	}
	tail := data[i:]
	for k := 0; ; {
		j := bytes.Index(tail[k:], []byte("obj"))
		if j < 0 {
			return nil
		}
		if isObjHeader(tail, k+j) {
			return fmt.Errorf("objects after the last %%%%EOF marker, the file is truncated: %w", ErrDamaged)
		}
		k += j + 3
	}
}

// hideXref returns a copy of data in which no "startxref" can be found, so
// that pdfcpu reconstructs the cross-reference table from the objects.
func hideXref(data []byte) []byte {
	out := bytes.Clone(data)
	for i := 0; ; {
		k := bytes.Index(out[i:], []byte("startxref"))
		if k < 0 {
			return out
		}
		copy(out[i+k:], "startxre_")
		i += k + len("startxref")
	}
}

// newConfig returns the explicit pdfcpu configuration for one document. It
// never touches pdfcpu's configuration directory as long as the process has
// called api.DisableConfigDir.
func newConfig(userPW, ownerPW string, lim Limits) *model.Configuration {
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.Cmd = model.VALIDATE
	conf.UserPW = userPW
	conf.OwnerPW = ownerPW
	conf.Offline = true
	conf.DecodeAllStreams = false
	conf.Limits.MaxDecodeBytes = min(lim.MaxDecompressedBytes, maxPDFCPUStreamDecode)
	conf.Limits.MaxObjectCount = lim.MaxObjects
	conf.Limits.MaxXRefEntries = lim.MaxObjects
	conf.Limits.MaxObjectStreamCount = min(conf.Limits.MaxObjectStreamCount, lim.MaxObjects)
	return conf
}

// classifyReadError maps pdfcpu's read errors onto this package's sentinels,
// keeping pdfcpu's text for the log.
func classifyReadError(err error, password string) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, pdfcpu.ErrWrongPassword) && password == "":
		return fmt.Errorf("%w: %w", ErrPasswordRequired, err)
	case errors.Is(err, pdfcpu.ErrWrongPassword):
		return fmt.Errorf("%w: %w", ErrWrongPassword, err)
	case errors.Is(err, pdfcpu.ErrUnsupportedEncryptionFeature):
		return fmt.Errorf("%w: %w", ErrUnsupportedEncryption, err)
	case errors.Is(err, filter.ErrDecodeLimitExceeded):
		return &SizeLimitError{Resource: ResourceDecodedBytes, Got: maxPDFCPUStreamDecode + 1, Max: maxPDFCPUStreamDecode}
	default:
		return fmt.Errorf("%w: %w", ErrDamaged, err)
	}
}

// countStreams measures every stream pdfcpu loaded, after decryption and with
// filters resolved as pdfcpu resolved them, against
// Limits.MaxDecompressedBytes. It runs before validation, which is the first
// thing that decodes object streams of an encrypted file in full. In a file
// without encryption, a stream whose data starts where prescan measured one
// holds the same bytes, so prescan's size is used instead of decoding again.
func countStreams(doc *model.Context, dec *decoder, lim Limits, sizes map[int64]int64) error {
	encrypted := doc.Encrypt != nil
	var total int64
	i := 0
	for _, e := range doc.Table {
		if i++; i%1024 == 0 {
			if err := dec.ctx.Err(); err != nil {
				return err
			}
		}
		if e == nil || e.Free {
			continue
		}
		var sd *types.StreamDict
		switch o := e.Object.(type) {
		case types.StreamDict:
			sd = &o
		case types.ObjectStreamDict:
			sd = &o.StreamDict
		case types.XRefStreamDict:
			sd = &o.StreamDict
		default:
			continue
		}
		var n int64
		if m, ok := sizes[sd.StreamOffset]; ok && !encrypted {
			n = m
		} else if sd.Content != nil {
			n = int64(len(sd.Content))
		} else {
			var err error
			if n, err = dec.count(sd.Raw, pipeline(sd), lim.MaxDecompressedBytes-total); err != nil {
				return err
			}
		}
		total += n
		if total > lim.MaxDecompressedBytes {
			return &SizeLimitError{Resource: ResourceDecodedBytes, Got: total, Max: lim.MaxDecompressedBytes}
		}
	}
	return nil
}

// pipeline converts pdfcpu's resolved filter pipeline.
func pipeline(sd *types.StreamDict) []filterSpec {
	specs := make([]filterSpec, 0, len(sd.FilterPipeline))
	for _, f := range sd.FilterPipeline {
		fs := filterSpec{name: f.Name}
		if f.DecodeParms != nil {
			fs.parms = map[string]int64{}
			for _, k := range []string{"Predictor", "Colors", "BitsPerComponent", "Columns", "EarlyChange"} {
				if v := f.DecodeParms.IntEntry(k); v != nil {
					fs.parms[k] = int64(*v)
				}
			}
		}
		specs = append(specs, fs)
	}
	return specs
}

// writeCopy writes the working copy, without encryption, to out. pdfcpu
// writes into memory first, so that a document it cannot write is told
// apart (ErrDamaged) from a disk that cannot take it.
func writeCopy(doc *model.Context, out string, encrypted bool) (err error) {
	if encrypted {
		// pdfcpu drops the encryption key (and with it /Encrypt) when
		// writing for DECRYPT.
		doc.Cmd = model.DECRYPT
	}
	var buf bytes.Buffer
	if err := writePDF(doc, &buf); err != nil {
		return fmt.Errorf("write working copy: %w: %w", ErrDamaged, err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o600); err != nil {
		_ = os.Remove(out)
		return fmt.Errorf("write working copy: %w", err)
	}
	return nil
}

func writePDF(doc *model.Context, w *bytes.Buffer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pdfcpu panic: %v", r)
		}
	}()
	return writeContext(doc, w)
}

// writeContext writes doc to w, as pdfcpu's api.WriteContext does. The api
// package is not used: linking it pulls in a dependency whose start-up
// tables cost every run of the binary about 100 ms, which matters for the
// command-line tools.
func writeContext(doc *model.Context, w io.Writer) error {
	doc.Write.Writer = bufio.NewWriter(w)
	err := pdfcpu.WriteContext(doc)
	return errors.Join(err, doc.Write.Flush())
}
