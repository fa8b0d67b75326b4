package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/config"
	"github.com/releasegate/releasegate/internal/user"
)

// TestReleaseDelivery follows a release after it is made: the worker
// stamps the approved version for the recipient, whose link (no account)
// downloads it, every use audited; a new link retires the old one and an
// expired link is refused; the family's letter is rendered; the case
// record entry, the status list (JSON and CSV) and the team summary show
// it. Each on embedded and on real backends.
func TestReleaseDelivery(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		e := newReleaseEnv(t, mode)
		caseID, doc := e.document("child_in_need")
		if r := e.consent(doc, map[string]any{"granted": []string{"family"}}); r.Status != http.StatusCreated {
			t.Fatalf("consent: %d %s", r.Status, r.Body)
		}
		set := e.approve(e.setFor(doc, "family", "Alfie Thompson"))
		body := releaseBody("family")
		body["family_name"] = "Ms Parent"
		r := e.release(e.sw, doc, body)
		if r.Status != http.StatusCreated {
			t.Fatalf("release: %d %s", r.Status, r.Body)
		}
		var rel struct {
			ID, Reference string
			Download      struct{ URL string }
			Delivery      struct{ State string }
		}
		r.JSON(t, &rel)
		if !strings.HasPrefix(rel.Download.URL, "/download/v1/") || rel.Delivery.State != "pending" {
			t.Fatalf("release: %s", r.Body)
		}
		// Delivered by the worker.
		deadline := time.Now().Add(wait)
		var got map[string]any
		for {
			got = e.sw.Do(http.MethodGet, "/api/v1/releases/"+rel.ID, nil).Map(t)
			d, _ := got["delivery"].(map[string]any)
			if d["state"] == "delivered" && d["family_letter"] == true {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not delivered after %s: %v", wait, got)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if _, ok := got["download"]; ok {
			t.Error("the download link is shown again after the release was made")
		}

		// The recipient's link: the stamped file, without the name.
		anon := e.env.Anonymous()
		f := anon.Do(http.MethodGet, rel.Download.URL, nil)
		if f.Status != http.StatusOK || !bytes.HasPrefix(f.Body, []byte("%PDF-")) {
			t.Fatalf("download: %d %.200s", f.Status, f.Body)
		}
		if text, ok := pdfText(t, f.Body); ok {
			if !strings.Contains(text, rel.Reference) || !strings.Contains(text, "Ms A Parent") || strings.Contains(text, "Thompson") {
				t.Errorf("stamped file: reference %v, recipient %v, the name left %v\n%s", strings.Contains(text, rel.Reference),
					strings.Contains(text, "Ms A Parent"), strings.Contains(text, "Thompson"), text)
			}
		}
		if f := anon.Do(http.MethodGet, "/download/v1/not-a-token", nil); f.Status != http.StatusNotFound {
			t.Errorf("unknown token: %d", f.Status)
		}
		// A new link retires the old one.
		nl := e.sw.Do(http.MethodPost, "/api/v1/releases/"+rel.ID+"/link", nil)
		if nl.Status != http.StatusCreated {
			t.Fatalf("new link: %d %s", nl.Status, nl.Body)
		}
		newURL := nl.Map(t)["download"].(map[string]any)["url"].(string)
		if f := anon.Do(http.MethodGet, rel.Download.URL, nil); f.Status != http.StatusNotFound {
			t.Errorf("old link after a new one: %d", f.Status)
		}
		if f := anon.Do(http.MethodGet, newURL, nil); f.Status != http.StatusOK {
			t.Errorf("new link: %d", f.Status)
		}
		// Fifteen days on, the link has expired.
		e.env.App.Releases.SetClock(func() time.Time { return time.Now().Add(15 * 24 * time.Hour) })
		f = anon.Do(http.MethodGet, newURL, nil)
		e.env.App.Releases.SetClock(time.Now)
		if f.Status != http.StatusGone {
			t.Errorf("expired link: %d %s", f.Status, f.Body)
		}
		// Every use is in the audit log: two downloads, one refusal.
		audit := e.mgr.Do(http.MethodGet, "/api/v1/audit?document="+doc, nil)
		if n := bytes.Count(audit.Body, []byte(`"release.download"`)); n != 3 {
			t.Errorf("audit: %d release.download rows, want 3 (2 downloads, 1 refused)", n)
		}
		if bytes.Contains(audit.Body, []byte(strings.TrimPrefix(newURL, "/download/v1/"))) {
			t.Error("the audit log holds a download token")
		}

		// Only the allocated may see the release, the file and the letter.
		if r := e.other.Do(http.MethodGet, "/api/v1/releases/"+rel.ID+"/file", nil); r.Status != http.StatusForbidden {
			t.Errorf("not allocated, stamped file: %d", r.Status)
		}
		if r := e.sw.Do(http.MethodGet, "/api/v1/releases/"+rel.ID+"/family-letter", nil); r.Status != http.StatusOK || !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
			t.Errorf("family letter: %d", r.Status)
		} else if text, ok := pdfText(t, r.Body); ok && (!strings.Contains(text, "Ms Parent") || strings.Contains(text, "Thompson")) {
			t.Errorf("family letter text:\n%s", text)
		}

		// The case record.
		cr := e.sw.Do(http.MethodGet, "/api/v1/releases/"+rel.ID+"/case-record", nil)
		for _, want := range []string{rel.Reference, "Ms A Parent", "Mother", "child protection conference", "6(1)(e) public task", "Family informed: yes"} {
			if !strings.Contains(string(cr.Body), want) {
				t.Errorf("case record entry lacks %q:\n%s", want, cr.Body)
			}
		}
		feed := e.sw.Do(http.MethodGet, "/api/v1/cases/"+caseID+"/case-record", nil)
		var fd struct {
			Entries []struct{ Reference, Text string }
		}
		feed.JSON(t, &fd)
		if len(fd.Entries) != 1 || fd.Entries[0].Reference != rel.Reference || fd.Entries[0].Text != string(cr.Body) {
			t.Errorf("case record feed: %s", feed.Body)
		}

		// Reading a release and its case record is audited, as every view is.
		audit = e.mgr.Do(http.MethodGet, "/api/v1/audit?document="+doc, nil)
		if !bytes.Contains(audit.Body, []byte(`"release.view"`)) || !bytes.Contains(audit.Body, []byte(`"release.case_record"`)) {
			t.Error("viewing the release or its case record left no audit row")
		}

		// Status: the social worker sees it, the one not allocated does not.
		var list struct{ Releases []struct{ Reference string } }
		e.sw.Do(http.MethodGet, "/api/v1/releases", nil).JSON(t, &list)
		if !hasRef(list.Releases, rel.Reference) {
			t.Errorf("status list of the allocated social worker lacks %s", rel.Reference)
		}
		list.Releases = nil
		e.other.Do(http.MethodGet, "/api/v1/releases", nil).JSON(t, &list)
		if hasRef(list.Releases, rel.Reference) {
			t.Errorf("status list of a social worker not allocated shows %s", rel.Reference)
		}
		c := e.mgr.Do(http.MethodGet, "/api/v1/releases?format=csv&status=delivered", nil)
		rows, err := csv.NewReader(bytes.NewReader(c.Body)).ReadAll()
		if err != nil || len(rows) < 2 || rows[0][0] != "reference" {
			t.Fatalf("csv: %v %s", err, c.Body)
		}
		found := false
		for _, row := range rows[1:] {
			found = found || row[0] == rel.Reference
		}
		if !found {
			t.Errorf("csv lacks %s", rel.Reference)
		}
		if r := e.law.Do(http.MethodGet, "/api/v1/releases", nil); r.Status != http.StatusForbidden {
			t.Errorf("Legal Services, status list: %d", r.Status)
		}
		var sum struct {
			ReleasesThisMonth int `json:"releases_this_month"`
			Stages            []struct {
				Stage string
				Count int
			}
		}
		e.mgr.Do(http.MethodGet, "/api/v1/releases/summary", nil).JSON(t, &sum)
		released := 0
		for _, st := range sum.Stages {
			if st.Stage == "released" {
				released = st.Count
			}
		}
		if sum.ReleasesThisMonth < 1 || released < 1 {
			t.Errorf("summary: %+v", sum)
		}
		if r := e.sw.Do(http.MethodGet, "/api/v1/releases/summary", nil); r.Status != http.StatusForbidden {
			t.Errorf("social worker, summary: %d", r.Status)
		}
		// A refusal says why, in words the caller can act on.
		if r := e.mgr.Do(http.MethodGet, "/api/v1/releases/summary?team=south", nil); r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "own team") {
			t.Errorf("manager, another team's summary: %d %s", r.Status, r.Body)
		}
		if r := e.sw.Do(http.MethodPost, "/api/v1/redactions/"+set["id"].(string)+"/approve", map[string]any{"sha256": set["version_sha256"]}); r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "team manager") {
			t.Errorf("social worker approving: %d %s", r.Status, r.Body)
		}

		// Delivery is done once: running it again changes nothing.
		if err := e.env.App.Releases.Deliver(t.Context(), rel.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.env.App.Releases.NotifyFamily(t.Context(), rel.ID); err != nil {
			t.Fatal(err)
		}
		audit = e.mgr.Do(http.MethodGet, "/api/v1/audit?document="+doc, nil)
		if n, m := bytes.Count(audit.Body, []byte(`"release.deliver"`)), bytes.Count(audit.Body, []byte(`"family.notify"`)); n != 1 || m != 1 {
			t.Errorf("audit: %d deliveries, %d family letters, want one each", n, m)
		}
	})
}

