package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/config"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/user"
)

func TestMain(m *testing.M) {
	api.DisableConfigDir()
	if os.Getenv("RG_TEST_RUN_WORKER") == "1" {
		workerMain()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func newStderrLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

const wait = 2 * time.Minute // hang guard for asynchronous ingest, not a speed target

func TestUploadToReady(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		env := apptest.Start(t, mode, apptest.Options{})
		sw := env.User("sam", user.SocialWorker)
		caseID := sw.NewCase("LA-0001", "child_in_need")
		pdf := ingesttest.TextPDF(t, 3)
		r := sw.Upload(caseID, "police report.pdf", pdf, apptest.Receipt())
		if r.Status != http.StatusAccepted {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		doc := r.Map(t)
		id := doc["id"].(string)
		if doc["state"] != "received" || r.Header.Get("Location") != "/api/v1/documents/"+id {
			t.Fatalf("upload answer: %v (Location %q)", doc, r.Header.Get("Location"))
		}
		if rc := doc["receipt"].(map[string]any); rc["author_organisation"] != "Example Constabulary" || rc["password"] != nil {
			t.Fatalf("receipt = %v", rc)
		}
		got := sw.WaitDocument(id, wait)
		if got["state"] != "ready" || got["pages"].(float64) != 3 || len(got["text_pages"].([]any)) != 3 || got["pdf_version"] == "" {
			t.Fatalf("after ingest: %v", got)
		}
		f := sw.Do(http.MethodGet, "/api/v1/documents/"+id+"/file", nil)
		if f.Status != http.StatusOK || !bytes.Equal(f.Body, pdf) || f.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("original: %d, %d bytes, %q", f.Status, len(f.Body), f.Header.Get("Content-Type"))
		}
		w := sw.Do(http.MethodGet, "/api/v1/documents/"+id+"/file?version=working", nil)
		if w.Status != http.StatusOK || !bytes.HasPrefix(w.Body, []byte("%PDF-")) {
			t.Fatalf("working copy: %d %.40q", w.Status, w.Body)
		}
		es, err := env.App.Audit.List(context.Background(), audit.Filter{DocumentID: id})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range es {
			count[e.Action]++
		}
		if count["document.upload"] != 1 || count["document.ready"] != 1 || count["document.download"] != 2 || count["document.view"] == 0 {
			t.Fatalf("audit actions = %v", count)
		}
		if _, brk, err := env.App.Audit.Verify(context.Background()); err != nil || brk != nil {
			t.Fatalf("audit verify: %v %v", brk, err)
		}
	})
}

func TestScansBecomePDFs(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		env := apptest.Start(t, mode, apptest.Options{})
		sw := env.User("sam", user.SocialWorker)
		caseID := sw.NewCase("LA-0002", "none")
		for _, tc := range []struct {
			name string
			data []byte
			mt   string
		}{{"scan.png", ingesttest.PNG(t), "image/png"}, {"scan.jpg", ingesttest.JPEG(t), "image/jpeg"}, {"scan.tif", ingesttest.TIFF(t), "image/tiff"}} {
			r := sw.Upload(caseID, tc.name, tc.data, apptest.Receipt())
			if r.Status != http.StatusAccepted {
				t.Fatalf("%s: %d %s", tc.name, r.Status, r.Body)
			}
			got := sw.WaitDocument(r.Map(t)["id"].(string), wait)
			if got["state"] != "ready" || got["from_image"] != true || got["media_type"] != tc.mt || len(got["image_pages"].([]any)) == 0 {
				t.Errorf("%s: %v", tc.name, got)
			}
		}
	})
}

