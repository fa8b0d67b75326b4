package app_test

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/user"
)

// The callers of the release matrix, in the order of its columns. Legal
// Services appears three times: on a Care Order case (routed to Legal by
// rule 5), on a case routed to Legal only because advice was asked for on
// the document, and on a case never routed to Legal.
var releaseCallers = []string{"sw", "mgr", "other_sw", "other_mgr", "legal_co", "legal_advice", "legal_none", "admin", "anon"}

// cells lists the expected statuses in the order of releaseCallers.
type cells [9]int

// matrixTarget is the case a caller acts on, with one ready document;
// fresh objects (sets, consents, advice, …) are made on it per call.
type matrixTarget struct {
	status string // the case's legal status
	caseID string
	doc    string
	// routed is a second document routed to Legal by an advice request
	// (made on first use): on a case never routed to Legal, an advice
	// request or an override can only exist on a document it routes.
	routed string
	// released is a release of it, delivered (made on first use).
	released string
	// release is a document ready to release to court (made on first use).
	release string
}

// accessMatrix is the fixture of TestAccessMatrixRelease: the release
// scenarios' people (sam and mo allocated to every case, olu on none, lee
// of Legal Services, ada the administrator) and a manager on no case.
type accessMatrix struct {
	*releaseEnv
	otherMgr *apptest.Client
	n        int
}

