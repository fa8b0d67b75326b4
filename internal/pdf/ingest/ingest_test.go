package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
)

func TestMain(m *testing.M) {
	api.DisableConfigDir()
	os.Exit(m.Run())
}

// setup writes data to a fresh directory and returns the input path and
// where the working copy goes.
func setup(t testing.TB, data []byte) (in, out string) {
	t.Helper()
	dir := t.TempDir()
	in = filepath.Join(dir, "upload.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return in, filepath.Join(dir, "working.pdf")
}

func pageRange(from, to int) []int {
	var p []int
	for i := from; i <= to; i++ {
		p = append(p, i)
	}
	return p
}

// elf and pe are the first bytes of executables, padded as real ones are.
func elf() []byte {
	b := make([]byte, 4096)
	copy(b, "\x7fELF\x02\x01\x01\x00")
	copy(b[2000:], "%PDF-1.7") // too far in to count as a PDF header
	return b
}

func pe() []byte {
	b := make([]byte, 4096)
	copy(b, "MZ\x90\x00\x03\x00\x00\x00")
	copy(b[0x80:], "PE\x00\x00")
	return b
}

// missingContent returns TextPDF(t, 3) with page 2's content reference
// pointing at an object that is not in the file.
func missingContent(t testing.TB) []byte {
	b := ingesttest.TextPDF(t, 3)
	old := []byte("/Contents 8 0 R")
	if !bytes.Contains(b, old) {
		t.Fatal("fixture changed: no /Contents 8 0 R")
	}
	return bytes.Replace(b, old, []byte("/Contents 98 0 R"), 1)
}

// encryptedBomb encrypts Bomb, so the bomb is ciphertext until pdfcpu has
// decrypted it: prescan cannot see it and countStreams must.
func encryptedBomb(t testing.TB) []byte {
	t.Helper()
	conf := model.NewAESConfiguration("pw", "owner", 256)
	conf.Optimize = false // optimising would decode the bomb
	var out bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(ingesttest.Bomb(t)), &out, conf); err != nil {
		t.Fatalf("encrypt bomb: %v", err)
	}
	return out.Bytes()
}