// TestBadInput: every bad file gets a clear outcome, nothing panics and
// nothing is left in storage that no record names.
func TestBadInput(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		env := apptest.Start(t, mode, apptest.Options{})
		sw := env.User("sam", user.SocialWorker)
		caseID := sw.NewCase("LA-0003", "care_order")
		good := ingesttest.TextPDF(t, 2)
		pw := func(p string) map[string]any { r := apptest.Receipt(); r["password"] = p; return r }
		cases := []struct {
			name       string
			data       []byte
			receipt    map[string]any
			wantStatus int
			wantState  string
			wantReason string
		}{
			{"empty file", []byte{}, apptest.Receipt(), 422, "", "the file is empty"},
			{"truncated PDF", good[:len(good)/3], apptest.Receipt(), 202, "rejected", "damaged"},
			{"broken xref", ingesttest.BrokenXref(t), apptest.Receipt(), 202, "ready", ""},
			{"encrypted, no password", ingesttest.EncryptedPDF(t, "s3cret-pass"), apptest.Receipt(), 202, "rejected", "password-protected"},
			{"encrypted, wrong password", ingesttest.EncryptedPDF(t, "s3cret-pass"), pw("guess"), 202, "rejected", "password given does not open"},
			{"encrypted, right password", ingesttest.EncryptedPDF(t, "s3cret-pass"), pw("s3cret-pass"), 202, "ready", ""},
			{"password given for a plain PDF", good, pw("not-needed"), 202, "ready", ""},
			{"decompression bomb", ingesttest.Bomb(t), apptest.Receipt(), 202, "rejected", "expands to more than"},
			{"executable renamed .pdf", append([]byte("\x7fELF\x02\x01\x01\x00"), bytes.Repeat([]byte{0x90}, 4096)...), apptest.Receipt(), 415, "", "not a PDF or a scanned image"},
			{"metadata missing", good, nil, 400, "", `part is missing`},
			{"metadata incomplete", good, map[string]any{"author_name": "X"}, 422, "", "author_role is required"},
			{"future receipt date", good, func() map[string]any { r := apptest.Receipt(); r["date_received"] = "2099-01-01"; return r }(), 422, "", "cannot be in the future"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				r := sw.Upload(caseID, "report.pdf", tc.data, tc.receipt)
				if r.Status != tc.wantStatus {
					t.Fatalf("status %d, want %d: %s", r.Status, tc.wantStatus, r.Body)
				}
				if tc.wantStatus != http.StatusAccepted {
					if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" || !strings.Contains(string(r.Body), tc.wantReason) {
						t.Fatalf("problem %q: %s", ct, r.Body)
					}
					return
				}
				got := sw.WaitDocument(r.Map(t)["id"].(string), wait)
				if got["state"] != tc.wantState {
					t.Fatalf("state %v, want %s: %v", got["state"], tc.wantState, got)
				}
				if reason, _ := got["reject_reason"].(string); !strings.Contains(reason, tc.wantReason) {
					t.Fatalf("reason %q, want it to say %q", reason, tc.wantReason)
				}
				if enc := bytes.Contains(tc.data, []byte("/Encrypt")); tc.wantState == "ready" && got["encrypted"] != enc {
					t.Fatalf("encrypted = %v, want %v", got["encrypted"], enc)
				}
			})
		}
		assertNoOrphans(t, env)
	})
}

func TestUploadTooLarge(t *testing.T) {
	env := apptest.Start(t, apptest.Embedded, apptest.Options{Config: func(c *config.Config) { c.MaxUploadMB = 1 }})
	sw := env.User("sam", user.SocialWorker)
	caseID := sw.NewCase("LA-0006", "none")
	r := sw.Upload(caseID, "big.pdf", bytes.Repeat([]byte("%PDF-1.7\n"), 300_000), apptest.Receipt())
	if r.Status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.Body), "larger than the 1 MB allowed") {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	ds, err := env.App.Docs.ListByCase(context.Background(), caseID)
	if err != nil || len(ds) != 0 {
		t.Fatalf("documents after refused upload: %v %v", ds, err)
	}
	assertNoOrphans(t, env)
}

func TestThousandPages(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		env := apptest.Start(t, mode, apptest.Options{})
		sw := env.User("sam", user.SocialWorker)
		caseID := sw.NewCase("LA-0004", "none")
		r := sw.Upload(caseID, "bundle.pdf", ingesttest.TextPDF(t, 1000), apptest.Receipt())
		if r.Status != http.StatusAccepted {
			t.Fatalf("upload: %d %s", r.Status, r.Body)
		}
		got := sw.WaitDocument(r.Map(t)["id"].(string), wait)
		if got["state"] != "ready" || got["pages"].(float64) != 1000 {
			t.Fatalf("%v", got)
		}
	})
	t.Run("over the page limit", func(t *testing.T) {
		env := apptest.Start(t, apptest.Embedded, apptest.Options{Config: func(c *config.Config) { c.MaxPages = 500 }})
		sw := env.User("sam", user.SocialWorker)
		r := sw.Upload(sw.NewCase("LA-0005", "none"), "bundle.pdf", ingesttest.TextPDF(t, 1000), apptest.Receipt())
		got := sw.WaitDocument(r.Map(t)["id"].(string), wait)
		if got["state"] != "rejected" || !strings.Contains(got["reject_reason"].(string), "1,000 pages") {
			t.Fatalf("%v", got)
		}
	})
}

// assertNoOrphans checks that every stored object is named by a record.
func assertNoOrphans(t *testing.T, env *apptest.Env) {
	t.Helper()
	ctx := context.Background()
	err := env.App.Blobs.Walk(ctx, func(info blob.Info) error {
		var n int
		if err := env.App.DB.QueryRow(ctx, `SELECT COUNT(*) FROM blobs WHERE blob_key = ?`, string(info.Key)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			t.Errorf("orphan object %s (%d bytes)", info.Key, info.Size)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