// TestAccessMatrixRelease calls every route of the release path (the
// routes web.releaseRoutes registers) and the document routes Legal
// Services reads, as every kind of caller, and checks the status against
// DESIGN.md section 1: only the allocated social worker and manager work
// on a case, only the allocated manager approves (never their own set),
// Legal Services sees the documents routed to it and reviews redactions on
// Care Order cases, the administrator sees no document content. Every 403
// must leave one "denied" row naming the caller; nothing else may.
func TestAccessMatrixRelease(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		m := &accessMatrix{releaseEnv: newReleaseEnv(t, mode)}
		m.otherMgr = m.env.User("mae", user.Manager)
		co, advice, none := m.target("care_order"), m.target("child_in_need"), m.target("none")
		m.ask(advice.doc) // routes the document to Legal
		callers := []*apptest.Client{m.sw, m.mgr, m.other, m.otherMgr, m.law, m.law, m.law, m.admin, m.env.Anonymous()}
		targets := []*matrixTarget{co, co, co, co, co, advice, none, co, co}

		evidence := []byte("%PDF-1.4\n% the evidence\n")
		type route struct {
			name string // the route's pattern; extra rows add words after it
			// req makes what the call needs on tg (fresh where the call
			// changes it) and returns the path and the JSON body; with
			// multipart, the body is the metadata part and an evidence
			// file goes with it.
			req       func(tg *matrixTarget) (string, any)
			multipart bool
			want      cells
		}
		// at is a request to a fixed path; doc one to tg's document.
		at := func(path string, body any) func(*matrixTarget) (string, any) {
			return func(*matrixTarget) (string, any) { return path, body }
		}
		doc := func(suffix string, body any) func(*matrixTarget) (string, any) {
			return func(tg *matrixTarget) (string, any) { return "/api/v1/documents/" + tg.doc + suffix, body }
		}
		// set is a request to a fresh set made by mk; approvals name the
		// version they approve.
		set := func(mk func(*matrixTarget) map[string]any, suffix string, body map[string]any) func(*matrixTarget) (string, any) {
			return func(tg *matrixTarget) (string, any) {
				st := mk(tg)
				var b any
				switch {
				case suffix == "/approve" || suffix == "/legal-approve":
					b = map[string]any{"sha256": st["version_sha256"]}
				case body != nil:
					b = body
				}
				return "/api/v1/redactions/" + st["id"].(string) + suffix, b
			}
		}
		// rel is a request to tg's release, delivered (made on first use).
		rel := func(suffix string) func(*matrixTarget) (string, any) {
			return func(tg *matrixTarget) (string, any) { return "/api/v1/releases/" + m.delivered(tg) + suffix, nil }
		}
		// Columns: sw, mgr, other_sw, other_mgr, legal_co, legal_advice,
		// legal_none, admin, anon.
		routes := []route{
			{"GET /api/v1/redaction-reasons", at("/api/v1/redaction-reasons", nil), false,
				cells{200, 200, 200, 200, 200, 200, 200, 200, 401}},
			{"PUT /api/v1/redaction-reasons/{code}", func(*matrixTarget) (string, any) {
				m.n++
				return fmt.Sprintf("/api/v1/redaction-reasons/matrix_%d", m.n), map[string]any{"label": "Matrix test reason"}
			}, false, cells{403, 403, 403, 403, 403, 403, 403, 200, 401}},

			{"GET /api/v1/documents/{id}/consents", doc("/consents", nil), false,
				cells{200, 200, 403, 403, 200, 200, 403, 403, 401}},
			{"POST /api/v1/documents/{id}/consents", doc("/consents", consentMeta("family")), true,
				cells{201, 201, 403, 403, 403, 403, 403, 403, 401}},
			{"POST /api/v1/documents/{id}/consents/{cid}/withdraw", func(tg *matrixTarget) (string, any) {
				return "/api/v1/documents/" + tg.doc + "/consents/" + m.consentOn(tg.doc) + "/withdraw", map[string]any{"reason": "the author's email of 20 November"}
			}, false, cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			{"POST /api/v1/documents/{id}/consent-overrides", doc("/consent-overrides", map[string]any{"audience": "court", "basis": "court_order",
				"detail": "Order of HHJ Example, 18 November 2026"}), true,
				cells{403, 403, 403, 403, 201, 201, 403, 403, 401}},
			// An override routes its document to Legal, on any case.
			{"POST /api/v1/consent-overrides/{oid}/approve", func(tg *matrixTarget) (string, any) {
				return "/api/v1/consent-overrides/" + m.overrideOn(m.routedDoc(tg)) + "/approve", nil
			}, false, cells{403, 200, 403, 403, 403, 403, 403, 403, 401}},

			{"GET /api/v1/documents/{id}/redactions", doc("/redactions", nil), false,
				cells{200, 200, 403, 403, 200, 200, 403, 403, 401}},
			{"POST /api/v1/documents/{id}/redactions", doc("/redactions", setBody("family")), false,
				cells{201, 201, 403, 403, 403, 403, 403, 403, 401}},
			{"GET /api/v1/redactions/{rid}", set(m.draft, "", nil), false,
				cells{200, 200, 403, 403, 200, 200, 403, 403, 401}},
			{"PUT /api/v1/redactions/{rid}", set(m.draft, "", setBody("")), false,
				cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			{"GET /api/v1/redactions/{rid}/file", set(m.submitted, "/file", nil), false,
				cells{200, 200, 403, 403, 200, 200, 403, 403, 401}},
			{"POST /api/v1/redactions/{rid}/submit", set(m.draft, "/submit", nil), false,
				cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			{"POST /api/v1/redactions/{rid}/approve", set(m.submitted, "/approve", nil), false,
				cells{403, 200, 403, 403, 403, 403, 403, 403, 401}},
			// The rule of four eyes: the manager drew this set.
			{"POST /api/v1/redactions/{rid}/approve own set", set(m.submittedByManager, "/approve", nil), false,
				cells{403, 403, 403, 403, 403, 403, 403, 403, 401}},
			// Nor may a manager who changed the set's terms approve it.
			{"POST /api/v1/redactions/{rid}/approve set the manager edited", set(m.editedByManager, "/approve", nil), false,
				cells{403, 403, 403, 403, 403, 403, 403, 403, 401}},
			// A set the manager approved: on a Care Order case it waits for
			// Legal Services; on any other it is applied, and Legal (seeing
			// the document for the advice asked) has no review to make.
			{"POST /api/v1/redactions/{rid}/legal-approve", set(m.approved, "/legal-approve", nil), false,
				cells{403, 403, 403, 403, 200, 403, 403, 403, 401}},
			{"POST /api/v1/redactions/{rid}/amend", set(m.approved, "/amend", map[string]any{"comments": "also the school's name"}), false,
				cells{403, 200, 403, 403, 200, 403, 403, 403, 401}},
			{"POST /api/v1/redactions/{rid}/reject", set(m.approved, "/reject", map[string]any{"comments": "the author refused"}), false,
				cells{403, 200, 403, 403, 200, 403, 403, 403, 401}},

			{"GET /api/v1/documents/{id}/legal-advice", doc("/legal-advice", nil), false,
				cells{200, 200, 403, 403, 200, 200, 403, 403, 401}},
			{"POST /api/v1/documents/{id}/legal-advice", doc("/legal-advice", map[string]any{"question": "May this go to the mother?"}), false,
				cells{201, 201, 403, 403, 403, 403, 403, 403, 401}},
			// The request routes its document to Legal, on any case.
			{"POST /api/v1/legal-advice/{aid}/answer", func(tg *matrixTarget) (string, any) {
				return "/api/v1/legal-advice/" + m.ask(m.routedDoc(tg)) + "/answer", map[string]any{"answer": "Yes, once redacted."}
			}, false, cells{403, 403, 403, 403, 200, 200, 200, 403, 401}},
			{"GET /api/v1/legal/queue", at("/api/v1/legal/queue", nil), false,
				cells{403, 403, 403, 403, 200, 200, 200, 403, 401}},

			{"GET /api/v1/documents/{id}/releases", doc("/releases", nil), false,
				cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			{"POST /api/v1/documents/{id}/releases", func(tg *matrixTarget) (string, any) {
				return "/api/v1/documents/" + m.releasable(tg) + "/releases", releaseBody("court")
			}, false, cells{201, 201, 403, 403, 403, 403, 403, 403, 401}},
			{"POST /api/v1/documents/{id}/decisions", doc("/decisions", map[string]any{"audience": "family", "what": "the whole report",
				"why": "the author refused and no exemption applies"}), false,
				cells{201, 201, 403, 403, 403, 403, 403, 403, 401}},

			// Legal Services reads the documents routed to it (DESIGN.md
			// section 1), to review their redactions and to advise.
			{"GET /api/v1/documents/{id}", doc("", nil), false,
				cells{200, 200, 403, 403, 200, 200, 403, 403, 401}},
			{"GET /api/v1/documents/{id}/file", doc("/file", nil), false,
				cells{200, 200, 403, 403, 200, 200, 403, 403, 401}},

			// A release's life after it is made (web.deliveryRoutes).
			{"GET /api/v1/releases", at("/api/v1/releases", nil), false,
				cells{200, 200, 200, 200, 403, 403, 403, 200, 401}},
			{"GET /api/v1/releases/summary", at("/api/v1/releases/summary?team=north", nil), false,
				cells{403, 200, 403, 200, 403, 403, 403, 200, 401}},
			{"GET /api/v1/releases/{rid}", rel(""), false,
				cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			{"GET /api/v1/releases/{rid}/file", rel("/file"), false,
				cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			{"GET /api/v1/releases/{rid}/family-letter", rel("/family-letter"), false,
				cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			{"GET /api/v1/releases/{rid}/case-record", rel("/case-record"), false,
				cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			{"POST /api/v1/releases/{rid}/link", rel("/link"), false,
				cells{201, 201, 403, 403, 403, 403, 403, 403, 401}},
			{"GET /api/v1/cases/{case}/case-record", func(tg *matrixTarget) (string, any) {
				return "/api/v1/cases/" + tg.caseID + "/case-record", nil
			}, false, cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
		}

		t.Run("every release route has a row", func(t *testing.T) {
			var names []string
			for _, r := range routes {
				names = append(names, r.name)
			}
			for _, p := range releaseRoutePatterns(t) {
				if !slices.Contains(names, p) {
					t.Errorf("route %q has no row in the access matrix", p)
				}
			}
		})

		for _, rt := range routes {
			method, _, _ := strings.Cut(rt.name, " ")
			for i, who := range releaseCallers {
				t.Run(rt.name+"/"+who, func(t *testing.T) {
					m.t = t
					c, tg, want := callers[i], targets[i], rt.want[i]
					path, body := rt.req(tg)
					head := auditHead(t, m.env)
					var r *apptest.Response
					if rt.multipart {
						r = postMultipart(c, path, body.(map[string]any), evidence)
					} else {
						r = c.Do(method, path, body)
					}
					if r.Status != want {
						t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, who, r.Status, want, r.Body)
					}
					denied := deniedSince(t, m.env, head)
					switch r.Status {
					case http.StatusForbidden:
						if len(denied) != 1 || denied[0].ActorID != c.User.ID || denied[0].Action == "" {
							t.Fatalf("403 left denied audit rows %+v, want one naming %s", denied, who)
						}
					case http.StatusUnauthorized:
						if !strings.Contains(r.Header.Get("Content-Type"), "problem+json") || r.Header.Get("WWW-Authenticate") == "" {
							t.Fatalf("401 without problem body or WWW-Authenticate: %v", r.Header)
						}
					default:
						if len(denied) != 0 {
							t.Fatalf("%d left denied audit rows %+v", r.Status, denied)
						}
					}
				})
			}
		}
	})
}

// releaseRoutePatterns reads the patterns web.releaseRoutes and
// web.deliveryRoutes register (through api) from their source, so a route
// added there without a row here fails the test.
func releaseRoutePatterns(t *testing.T) []string {
	t.Helper()
	var out []string
	for file, name := range map[string]string{"../web/release.go": "releaseRoutes", "../web/delivery.go": "deliveryRoutes"} {
		out = append(out, routePatterns(t, file, name)...)
	}
	return out
}

func routePatterns(t *testing.T, file, name string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != name {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "api" {
				if lit, ok := call.Args[0].(*ast.BasicLit); ok {
					p, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, p)
				}
			}
			return true
		})
	}
	if len(out) == 0 {
		t.Fatalf("found no routes in web.%s", name)
	}
	return out
}

// auditHead is the sequence number of the newest audit row.
func auditHead(t *testing.T, env *apptest.Env) int64 {
	t.Helper()
	es, err := env.App.Audit.List(t.Context(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) == 0 {
		return 0
	}
	return es[len(es)-1].Seq
}

// deniedSince returns the "denied" audit rows after row head.
func deniedSince(t *testing.T, env *apptest.Env, head int64) []audit.Entry {
	t.Helper()
	es, err := env.App.Audit.List(t.Context(), audit.Filter{AfterSeq: head})
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Entry
	for _, e := range es {
		if e.Outcome == audit.Denied {
			out = append(out, e)
		}
	}
	return out
}

func consentMeta(granted ...string) map[string]any {
	return map[string]any{"granted": granted, "evidence_kind": "letter", "given_on": "2026-11-01",
		"given_by": map[string]any{"name": "DC Jane Example", "role": "Detective Constable", "organisation": "Example Constabulary"}}
}

// setBody is a redaction set of the report's child's name (for audience,
// or without one for an update).
func setBody(audience string) map[string]any {
	b := map[string]any{"terms": []map[string]any{{"text": "Alfie Thompson", "reason": "third_party"}}}
	if audience != "" {
		b["audience"] = audience
	}
	return b
}

// target opens a case with legal status, the manager allocated, and one
// ready document.
func (m *accessMatrix) target(status string) *matrixTarget {
	m.n++
	caseID := m.sw.NewCase(fmt.Sprintf("LA-M%04d", m.n), status)
	if r := m.admin.Do(http.MethodPost, "/api/v1/cases/"+caseID+"/allocations", map[string]any{"user_id": m.mgr.User.ID}); r.Status != http.StatusCreated {
		m.t.Fatalf("allocate manager: %d %s", r.Status, r.Body)
	}
	return &matrixTarget{status: status, caseID: caseID, doc: m.upload(caseID)}
}

// upload adds a ready report to a case.
func (m *accessMatrix) upload(caseID string) string {
	m.t.Helper()
	up := m.sw.Upload(caseID, "police report.pdf", ingesttest.OnePage(reportContent, "<< /Font << /F1 5 0 R >> >>"), apptest.Receipt())
	if up.Status != http.StatusAccepted {
		m.t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	id := up.Map(m.t)["id"].(string)
	if d := m.sw.WaitDocument(id, wait); d["state"] != "ready" {
		m.t.Fatalf("document: %v", d)
	}
	return id
}

// routedDoc is a document of tg's case that Legal Services sees: the
// target's own, unless its case was never routed to Legal.
func (m *accessMatrix) routedDoc(tg *matrixTarget) string {
	if tg.status != "none" {
		return tg.doc
	}
	if tg.routed == "" {
		tg.routed = m.upload(tg.caseID)
		m.ask(tg.routed)
	}
	return tg.routed
}

// releasable is a document of tg's case that may be released to court:
// consent, a set approved by the manager and, on a Care Order case, by
// Legal Services.
func (m *accessMatrix) releasable(tg *matrixTarget) string {
	if tg.release != "" {
		return tg.release
	}
	doc := m.upload(tg.caseID)
	if r := postMultipart(m.sw, "/api/v1/documents/"+doc+"/consents", consentMeta("court"), []byte("%PDF-1.4\n% the author's letter\n")); r.Status != http.StatusCreated {
		m.t.Fatalf("consent: %d %s", r.Status, r.Body)
	}
	st := m.approve(m.setFor(doc, "court", "Alfie Thompson"))
	if st["state"] == "approved" {
		if r := m.law.Do(http.MethodPost, "/api/v1/redactions/"+st["id"].(string)+"/legal-approve", map[string]any{"sha256": st["version_sha256"]}); r.Status != http.StatusOK {
			m.t.Fatalf("legal approve: %d %s", r.Status, r.Body)
		}
	}
	tg.release = doc
	return doc
}

// delivered returns a release of tg's releasable document, once the
// worker has stamped it and rendered the family's letter.
func (m *accessMatrix) delivered(tg *matrixTarget) string {
	if tg.released != "" {
		return tg.released
	}
	r := m.sw.Do(http.MethodPost, "/api/v1/documents/"+m.releasable(tg)+"/releases", releaseBody("court"))
	if r.Status != http.StatusCreated {
		m.t.Fatalf("release: %d %s", r.Status, r.Body)
	}
	id := r.Map(m.t)["id"].(string)
	deadline := time.Now().Add(wait)
	for {
		rel, err := m.env.App.Releases.GetRelease(context.Background(), id)
		if err != nil {
			m.t.Fatal(err)
		}
		if rel.Delivery.State == "delivered" && rel.Delivery.FamilyLetter {
			break
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("release %s not delivered after %s", id, wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
	tg.released = id
	return id
}

// consentOn records a fresh consent on doc and returns its id.
func (m *accessMatrix) consentOn(doc string) string {
	r := postMultipart(m.sw, "/api/v1/documents/"+doc+"/consents", consentMeta("family"), []byte("%PDF-1.4\n% the author's letter\n"))
	if r.Status != http.StatusCreated {
		m.t.Fatalf("consent: %d %s", r.Status, r.Body)
	}
	return r.Map(m.t)["id"].(string)
}

// overrideOn has Legal Services record an override on doc (routed to
// them) and returns its id.
func (m *accessMatrix) overrideOn(doc string) string {
	r := postMultipart(m.law, "/api/v1/documents/"+doc+"/consent-overrides", map[string]any{"audience": "court", "basis": "court_order",
		"detail": "Order of HHJ Example, 18 November 2026"}, []byte("%PDF-1.4\n% the sealed order\n"))
	if r.Status != http.StatusCreated {
		m.t.Fatalf("override: %d %s", r.Status, r.Body)
	}
	return r.Map(m.t)["id"].(string)
}

// ask has the social worker ask Legal Services about doc and returns the
// request's id.
func (m *accessMatrix) ask(doc string) string {
	r := m.sw.Do(http.MethodPost, "/api/v1/documents/"+doc+"/legal-advice", map[string]any{"question": "May this go to the mother?"})
	if r.Status != http.StatusCreated {
		m.t.Fatalf("ask advice: %d %s", r.Status, r.Body)
	}
	return r.Map(m.t)["id"].(string)
}

// drawn has c draw a family set on tg's document; submitted, it waits
// for the engine's version.
func (m *accessMatrix) drawn(c *apptest.Client, tg *matrixTarget, submit bool) map[string]any {
	t := m.t
	t.Helper()
	r := c.Do(http.MethodPost, "/api/v1/documents/"+tg.doc+"/redactions", setBody("family"))
	if r.Status != http.StatusCreated {
		t.Fatalf("draw set: %d %s", r.Status, r.Body)
	}
	st := r.Map(t)
	if !submit {
		return st
	}
	id := st["id"].(string)
	if r := c.Do(http.MethodPost, "/api/v1/redactions/"+id+"/submit", nil); r.Status != http.StatusOK {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	deadline := time.Now().Add(wait)
	for {
		st = c.Do(http.MethodGet, "/api/v1/redactions/"+id, nil).Map(t)
		if st["apply_error"] != nil {
			t.Fatalf("apply: %v", st["apply_error"])
		}
		if st["version_sha256"] != nil {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("redaction set %s not applied after %s", id, wait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// draft is a fresh draft set drawn by the social worker.
func (m *accessMatrix) draft(tg *matrixTarget) map[string]any { return m.drawn(m.sw, tg, false) }

// submitted is a fresh set drawn by the social worker, submitted, with
// its version made.
func (m *accessMatrix) submitted(tg *matrixTarget) map[string]any { return m.drawn(m.sw, tg, true) }

// submittedByManager is submitted, but drawn by the manager.
func (m *accessMatrix) submittedByManager(tg *matrixTarget) map[string]any {
	return m.drawn(m.mgr, tg, true)
}

// editedByManager is drawn and submitted by the social worker after the
// manager changed its terms.
func (m *accessMatrix) editedByManager(tg *matrixTarget) map[string]any {
	t := m.t
	t.Helper()
	st := m.drawn(m.sw, tg, false)
	id := st["id"].(string)
	if r := m.mgr.Do(http.MethodPut, "/api/v1/redactions/"+id, setBody("")); r.Status != http.StatusOK {
		t.Fatalf("manager edits: %d %s", r.Status, r.Body)
	}
	if r := m.sw.Do(http.MethodPost, "/api/v1/redactions/"+id+"/submit", nil); r.Status != http.StatusOK {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	deadline := time.Now().Add(wait)
	for {
		st = m.sw.Do(http.MethodGet, "/api/v1/redactions/"+id, nil).Map(t)
		if st["version_sha256"] != nil {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("redaction set %s not applied after %s", id, wait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// approved is a fresh set the manager approved: waiting for Legal on a
// Care Order case, applied on any other.
func (m *accessMatrix) approved(tg *matrixTarget) map[string]any {
	return m.approve(m.drawn(m.sw, tg, true))
}