func TestInspect(t *testing.T) {
	t.Parallel()
	text3 := ingesttest.TextPDF(t, 3)
	tests := []struct {
		name     string
		data     func(t testing.TB) []byte
		password string
		lim      Limits
		wantErr  error
		check    func(t *testing.T, info Info, err error)
	}{
		{
			name: "text PDF of 20 pages",
			data: func(t testing.TB) []byte { return ingesttest.TextPDF(t, 20) },
			check: func(t *testing.T, info Info, _ error) {
				if info.Pages != 20 || info.Version != "1.7" || info.Encrypted || info.FromImage {
					t.Errorf("info = %+v", info)
				}
				if !slices.Equal(info.TextPages, pageRange(1, 20)) || len(info.ImagePages) != 0 {
					t.Errorf("text pages %v, image pages %v", info.TextPages, info.ImagePages)
				}
				if info.Producer != "ingesttest" || info.Creator != "releasegate tests" {
					t.Errorf("producer %q, creator %q", info.Producer, info.Creator)
				}
			},
		},
		{
			name: "text, image XObject, inline image and forms",
			data: ingesttest.MixedPDF,
			check: func(t *testing.T, info Info, _ error) {
				if info.Pages != 7 || !slices.Equal(info.TextPages, []int{1, 4}) || !slices.Equal(info.ImagePages, []int{2, 3, 6, 7}) {
					t.Errorf("pages %d, text %v, image-only %v; want 7, [1 4], [2 3 6 7]", info.Pages, info.TextPages, info.ImagePages)
				}
			},
		},
		{
			name: "header after 1000 bytes of junk",
			data: func(t testing.TB) []byte {
				return append(bytes.Repeat([]byte("x"), 1000), ingesttest.TextPDF(t, 2)...)
			},
			check: func(t *testing.T, info Info, _ error) {
				if info.Pages != 2 {
					t.Errorf("pages = %d, want 2", info.Pages)
				}
			},
		},
		{
			name:    "encrypted, no password",
			data:    func(t testing.TB) []byte { return ingesttest.EncryptedPDF(t, "s3cret") },
			wantErr: ErrPasswordRequired,
		},
		{
			name:     "encrypted, wrong password",
			data:     func(t testing.TB) []byte { return ingesttest.EncryptedPDF(t, "s3cret") },
			password: "guess",
			wantErr:  ErrWrongPassword,
		},
		{
			name:     "encrypted, user password",
			data:     func(t testing.TB) []byte { return ingesttest.EncryptedPDF(t, "s3cret") },
			password: "s3cret",
			check: func(t *testing.T, info Info, _ error) {
				if !info.Encrypted || info.Pages != 3 || len(info.TextPages) != 3 {
					t.Errorf("info = %+v", info)
				}
			},
		},
		{
			name:     "encrypted, owner password",
			data:     func(t testing.TB) []byte { return ingesttest.EncryptedPDF(t, "s3cret") },
			password: ingesttest.OwnerPassword("s3cret"),
			check: func(t *testing.T, info Info, _ error) {
				if !info.Encrypted || info.Pages != 3 {
					t.Errorf("info = %+v", info)
				}
			},
		},
		{
			name: "encrypted with an owner password only opens without one",
			data: func(t testing.TB) []byte { return ingesttest.EncryptedPDF(t, "") },
			check: func(t *testing.T, info Info, _ error) {
				if !info.Encrypted || info.Pages != 3 {
					t.Errorf("info = %+v", info)
				}
			},
		},
		{
			name:     "encrypted with an owner password only, any password given",
			data:     func(t testing.TB) []byte { return ingesttest.EncryptedPDF(t, "") },
			password: "mistyped",
			check: func(t *testing.T, info Info, _ error) {
				if !info.Encrypted || info.Pages != 3 {
					t.Errorf("info = %+v", info)
				}
			},
		},
		{
			name:    "empty file",
			data:    func(testing.TB) []byte { return nil },
			wantErr: ErrDamaged,
		},
		{
			name:    "truncated to half",
			data:    func(testing.TB) []byte { return text3[:len(text3)/2] },
			wantErr: ErrDamaged,
		},
		{
			name:    "truncated inside the trailer",
			data:    func(testing.TB) []byte { return text3[:len(text3)-20] },
			wantErr: ErrDamaged,
		},
		{
			name:    "page content missing from the file",
			data:    missingContent,
			wantErr: ErrDamaged,
		},
		{
			name: "broken xref is rebuilt from the objects",
			data: ingesttest.BrokenXref,
			check: func(t *testing.T, info Info, _ error) {
				if info.Pages != 3 || !slices.Equal(info.TextPages, []int{1, 2, 3}) {
					t.Errorf("info = %+v", info)
				}
			},
		},
		{
			name: "header then garbage",
			data: func(testing.TB) []byte {
				return []byte("%PDF-1.7\n" + strings.Repeat("\x00\xffgarbage", 200) + "\n%%EOF\n")
			},
			wantErr: ErrDamaged,
		},
		{
			name:    "header only",
			data:    func(testing.TB) []byte { return []byte("%PDF-1.4\n%%EOF\n") },
			wantErr: ErrDamaged,
		},
		{
			name:    "ELF executable renamed .pdf",
			data:    func(testing.TB) []byte { return elf() },
			wantErr: ErrUnsupported,
		},
		{
			name:    "PE executable renamed .pdf",
			data:    func(testing.TB) []byte { return pe() },
			wantErr: ErrUnsupported,
		},
		{
			name:    "PNG is not a PDF",
			data:    ingesttest.PNG,
			wantErr: ErrUnsupported,
		},
		{
			name:    "bomb in a content stream",
			data:    ingesttest.Bomb,
			wantErr: ErrTooLarge,
		},
		{
			name:    "bomb in an object stream",
			data:    ingesttest.BombObjectStream,
			wantErr: ErrTooLarge,
		},
		{
			name:    "bomb in a cross-reference stream",
			data:    ingesttest.BombXRefStream,
			wantErr: ErrTooLarge,
		},
		{
			name:    "bomb whose filter is an indirect object",
			data:    func(t testing.TB) []byte { return flateBomb(t, 8, true) },
			lim:     Limits{MaxDecompressedBytes: 4 << 20},
			wantErr: ErrTooLarge,
		},
		{
			name: "same file under the limit",
			data: func(t testing.TB) []byte { return flateBomb(t, 8, true) },
			lim:  Limits{MaxDecompressedBytes: 16 << 20},
			check: func(t *testing.T, info Info, _ error) {
				if info.Pages != 1 || len(info.TextPages)+len(info.ImagePages) != 0 {
					t.Errorf("info = %+v", info)
				}
			},
		},
		{
			name:     "bomb in an encrypted content stream",
			data:     encryptedBomb,
			password: "pw",
			wantErr:  ErrTooLarge,
		},
		{
			name: "1000 pages",
			data: func(t testing.TB) []byte { return ingesttest.TextPDF(t, 1000) },
			check: func(t *testing.T, info Info, _ error) {
				if info.Pages != 1000 || len(info.TextPages) != 1000 {
					t.Errorf("pages %d, text pages %d", info.Pages, len(info.TextPages))
				}
			},
		},
		{
			name:    "1000 pages, 500 allowed",
			data:    func(t testing.TB) []byte { return ingesttest.TextPDF(t, 1000) },
			lim:     Limits{MaxPages: 500},
			wantErr: ErrTooManyPages,
			check: func(t *testing.T, _ Info, err error) {
				var pl *PageLimitError
				if !errors.As(err, &pl) || pl.Pages != 1000 || pl.Max != 500 {
					t.Errorf("error %v, want a PageLimitError for 1000 of 500", err)
				}
			},
		},
		{
			name:    "more objects than allowed",
			data:    func(t testing.TB) []byte { return ingesttest.TextPDF(t, 20) },
			lim:     Limits{MaxObjects: 30},
			wantErr: ErrTooLarge,
			check: func(t *testing.T, _ Info, err error) {
				var sl *SizeLimitError
				if !errors.As(err, &sl) || sl.Resource != ResourceObjects || sl.Max != 30 {
					t.Errorf("error %v, want a SizeLimitError for objects", err)
				}
			},
		},
		{
			name:    "more decoded bytes than allowed",
			data:    func(t testing.TB) []byte { return ingesttest.TextPDF(t, 20) },
			lim:     Limits{MaxDecompressedBytes: 1000},
			wantErr: ErrTooLarge,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			data := tt.data(t)
			in, out := setup(t, data)
			info, err := Inspect(context.Background(), in, out, tt.password, tt.lim)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Inspect error = %v, want %v", err, tt.wantErr)
				}
				if _, serr := os.Stat(out); !errors.Is(serr, os.ErrNotExist) {
					t.Errorf("working copy written for a refused file (stat: %v)", serr)
				}
			} else if err != nil {
				t.Fatalf("Inspect error = %v", err)
			}
			if tt.check != nil {
				tt.check(t, info, err)
			}
			if got, _ := os.ReadFile(in); !bytes.Equal(got, data) {
				t.Error("the original was modified")
			}
		})
	}
}