func hasRef(rs []struct{ Reference string }, ref string) bool {
	for _, r := range rs {
		if r.Reference == ref {
			return true
		}
	}
	return false
}

// pdfText runs poppler's pdftotext, when installed (make test installs it).
func pdfText(t *testing.T, pdf []byte) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatal("pdftotext is required (make test installs it)")
		}
		return "", false
	}
	p := filepath.Join(t.TempDir(), "f.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out), true
}

// TestReleaseIdempotencyKey: a client that retries a release with the
// same Idempotency-Key (its answer was lost) gets the release already
// made, with a new link, never a second release, even when the retries
// race; the key used for another request is refused.
func TestReleaseIdempotencyKey(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		e := newReleaseEnv(t, mode)
		_, doc := e.document("child_in_need")
		if r := e.consent(doc, map[string]any{"granted": []string{"family"}}); r.Status != http.StatusCreated {
			t.Fatalf("consent: %d %s", r.Status, r.Body)
		}
		e.approve(e.setFor(doc, "family", "Alfie Thompson"))
		path := "/api/v1/documents/" + doc + "/releases"
		key := http.Header{"Idempotency-Key": {"release-7f3a"}}
		first := e.sw.DoWith(http.MethodPost, path, releaseBody("family"), key)
		if first.Status != http.StatusCreated {
			t.Fatalf("release: %d %s", first.Status, first.Body)
		}
		again := e.sw.DoWith(http.MethodPost, path, releaseBody("family"), key)
		a, b := first.Map(t), again.Map(t)
		if again.Status != http.StatusOK || again.Header.Get("Idempotent-Replayed") != "true" || a["id"] != b["id"] || a["reference"] != b["reference"] {
			t.Fatalf("retry: %d %s", again.Status, again.Body)
		}
		oldURL, newURL := a["download"].(map[string]any)["url"].(string), b["download"].(map[string]any)["url"].(string)
		if oldURL == newURL {
			t.Error("the retry gave the same link")
		}
		other := releaseBody("family")
		other["purpose"] = "a different purpose"
		if r := e.sw.DoWith(http.MethodPost, path, other, key); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("the key reused for another request: %d %s", r.Status, r.Body)
		}
		// Retries racing with a fresh key: one release.
		race := http.Header{"Idempotency-Key": {"release-race"}}
		var wg sync.WaitGroup
		codes := make([]int, 4)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				codes[i] = e.sw.DoWith(http.MethodPost, path, releaseBody("family"), race).Status
			}()
		}
		wg.Wait()
		created := 0
		for _, c := range codes {
			switch c {
			case http.StatusCreated:
				created++
			case http.StatusOK:
			default:
				t.Errorf("racing retry: %d", c)
			}
		}
		rs, err := e.env.App.Releases.Releases(context.Background(), doc)
		if err != nil {
			t.Fatal(err)
		}
		if created != 1 || len(rs) != 2 {
			t.Errorf("%d created by the racing retries, %d releases of the document; want 1 and 2", created, len(rs))
		}
		// Without a key, a second request is a second release.
		if r := e.sw.Do(http.MethodPost, path, releaseBody("family")); r.Status != http.StatusCreated {
			t.Errorf("without a key: %d", r.Status)
		}
	})
}

