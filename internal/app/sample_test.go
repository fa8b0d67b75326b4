package app_test

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/user"
)

var update = flag.Bool("update", false, "rewrite testdata/sample-report.pdf")

// TestSampleReport keeps the README walkthrough's sample file honest: it is
// generated here (with -update) and must ingest to ready.
func TestSampleReport(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "sample-report.pdf")
	if *update {
		if err := os.WriteFile(path, ingesttest.TextPDF(t, 3), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (regenerate with: go test ./internal/app -run TestSampleReport -update)", err)
	}
	env := apptest.Start(t, apptest.Embedded, apptest.Options{})
	sw := env.User("sam", user.SocialWorker)
	r := sw.Upload(sw.NewCase("LA-2026-0042", "child_in_need"), "sample-report.pdf", data, apptest.Receipt())
	if r.Status != http.StatusAccepted {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	if got := sw.WaitDocument(r.Map(t)["id"].(string), wait); got["state"] != "ready" || got["pages"].(float64) != 3 {
		t.Fatalf("%v", got)
	}
}
