package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/user"
)

// The report every scenario releases: a name, an address and a line kept.
const reportContent = "BT /F1 12 Tf 72 700 Td (Child: Alfie Thompson lives at 12 Acacia Avenue.) Tj 0 -20 Td (Foster carer: Mrs Kowalczyk.) Tj 0 -20 Td (Seen by the officer on Monday.) Tj ET"

// releaseEnv is one environment shared by the scenarios of a mode: a
// social worker and a manager allocated to every case, a second social
// worker on none, Legal Services.
type releaseEnv struct {
	t                   *testing.T
	env                 *apptest.Env
	sw, mgr, other, law *apptest.Client
	admin               *apptest.Client
	n                   int
}

func newReleaseEnv(t *testing.T, mode apptest.Mode) *releaseEnv {
	env := apptest.Start(t, mode, apptest.Options{})
	return &releaseEnv{t: t, env: env, sw: env.User("sam", user.SocialWorker), mgr: env.User("mo", user.Manager),
		other: env.User("olu", user.SocialWorker), law: env.User("lee", user.Legal), admin: env.User("ada", user.Admin)}
}

// document opens a case with legal status and returns a ready document.
func (e *releaseEnv) document(status string) (caseID, docID string) {
	t := e.t
	e.n++
	caseID = e.sw.NewCase(fmt.Sprintf("LA-R%04d", e.n), status)
	if r := e.admin.Do(http.MethodPost, "/api/v1/cases/"+caseID+"/allocations", map[string]any{"user_id": e.mgr.User.ID}); r.Status != http.StatusCreated {
		t.Fatalf("allocate manager: %d %s", r.Status, r.Body)
	}
	pdf := ingesttest.OnePage(reportContent, "<< /Font << /F1 5 0 R >> >>")
	up := e.sw.Upload(caseID, "police report.pdf", pdf, apptest.Receipt())
	if up.Status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	docID = up.Map(t)["id"].(string)
	if d := e.sw.WaitDocument(docID, wait); d["state"] != "ready" {
		t.Fatalf("document: %v", d)
	}
	return caseID, docID
}

// consent records the author's answer with a letter as evidence.
func (e *releaseEnv) consent(docID string, meta map[string]any) *apptest.Response {
	e.t.Helper()
	base := map[string]any{"evidence_kind": "letter", "given_on": "2026-11-01",
		"given_by": map[string]any{"name": "DC Jane Example", "role": "Detective Constable", "organisation": "Example Constabulary"}}
	for k, v := range meta {
		base[k] = v
	}
	return postMultipart(e.sw, "/api/v1/documents/"+docID+"/consents", base, []byte("%PDF-1.4\n% the author's signed letter\n"))
}