// TestInspectWorkingCopy checks that the working copy of an encrypted PDF
// opens without a password, holds no encryption and says the same.
func TestInspectWorkingCopy(t *testing.T) {
	t.Parallel()
	const password = "correct horse"
	orig := ingesttest.EncryptedPDF(t, password)
	in, out := setup(t, orig)
	sum := sha256.Sum256(orig)

	first, err := Inspect(context.Background(), in, out, password, Limits{})
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	copyBytes, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(copyBytes, []byte("/Encrypt")) || bytes.Contains(copyBytes, []byte(password)) {
		t.Error("working copy still carries encryption or the password")
	}
	again, err := Inspect(context.Background(), out, filepath.Join(t.TempDir(), "again.pdf"), "", Limits{})
	if err != nil {
		t.Fatalf("Inspect working copy without password: %v", err)
	}
	if again.Encrypted || again.Pages != first.Pages || !slices.Equal(again.TextPages, first.TextPages) {
		t.Errorf("working copy: %+v; original: %+v", again, first)
	}
	if got, _ := os.ReadFile(in); sha256.Sum256(got) != sum {
		t.Error("the original was modified")
	}
}

func TestInspectRefusesToOverwriteInput(t *testing.T) {
	t.Parallel()
	in, _ := setup(t, ingesttest.TextPDF(t, 1))
	if _, err := Inspect(context.Background(), in, in, "", Limits{}); err == nil {
		t.Fatal("Inspect wrote its working copy over the original")
	}
}