// TestPublicRoutesRateLimited: a client address gets RG_PUBLIC_RATE_PER_MIN
// requests a minute to the routes that need no account (a guessed
// download or author token, a guessed password), then 429 with
// Retry-After; the API behind an account is not limited by it.
func TestPublicRoutesRateLimited(t *testing.T) {
	env := apptest.Start(t, apptest.Embedded, apptest.Options{Config: func(c *config.Config) { c.PublicPerMinute = 5 }})
	anon := env.Anonymous()
	sw := env.User("sam", user.SocialWorker)
	paths := []string{"/download/v1/guess-1", "/author/v1/guess-2", "/download/v1/guess-3", "/author/v1/guess-4", "/download/v1/guess-5"}
	for _, p := range paths {
		if r := anon.Do(http.MethodGet, p, nil); r.Status != http.StatusNotFound {
			t.Fatalf("%s within the allowance: %d", p, r.Status)
		}
	}
	r := anon.Do(http.MethodGet, "/download/v1/guess-6", nil)
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("past the allowance: %d %v", r.Status, r.Header)
	}
	if r := anon.Do(http.MethodPost, "/api/v1/session", map[string]any{"username": "sam", "password": "guess"}); r.Status != http.StatusTooManyRequests {
		t.Errorf("sign-in past the allowance: %d", r.Status)
	}
	for range 10 {
		if r := sw.Do(http.MethodGet, "/api/v1/me", nil); r.Status != http.StatusOK {
			t.Fatalf("the API behind an account: %d", r.Status)
		}
	}
}
