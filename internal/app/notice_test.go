package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/config"
	"github.com/releasegate/releasegate/internal/mail/mailtest"
	"github.com/releasegate/releasegate/worker"
)

// noticesIn lists the outbox as c sees it, keeping the messages of kind
// whose field (redaction_set_id, release_id) is id.
func noticesIn(t *testing.T, c *apptest.Client, kind, field, id string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range outboxAll(t, c) {
		if m["kind"] == kind && m[field] == id {
			out = append(out, m)
		}
	}
	return out
}

// outboxAll lists the whole outbox as c sees it.
func outboxAll(t *testing.T, c *apptest.Client) []map[string]any {
	t.Helper()
	r := c.Do(http.MethodGet, "/api/v1/outbox", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("outbox: %d %s", r.Status, r.Body)
	}
	var v struct {
		Messages []map[string]any `json:"messages"`
	}
	r.JSON(t, &v)
	return v.Messages
}

// waitNotice polls c's outbox until a notice of kind about id is there.
func waitNotice(t *testing.T, c *apptest.Client, kind, field, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		if ns := noticesIn(t, c, kind, field, id); len(ns) > 0 {
			if len(ns) > 1 {
				t.Fatalf("%d %s notices about %s: %v", len(ns), kind, id, ns)
			}
			return ns[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s notice about %s after %s", kind, id, wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// noticeRows counts the notices of kind about id in the records, sent or
// not.
func noticeRows(t *testing.T, env *apptest.Env, kind, column, id string) int {
	t.Helper()
	var n int
	if err := env.App.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM notices WHERE kind = ? AND `+column+` = ?`, kind, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// pdfSHA256 downloads path as c and returns the SHA-256 of the PDF.
func pdfSHA256(t *testing.T, c *apptest.Client, path string) string {
	t.Helper()
	r := c.Do(http.MethodGet, path, nil)
	if r.Status != http.StatusOK || !bytes.HasPrefix(r.Body, []byte("%PDF-")) {
		t.Fatalf("%s: %d %.60q", path, r.Status, r.Body)
	}
	sum := sha256.Sum256(r.Body)
	return hex.EncodeToString(sum[:])
}

// TestLegalRouteNotice: a redaction set waiting for Legal Services on a
// Care Order case puts one notice to them in the outbox (no SMTP server):
// approved by the manager on a Care Order case, applied on a case that
// became one afterwards, or found by the reconciler. Legal Services sees
// these notices and no other message; running the task or the reconciler
// again adds none.
func TestLegalRouteNotice(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		e := newAuthorEnv(t, mode, func(c *config.Config) { c.PublicURL = "https://rg.example.gov.uk" })
		ctx := context.Background()
		again := func(setID, sha string) {
			t.Helper()
			task, _, err := worker.NewLegalRouteTask(setID, sha)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := e.env.App.Worker.HandleLegalRoute(ctx, task); err != nil {
					t.Fatal(err)
				}
			}
			if err := e.env.App.Worker.HandleReconcile(ctx, asynq.NewTask(worker.TypeReconcile, nil)); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("approved by the manager on a Care Order case", func(t *testing.T) {
			e.t = t
			_, doc := e.document("care_order")
			set := e.approve(e.setFor(doc, "court", "Alfie Thompson"))
			id, sha := set["id"].(string), set["version_sha256"].(string)
			if set["state"] != "approved" {
				t.Fatalf("set: %v", set["state"])
			}
			n := waitNotice(t, e.law, "legal_route", "redaction_set_id", id)
			body, _ := n["body"].(string)
			if n["state"] != "kept" || n["to_name"] != "Legal Services" || n["version_sha256"] != sha || n["document_id"] != doc ||
				!strings.Contains(body, sha) || !strings.Contains(body, "https://rg.example.gov.uk/api/v1/redactions/"+id) ||
				!strings.Contains(n["subject"].(string), "Care Order") {
				t.Fatalf("notice: %v", n)
			}
			// Legal Services sees the notices addressed to them, nothing else.
			for _, m := range outboxAll(t, e.law) {
				if m["kind"] != "legal_route" {
					t.Errorf("Legal Services sees a %s message", m["kind"])
				}
			}
			if len(noticesIn(t, e.sw, "legal_route", "redaction_set_id", id)) != 1 || len(noticesIn(t, e.mgr, "legal_route", "redaction_set_id", id)) != 1 ||
				len(noticesIn(t, e.admin, "legal_route", "redaction_set_id", id)) != 1 {
				t.Error("the case's social worker, its manager or the administrator does not see the notice")
			}
			if len(noticesIn(t, e.other, "legal_route", "redaction_set_id", id)) != 0 {
				t.Error("a social worker not allocated sees the notice")
			}
			if got := pdfSHA256(t, e.law, "/api/v1/outbox/"+n["id"].(string)+"/letter"); got != n["letter_sha256"] {
				t.Errorf("letter %s, notice says %s", got, n["letter_sha256"])
			}
			if r := e.other.Do(http.MethodGet, "/api/v1/outbox/"+n["id"].(string)+"/letter", nil); r.Status != http.StatusForbidden {
				t.Errorf("a social worker not allocated, letter: %d", r.Status)
			}

			// The task again, and the reconciler, make no second notice.
			again(id, sha)
			if c := noticeRows(t, e.env, "legal_route", "redaction_set_id", id); c != 1 {
				t.Fatalf("%d notices after running the task again", c)
			}

			// Legal Services approves, and says they have the notice: it
			// leaves the outbox; nothing more is sent.
			if r := e.law.Do(http.MethodPost, "/api/v1/redactions/"+id+"/legal-approve", map[string]any{"sha256": sha}); r.Status != http.StatusOK {
				t.Fatalf("legal approve: %d %s", r.Status, r.Body)
			}
			if r := e.law.Do(http.MethodPost, "/api/v1/outbox/"+n["id"].(string)+"/sent", nil); r.Status != http.StatusOK || r.Map(t)["state"] != "sent_by_hand" {
				t.Fatalf("Legal Services mark the notice had: %d %s", r.Status, r.Body)
			}
			if ns := noticesIn(t, e.law, "legal_route", "redaction_set_id", id); len(ns) != 0 {
				t.Errorf("the notice is still in the outbox: %v", ns)
			}
			again(id, sha)
			if c := noticeRows(t, e.env, "legal_route", "redaction_set_id", id); c != 1 {
				t.Fatalf("%d notices after Legal approved", c)
			}
		})

		t.Run("a case that becomes a Care Order after its set was applied", func(t *testing.T) {
			e.t = t
			caseID, doc := e.document("child_protection_plan")
			set := e.approve(e.setFor(doc, "professional", "Alfie Thompson"))
			id, sha := set["id"].(string), set["version_sha256"].(string)
			if set["state"] != "applied" {
				t.Fatalf("set: %v", set["state"])
			}
			if r := e.sw.Do(http.MethodPatch, "/api/v1/cases/"+caseID, map[string]any{"legal_status": "interim_care_order"}); r.Status != http.StatusOK {
				t.Fatalf("patch case: %d %s", r.Status, r.Body)
			}
			n := waitNotice(t, e.law, "legal_route", "redaction_set_id", id)
			if n["version_sha256"] != sha || !strings.Contains(n["subject"].(string), "Interim Care Order") {
				t.Fatalf("notice: %v", n)
			}
			again(id, sha)
			if c := noticeRows(t, e.env, "legal_route", "redaction_set_id", id); c != 1 {
				t.Fatalf("%d notices after running the task again", c)
			}
		})

		t.Run("the reconciler tells Legal Services of a set the queue never heard of", func(t *testing.T) {
			e.t = t
			caseID, doc := e.document("none")
			set := e.approve(e.setFor(doc, "family", "Alfie Thompson"))
			id := set["id"].(string)
			// The case becomes a Care Order behind the HTTP layer's back, as
			// if its legal:route tasks had been lost with the queue.
			if _, err := e.env.App.DB.Exec(ctx, `UPDATE cases SET legal_status = 'care_order' WHERE id = ?`, caseID); err != nil {
				t.Fatal(err)
			}
			if _, err := e.env.App.Worker.Reconcile(ctx); err != nil {
				t.Fatal(err)
			}
			n := waitNotice(t, e.law, "legal_route", "redaction_set_id", id)
			if n["version_sha256"] != set["version_sha256"] || strings.Contains(n["subject"].(string), "Interim") {
				t.Fatalf("notice: %v", n)
			}
		})
	})
}

// TestFamilyLetterNotice: a release with the family informed puts the
// letter to the family in the outbox once, with the team's contact
// details, for the case's social worker to post; the release keeps it
// too.
func TestFamilyLetterNotice(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		e := newAuthorEnv(t, mode, func(c *config.Config) {
			c.ContactEmail, c.ComplaintsContact = "cs.team@council.example", "the Complaints Team, complaints@council.example"
		})
		ctx := context.Background()
		_, doc := e.document("child_in_need")
		if r := e.consent(doc, map[string]any{"granted": []string{"family"}}); r.Status != http.StatusCreated {
			t.Fatalf("consent: %d %s", r.Status, r.Body)
		}
		e.approve(e.setFor(doc, "family", "Alfie Thompson"))
		body := releaseBody("family")
		body["family_name"] = "Ms Parent"
		r := e.release(e.sw, doc, body)
		if r.Status != http.StatusCreated {
			t.Fatalf("release: %d %s", r.Status, r.Body)
		}
		rid := r.Map(t)["id"].(string)

		n := waitNotice(t, e.sw, "family_notification", "release_id", rid)
		text, _ := n["body"].(string)
		if n["state"] != "kept" || n["to_name"] != "Ms Parent" || n["to_email"] != nil || n["document_id"] != doc ||
			!strings.Contains(text, "cs.team@council.example") || !strings.Contains(text, "complaints@council.example") {
			t.Fatalf("family letter: %v", n)
		}
		// The outbox's letter is the release's.
		if a, b := pdfSHA256(t, e.sw, "/api/v1/outbox/"+n["id"].(string)+"/letter"), pdfSHA256(t, e.sw, "/api/v1/releases/"+rid+"/family-letter"); a != b || a != n["letter_sha256"] {
			t.Errorf("outbox letter %s, release's %s, notice says %s", a, b, n["letter_sha256"])
		}
		if len(noticesIn(t, e.mgr, "family_notification", "release_id", rid)) != 1 {
			t.Error("the manager does not see the family letter")
		}
		if len(noticesIn(t, e.other, "family_notification", "release_id", rid)) != 0 {
			t.Error("a social worker not allocated sees the family letter")
		}
		if len(noticesIn(t, e.law, "family_notification", "release_id", rid)) != 0 {
			t.Error("Legal Services sees the family letter")
		}
		if r := e.law.Do(http.MethodGet, "/api/v1/outbox/"+n["id"].(string)+"/letter", nil); r.Status != http.StatusForbidden {
			t.Errorf("Legal Services, family letter: %d", r.Status)
		}
		if r := e.law.Do(http.MethodPost, "/api/v1/outbox/"+n["id"].(string)+"/sent", nil); r.Status != http.StatusForbidden {
			t.Errorf("Legal Services mark the family letter sent: %d", r.Status)
		}

		// family:notify again, and the reconciler, make no second letter.
		task, _, err := worker.NewReleaseTask(worker.TypeFamilyNotify, rid)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := e.env.App.Worker.HandleNotify(ctx, task); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.env.App.Worker.Reconcile(ctx); err != nil {
			t.Fatal(err)
		}
		if c := noticeRows(t, e.env, "family_notification", "release_id", rid); c != 1 {
			t.Fatalf("%d family letters after running the task again", c)
		}

		// The social worker posts it and says so.
		if r := e.sw.Do(http.MethodPost, "/api/v1/outbox/"+n["id"].(string)+"/sent", nil); r.Status != http.StatusOK || r.Map(t)["sent_by"] != e.sw.User.ID {
			t.Fatalf("mark sent: %d %s", r.Status, r.Body)
		}
		if ns := noticesIn(t, e.sw, "family_notification", "release_id", rid); len(ns) != 0 {
			t.Errorf("the posted letter is still in the outbox: %v", ns)
		}
		if r := e.sw.Do(http.MethodPost, "/api/v1/outbox/"+n["id"].(string)+"/sent", nil); r.Status != http.StatusConflict {
			t.Errorf("mark sent twice: %d", r.Status)
		}
	})
}

// TestLegalRouteByEmail: with SMTP and RG_LEGAL_EMAIL, the notice to Legal
// Services is emailed, once, and does not wait in the outbox.
func TestLegalRouteByEmail(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		srv := mailtest.Start(t)
		e := newAuthorEnv(t, mode, func(c *config.Config) {
			c.SMTPHost, c.SMTPPort, c.SMTPFrom = srv.Host(), srv.Port(), "Children's Services <cs@council.example>"
			c.LegalEmail = "legal.services@council.example"
		})
		ctx := context.Background()
		_, doc := e.document("care_order")
		set := e.approve(e.setFor(doc, "court", "Alfie Thompson"))
		id, sha := set["id"].(string), set["version_sha256"].(string)

		// Sent: the mail server has it and the worker has recorded it (until
		// then a second run is told another worker is sending it).
		deadline := time.Now().Add(wait)
		for {
			var state string
			err := e.env.App.DB.QueryRow(ctx, `SELECT state FROM notices WHERE redaction_set_id = ?`, id).Scan(&state)
			if err == nil && state == "sent" && len(srv.Messages()) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no email to Legal Services recorded as sent after %s (state %q)", wait, state)
			}
			time.Sleep(50 * time.Millisecond)
		}
		task, _, err := worker.NewLegalRouteTask(id, sha)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.env.App.Worker.HandleLegalRoute(ctx, task); err != nil {
			t.Fatal(err)
		}
		if _, err := e.env.App.Worker.Reconcile(ctx); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 || len(got[0].To) != 1 || got[0].To[0] != "legal.services@council.example" {
			t.Fatalf("mail server got %d messages: %+v", len(got), got)
		}
		text, attachment := readMail(t, got[0].Data)
		if !strings.Contains(text, sha) || !strings.Contains(text, "/api/v1/redactions/"+id) || !bytes.HasPrefix(attachment, []byte("%PDF-")) {
			t.Fatalf("email: %q, attachment %.20q", text, attachment)
		}
		var state string
		if err := e.env.App.DB.QueryRow(ctx, `SELECT state FROM notices WHERE redaction_set_id = ?`, id).Scan(&state); err != nil || state != "sent" {
			t.Fatalf("notice state %q, %v", state, err)
		}
		if ns := noticesIn(t, e.law, "legal_route", "redaction_set_id", id); len(ns) != 0 {
			t.Errorf("a sent notice is in the outbox: %v", ns)
		}
	})
}