// TestInspectBombMemory checks that bombs are refused without allocating
// anything near their size. TotalAlloc counts every allocation, freed or
// not, so it bounds the peak heap from above.
func TestInspectBombMemory(t *testing.T) {
	// Not parallel: other tests would allocate during the measurement.
	bombs := []struct {
		name     string
		data     func(testing.TB) []byte
		password string
	}{
		{"content stream", ingesttest.Bomb, ""},
		{"object stream", ingesttest.BombObjectStream, ""},
		{"cross-reference stream", ingesttest.BombXRefStream, ""},
		{"encrypted content stream", encryptedBomb, "pw"},
	}
	const budget = 64 << 20 // vs. bombs of 2.5 GiB
	for _, b := range bombs {
		t.Run(b.name, func(t *testing.T) {
			in, out := setup(t, b.data(t))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := Inspect(context.Background(), in, out, b.password, Limits{})
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Inspect error = %v, want ErrTooLarge", err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("allocated %d KiB in all; heap in use %d KiB; %v", alloc>>10, after.HeapInuse>>10, err)
			if alloc > budget {
				t.Errorf("allocated %d MiB refusing a bomb, want under %d MiB", alloc>>20, budget>>20)
			}
			want := "the file expands to more than 1 GiB when opened, which is more than allowed: " +
				"ask the author to send it again (it may be damaged or hostile)"
			if got := Reason(err); got != want {
				t.Errorf("Reason = %q, want %q", got, want)
			}
		})
	}
}

func TestInspectCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in, out := setup(t, ingesttest.Bomb(t))
	start := time.Now()
	_, err := Inspect(ctx, in, out, "", Limits{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Inspect error = %v, want context.Canceled", err)
	}
	t.Logf("returned after %v", time.Since(start))
}

// pngHeader returns a PNG that declares w×h pixels and holds none.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IEND", nil)
	return b.Bytes()
}

// loopedTIFF returns a two-frame TIFF whose last directory points back to
// the first.
func loopedTIFF(t testing.TB) []byte {
	b := ingesttest.TIFFPages(t, 2)
	copy(b[len(b)-4:], b[4:8])
	return b
}