// setFor draws, submits and waits for the engine's version of a redaction
// set for audience; it returns the set.
func (e *releaseEnv) setFor(docID, audience string, terms ...string) map[string]any {
	t := e.t
	t.Helper()
	var ts []map[string]any
	for _, term := range terms {
		ts = append(ts, map[string]any{"text": term, "reason": "third_party"})
	}
	r := e.sw.Do(http.MethodPost, "/api/v1/documents/"+docID+"/redactions", map[string]any{"audience": audience, "terms": ts})
	if r.Status != http.StatusCreated {
		t.Fatalf("create set: %d %s", r.Status, r.Body)
	}
	id := r.Map(t)["id"].(string)
	if r := e.sw.Do(http.MethodPost, "/api/v1/redactions/"+id+"/submit", nil); r.Status != http.StatusOK {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	deadline := time.Now().Add(wait)
	for {
		m := e.sw.Do(http.MethodGet, "/api/v1/redactions/"+id, nil).Map(t)
		if m["version_sha256"] != nil || m["apply_error"] != nil {
			if m["apply_error"] != nil {
				t.Fatalf("apply: %v", m["apply_error"])
			}
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("redaction set %s not applied after %s", id, wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (e *releaseEnv) approve(set map[string]any) map[string]any {
	e.t.Helper()
	r := e.mgr.Do(http.MethodPost, "/api/v1/redactions/"+set["id"].(string)+"/approve", map[string]any{"sha256": set["version_sha256"]})
	if r.Status != http.StatusOK {
		e.t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	return r.Map(e.t)
}

func releaseBody(audience string) map[string]any {
	return map[string]any{"audience": audience,
		"recipient": map[string]any{"name": "Ms A Parent", "role": "Mother", "organisation": "Family"},
		"purpose":   "child protection conference", "method": "secure email",
		"lawful_basis":    map[string]any{"article6": "6(1)(e) public task", "criminal_offence": true, "article10": "DPA 2018 Sch 1 para 18"},
		"family_informed": true}
}

// gates returns the gate names of a 409.
func gates(t *testing.T, r *apptest.Response) []string {
	t.Helper()
	if r.Status != http.StatusConflict {
		t.Fatalf("release: want 409, got %d %s", r.Status, r.Body)
	}
	var p struct {
		Gates []struct{ Gate, Reason string }
	}
	r.JSON(t, &p)
	var out []string
	for _, g := range p.Gates {
		out = append(out, g.Gate)
	}
	return out
}

func (c *releaseEnv) release(cl *apptest.Client, docID string, body map[string]any) *apptest.Response {
	return cl.Do(http.MethodPost, "/api/v1/documents/"+docID+"/releases", body)
}

// postMultipart posts a "metadata" JSON part and an "evidence" file.
func postMultipart(c *apptest.Client, path string, meta map[string]any, evidence []byte) *apptest.Response {
	c.T.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mb, err := json.Marshal(meta)
	if err != nil {
		c.T.Fatal(err)
	}
	part, _ := mw.CreateFormField("metadata")
	part.Write(mb)
	fp, _ := mw.CreateFormFile("evidence", "evidence.pdf")
	fp.Write(evidence)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.Base+path, &buf)
	if err != nil {
		c.T.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &apptest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func TestReleaseScenarios(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		e := newReleaseEnv(t, mode)

		t.Run("1 consent, approved redaction, released", func(t *testing.T) {
			e.t = t
			_, doc := e.document("child_in_need")
			if r := e.consent(doc, map[string]any{"granted": []string{"family"}, "refused": []string{"court"}}); r.Status != http.StatusCreated || r.Map(t)["state"] != "partly_granted" {
				t.Fatalf("consent: %d %s", r.Status, r.Body)
			}
			set := e.approve(e.setFor(doc, "family", "Alfie Thompson"))
			if set["state"] != "applied" {
				t.Fatalf("approved set: %v", set["state"])
			}
			r := e.release(e.sw, doc, releaseBody("family"))
			if r.Status != http.StatusCreated {
				t.Fatalf("release: %d %s", r.Status, r.Body)
			}
			rel := r.Map(t)
			if rel["version_sha256"] != set["version_sha256"] || !strings.HasPrefix(rel["reference"].(string), "REL-") {
				t.Fatalf("release: %v", rel)
			}
			// What is released is the redacted version, without the name.
			f := e.sw.Do(http.MethodGet, "/api/v1/redactions/"+set["id"].(string)+"/file", nil)
			if f.Status != http.StatusOK || bytes.Contains(bytes.ToLower(f.Body), []byte("thompson")) {
				t.Fatalf("version: %d, holds the name: %v", f.Status, bytes.Contains(f.Body, []byte("Thompson")))
			}
			// Court was refused.
			if g := gates(t, e.release(e.sw, doc, releaseBody("court"))); !contains(g, "consent") || !contains(g, "redaction") {
				t.Errorf("court gates %v", g)
			}
		})

		t.Run("2 no consent", func(t *testing.T) {
			e.t = t
			_, doc := e.document("none")
			e.approve(e.setFor(doc, "professional", "Alfie Thompson"))
			if g := gates(t, e.release(e.sw, doc, releaseBody("professional"))); fmt.Sprint(g) != "[consent]" {
				t.Errorf("gates %v, want only consent", g)
			}
		})

		t.Run("3 Care Order needs Legal Services", func(t *testing.T) {
			e.t = t
			_, doc := e.document("care_order")
			e.consent(doc, map[string]any{"granted": []string{"court"}})
			set := e.approve(e.setFor(doc, "court", "Alfie Thompson"))
			if set["state"] != "approved" {
				t.Fatalf("a Care Order set after the manager: %v, want approved (waiting for Legal)", set["state"])
			}
			if g := gates(t, e.release(e.sw, doc, releaseBody("court"))); fmt.Sprint(g) != "[redaction]" {
				t.Errorf("gates %v", g)
			}
			q := e.law.Do(http.MethodGet, "/api/v1/legal/queue", nil)
			if q.Status != http.StatusOK || !strings.Contains(string(q.Body), set["id"].(string)) {
				t.Fatalf("legal queue: %d %s", q.Status, q.Body)
			}
			if r := e.law.Do(http.MethodPost, "/api/v1/redactions/"+set["id"].(string)+"/legal-approve", map[string]any{"sha256": strings.Repeat("0", 64)}); r.Status != http.StatusConflict {
				t.Errorf("legal approval of another version: %d", r.Status)
			}
			if r := e.law.Do(http.MethodPost, "/api/v1/redactions/"+set["id"].(string)+"/legal-approve", map[string]any{"sha256": set["version_sha256"]}); r.Status != http.StatusOK {
				t.Fatalf("legal approve: %d %s", r.Status, r.Body)
			}
			if r := e.release(e.sw, doc, releaseBody("court")); r.Status != http.StatusCreated {
				t.Fatalf("release: %d %s", r.Status, r.Body)
			}
		})

		t.Run("4 withdrawn, 5 expired", func(t *testing.T) {
			e.t = t
			_, doc := e.document("none")
			c := e.consent(doc, map[string]any{"granted": []string{"family"}}).Map(t)
			e.approve(e.setFor(doc, "family", "Alfie Thompson"))
			if r := e.sw.Do(http.MethodPost, "/api/v1/documents/"+doc+"/consents/"+c["id"].(string)+"/withdraw", map[string]any{"reason": "author's email of 20 November"}); r.Status != http.StatusOK {
				t.Fatalf("withdraw: %d %s", r.Status, r.Body)
			}
			if g := gates(t, e.release(e.sw, doc, releaseBody("family"))); fmt.Sprint(g) != "[consent]" {
				t.Errorf("withdrawn: gates %v", g)
			}
			_, doc2 := e.document("none")
			e.consent(doc2, map[string]any{"granted": []string{"family"}, "expires_on": "2026-11-02"})
			e.approve(e.setFor(doc2, "family", "Alfie Thompson"))
			r := e.release(e.sw, doc2, releaseBody("family"))
			if g := gates(t, r); fmt.Sprint(g) != "[consent]" || !strings.Contains(string(r.Body), "expired 2026-11-02") {
				t.Errorf("expired: gates %v %s", g, r.Body)
			}
		})

		t.Run("6 a condition term still present", func(t *testing.T) {
			e.t = t
			_, doc := e.document("none")
			e.approve(e.setFor(doc, "family", "Alfie Thompson"))
			// The consent, with its condition, arrives after the set was applied.
			e.consent(doc, map[string]any{"granted": []string{"family"}, "conditions": "the foster carer must not be named",
				"condition_terms": []string{"Kowalczyk"}})
			if g := gates(t, e.release(e.sw, doc, releaseBody("family"))); fmt.Sprint(g) != "[consent_conditions]" {
				t.Fatalf("gates %v", g)
			}
			// A new set picks the condition up by itself.
			e.approve(e.setFor(doc, "family", "Alfie Thompson"))
			if r := e.release(e.sw, doc, releaseBody("family")); r.Status != http.StatusCreated {
				t.Fatalf("release: %d %s", r.Status, r.Body)
			}
		})

		t.Run("7 becomes a Care Order after approval", func(t *testing.T) {
			e.t = t
			caseID, doc := e.document("child_protection_plan")
			e.consent(doc, map[string]any{"granted": []string{"professional"}})
			set := e.approve(e.setFor(doc, "professional", "Alfie Thompson"))
			if r := e.sw.Do(http.MethodPatch, "/api/v1/cases/"+caseID, map[string]any{"legal_status": "interim_care_order"}); r.Status != http.StatusOK {
				t.Fatalf("patch case: %d %s", r.Status, r.Body)
			}
			if g := gates(t, e.release(e.sw, doc, releaseBody("professional"))); fmt.Sprint(g) != "[legal_approval]" {
				t.Fatalf("gates %v", g)
			}
			if r := e.law.Do(http.MethodPost, "/api/v1/redactions/"+set["id"].(string)+"/legal-approve", map[string]any{"sha256": set["version_sha256"]}); r.Status != http.StatusOK {
				t.Fatalf("legal approve: %d %s", r.Status, r.Body)
			}
			if r := e.release(e.sw, doc, releaseBody("professional")); r.Status != http.StatusCreated {
				t.Fatalf("release: %d %s", r.Status, r.Body)
			}
		})

		t.Run("8 open legal advice, 9 not allocated, 10 family not informed", func(t *testing.T) {
			e.t = t
			_, doc := e.document("none")
			e.consent(doc, map[string]any{"granted": []string{"family"}})
			e.approve(e.setFor(doc, "family", "Alfie Thompson"))
			ad := e.sw.Do(http.MethodPost, "/api/v1/documents/"+doc+"/legal-advice", map[string]any{"question": "May the police report go to the mother?"})
			if ad.Status != http.StatusCreated {
				t.Fatalf("advice: %d %s", ad.Status, ad.Body)
			}
			if g := gates(t, e.release(e.sw, doc, releaseBody("family"))); fmt.Sprint(g) != "[legal_advice]" {
				t.Errorf("gates %v", g)
			}
			if r := e.law.Do(http.MethodPost, "/api/v1/legal-advice/"+ad.Map(t)["id"].(string)+"/answer", map[string]any{"answer": "Yes, once redacted."}); r.Status != http.StatusOK {
				t.Fatalf("answer: %d %s", r.Status, r.Body)
			}
			if r := e.release(e.other, doc, releaseBody("family")); r.Status != http.StatusForbidden {
				t.Errorf("a social worker not allocated: %d", r.Status)
			}
			es, err := e.env.App.Audit.List(context.Background(), audit.Filter{DocumentID: doc})
			if err != nil {
				t.Fatal(err)
			}
			denied := false
			for _, en := range es {
				denied = denied || en.Action == "release.create" && en.Outcome == audit.Denied && en.ActorID == e.other.User.ID
			}
			if !denied {
				t.Error("the refused release by a social worker not allocated is not in the audit log")
			}
			body := releaseBody("family")
			body["family_informed"] = false
			if g := gates(t, e.release(e.sw, doc, body)); fmt.Sprint(g) != "[family_informed]" {
				t.Errorf("gates %v", g)
			}
			body["exemption"], body["exemption_reason"] = "criminal_investigation", "the police asked that the family not be told yet"
			if r := e.release(e.sw, doc, body); r.Status != http.StatusCreated {
				t.Fatalf("release with an exemption: %d %s", r.Status, r.Body)
			}
		})

		t.Run("11 approved by its own author", func(t *testing.T) {
			e.t = t
			_, doc := e.document("none")
			r := e.mgr.Do(http.MethodPost, "/api/v1/documents/"+doc+"/redactions", map[string]any{"audience": "family",
				"terms": []map[string]any{{"text": "Alfie Thompson", "reason": "third_party"}}})
			id := r.Map(t)["id"].(string)
			e.mgr.Do(http.MethodPost, "/api/v1/redactions/"+id+"/submit", nil)
			deadline := time.Now().Add(wait)
			for e.mgr.Do(http.MethodGet, "/api/v1/redactions/"+id, nil).Map(t)["version_sha256"] == nil && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if r := e.mgr.Do(http.MethodPost, "/api/v1/redactions/"+id+"/approve", nil); r.Status != http.StatusForbidden {
				t.Errorf("approval by the set's own author: %d %s", r.Status, r.Body)
			}
		})

		t.Run("13 override by Legal, approved by a manager", func(t *testing.T) {
			e.t = t
			_, doc := e.document("none")
			e.approve(e.setFor(doc, "court", "Alfie Thompson"))
			// Legal Services sees the document once advice is asked for.
			ad := e.sw.Do(http.MethodPost, "/api/v1/documents/"+doc+"/legal-advice", map[string]any{"question": "The court ordered disclosure: may we release without consent?"}).Map(t)
			e.law.Do(http.MethodPost, "/api/v1/legal-advice/"+ad["id"].(string)+"/answer", map[string]any{"answer": "Yes: the order is attached."})
			o := postMultipart(e.law, "/api/v1/documents/"+doc+"/consent-overrides", map[string]any{"audience": "court", "basis": "court_order",
				"detail": "Order of HHJ Example, Family Court at Exampleton, 18 November 2026"}, []byte("%PDF-1.4\n% the sealed order\n"))
			if o.Status != http.StatusCreated {
				t.Fatalf("override: %d %s", o.Status, o.Body)
			}
			if g := gates(t, e.release(e.sw, doc, releaseBody("court"))); fmt.Sprint(g) != "[consent]" {
				t.Errorf("before the manager approves: gates %v", g)
			}
			if r := e.mgr.Do(http.MethodPost, "/api/v1/consent-overrides/"+o.Map(t)["id"].(string)+"/approve", nil); r.Status != http.StatusOK {
				t.Fatalf("approve override: %d %s", r.Status, r.Body)
			}
			r := e.release(e.sw, doc, releaseBody("court"))
			if r.Status != http.StatusCreated || r.Map(t)["override_id"] == nil {
				t.Fatalf("release under the override: %d %s", r.Status, r.Body)
			}
		})
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