func TestFromImage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		data      func(testing.TB) []byte
		lim       Limits
		wantPages int
		wantSize  [2]float64 // width and height of page 1 in points
		wantErr   error
	}{
		{name: "JPEG", data: ingesttest.JPEG, wantPages: 1, wantSize: [2]float64{120, 80}},
		{name: "PNG", data: ingesttest.PNG, wantPages: 1, wantSize: [2]float64{120, 80}},
		{name: "TIFF", data: ingesttest.TIFF, wantPages: 1, wantSize: [2]float64{100, 60}},
		{name: "TIFF of 4 frames", data: func(t testing.TB) []byte { return ingesttest.TIFFPages(t, 4) }, wantPages: 4, wantSize: [2]float64{100, 60}},
		{name: "TIFF of 4 frames, 3 pages allowed", data: func(t testing.TB) []byte { return ingesttest.TIFFPages(t, 4) }, lim: Limits{MaxPages: 3}, wantErr: ErrTooManyPages},
		{name: "TIFF whose frames loop", data: loopedTIFF, wantErr: ErrDamaged},
		{name: "PNG declaring 60000×60000 pixels", data: func(testing.TB) []byte { return pngHeader(60000, 60000) }, wantErr: ErrTooLarge},
		{name: "PNG decoding beyond the byte limit", data: ingesttest.PNG, lim: Limits{MaxDecompressedBytes: 1000}, wantErr: ErrTooLarge},
		{name: "PNG cut short", data: func(t testing.TB) []byte { b := ingesttest.PNG(t); return b[:len(b)/2] }, wantErr: ErrDamaged},
		{name: "PDF is not an image", data: func(t testing.TB) []byte { return ingesttest.TextPDF(t, 1) }, wantErr: ErrUnsupported},
		{name: "GIF is not accepted", data: func(testing.TB) []byte { return []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;") }, wantErr: ErrUnsupported},
		{name: "ELF", data: func(testing.TB) []byte { return elf() }, wantErr: ErrUnsupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, out := setup(t, tt.data(t))
			info, err := FromImage(context.Background(), in, out, tt.lim)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("FromImage error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromImage: %v", err)
			}
			if !info.FromImage || info.Pages != tt.wantPages || !slices.Equal(info.ImagePages, pageRange(1, tt.wantPages)) || len(info.TextPages) != 0 {
				t.Errorf("info = %+v, want %d image-only pages", info, tt.wantPages)
			}
			dims, err := api.PageDimsFile(out)
			if err != nil {
				t.Fatalf("read page sizes of the result: %v", err)
			}
			if len(dims) != tt.wantPages || dims[0].Width != tt.wantSize[0] || dims[0].Height != tt.wantSize[1] {
				t.Errorf("page sizes %v, want %d pages of %v", dims, tt.wantPages, tt.wantSize)
			}
		})
	}
}

func TestReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{ErrPasswordRequired, "this PDF is password-protected: upload it again with the password"},
		{ErrWrongPassword, "the password given does not open this PDF: check it with the author and upload again"},
		{ErrDamaged, "the file is damaged: ask the author to send it again"},
		{&PageLimitError{Pages: 2500, Max: 2000}, "the document has 2,500 pages, more than the 2,000 allowed: ask the author for it in parts"},
		{ErrTooManyPages, "the document has more pages than allowed: ask the author for it in parts"},
		{&SizeLimitError{Resource: ResourceDecodedBytes, Got: 2 << 30, Max: 1 << 30},
			"the file expands to more than 1 GiB when opened, which is more than allowed: ask the author to send it again (it may be damaged or hostile)"},
		{&SizeLimitError{Resource: ResourceDecodedBytes, Got: 1 << 30, Max: 768 << 20},
			"the file expands to more than 768 MiB when opened, which is more than allowed: ask the author to send it again (it may be damaged or hostile)"},
		{&SizeLimitError{Resource: ResourceObjects, Got: 3_000_000, Max: 2_000_000},
			"the file is built from more than 2,000,000 parts, which is more than allowed: ask the author to send it again (it may be damaged or hostile)"},
		{ErrUnsupported, "this file is not a PDF or a scanned image (JPEG, PNG or TIFF): ask the author for a PDF"},
		{context.Canceled, "checking the file was interrupted: it will be tried again"},
		{errors.New("disk full"), "the file could not be checked: try again, and ask for help if it keeps happening"},
	}
	for _, tt := range tests {
		wrapped := tt.err
		if wrapped != nil {
			wrapped = errors.Join(errors.New("context"), tt.err)
		}
		if got := Reason(wrapped); got != tt.want {
			t.Errorf("Reason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestLimitsDefaults(t *testing.T) {
	t.Parallel()
	if got := (Limits{}).withDefaults(); got != DefaultLimits() {
		t.Errorf("Limits{} = %+v, want %+v", got, DefaultLimits())
	}
	want := Limits{MaxPages: 2000, MaxDecompressedBytes: 1 << 30, MaxObjects: 2_000_000}
	if DefaultLimits() != want {
		t.Errorf("DefaultLimits() = %+v, want %+v", DefaultLimits(), want)
	}
}
