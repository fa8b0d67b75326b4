package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
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
	// routed is a document routed to Legal by an advice request (made on
	// first use), on another case with the same legal status: on a case
	// never routed to Legal, an advice request or an override can only
	// exist on a document it routes, and the case itself stays never
	// routed for the rows about the case.
	routed string
	// released is a release of it, delivered (made on first use).
	released string
	// release is a document ready to release to court (made on first use).
	release string
	// request is a consent request on doc, and letter the letter of one
	// in the outbox (made on first use).
	request, letter string
}

// accessMatrix is the fixture of TestAccessMatrixRelease: the release
// scenarios' people (sam and mo allocated to every case, olu on none, lee
// of Legal Services, ada the administrator) and a manager on no case.
type accessMatrix struct {
	*releaseEnv
	otherMgr *apptest.Client
	n        int
	notice   string // a notice to Legal Services in the outbox (made on first use)
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

			// Asking the author (web.authorRoutes). Legal Services sees the
			// requests on a document routed to it, as it sees its consents;
			// a request's letters hold the author's links, for the case's
			// social worker and manager only.
			{"GET /api/v1/documents/{id}/consent-requests", doc("/consent-requests", nil), false,
				cells{200, 200, 403, 403, 200, 200, 403, 403, 401}},
			// A document has one open request at a time: none is open.
			{"POST /api/v1/documents/{id}/consent-requests", func(tg *matrixTarget) (string, any) {
				m.cancelOpenRequests(tg.doc)
				return "/api/v1/documents/" + tg.doc + "/consent-requests", requestBody()
			}, false, cells{201, 201, 403, 403, 403, 403, 403, 403, 401}},
			{"GET /api/v1/documents/{id}/consent-requests/{rid}", func(tg *matrixTarget) (string, any) {
				if tg.request == "" {
					tg.request = m.freshRequest(tg)
				}
				return "/api/v1/documents/" + tg.doc + "/consent-requests/" + tg.request, nil
			}, false, cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			{"POST /api/v1/documents/{id}/consent-requests/{rid}/cancel", func(tg *matrixTarget) (string, any) {
				return "/api/v1/documents/" + tg.doc + "/consent-requests/" + m.freshRequest(tg) + "/cancel",
					map[string]any{"reason": "the author has answered by letter"}
			}, false, cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},

			// The outbox (web.outboxRoutes): the people of the case; Legal
			// Services, and the administrator, the notices to Legal
			// Services. A listing shows each caller only those (checked
			// below): an author's letter holds their link.
			{"GET /api/v1/outbox", at("/api/v1/outbox", nil), false,
				cells{200, 200, 200, 200, 200, 200, 200, 200, 401}},
			{"GET /api/v1/outbox/{mid}/letter", func(tg *matrixTarget) (string, any) {
				if tg.letter == "" {
					tg.letter = m.freshLetter(tg)
				}
				return "/api/v1/outbox/" + tg.letter + "/letter", nil
			}, false, cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			{"POST /api/v1/outbox/{mid}/sent", func(tg *matrixTarget) (string, any) {
				return "/api/v1/outbox/" + m.freshLetter(tg) + "/sent", nil
			}, false, cells{200, 200, 403, 403, 403, 403, 403, 403, 401}},
			// A notice routing a Care Order case's set to Legal Services
			// (the same one for every column); the administrator sees it
			// (no document content) but leaves it to those who act on it.
			{"GET /api/v1/outbox/{mid}/letter of a notice to Legal", func(*matrixTarget) (string, any) {
				if m.notice == "" {
					m.notice = m.legalNotice(co)
				}
				return "/api/v1/outbox/" + m.notice + "/letter", nil
			}, false, cells{200, 200, 403, 403, 200, 200, 200, 200, 401}},
			{"POST /api/v1/outbox/{mid}/sent of a notice to Legal", func(*matrixTarget) (string, any) {
				return "/api/v1/outbox/" + m.legalNotice(co) + "/sent", nil
			}, false, cells{200, 200, 403, 403, 200, 200, 200, 403, 401}},

			// Legal Services sees the cases routed to it (DESIGN.md section
			// 1): the case record, the documents routed to it, and their
			// audit trails; a whole case's trail under a Care Order only,
			// where every document is routed to it.
			{"GET /api/v1/cases/{case}", func(tg *matrixTarget) (string, any) {
				return "/api/v1/cases/" + tg.caseID, nil
			}, false, cells{200, 200, 403, 403, 200, 200, 403, 200, 401}},
			{"GET /api/v1/cases/{case}/documents", func(tg *matrixTarget) (string, any) {
				return "/api/v1/cases/" + tg.caseID + "/documents", nil
			}, false, cells{200, 200, 403, 403, 200, 200, 403, 403, 401}},
			{"GET /api/v1/audit of a document", func(tg *matrixTarget) (string, any) {
				return "/api/v1/audit?document=" + tg.doc, nil
			}, false, cells{200, 200, 403, 403, 200, 200, 403, 200, 401}},
			{"GET /api/v1/audit of a case", func(tg *matrixTarget) (string, any) {
				return "/api/v1/audit?case=" + tg.caseID, nil
			}, false, cells{200, 200, 403, 403, 200, 403, 403, 200, 401}},
		}

		t.Run("every release, delivery, author and outbox route has a row", func(t *testing.T) {
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

		// What the 200s above hold.
		t.Run("Legal lists only the documents routed to it", func(t *testing.T) {
			m.t = t
			other := m.upload(advice.caseID) // no advice asked: not routed
			ids := func(c *apptest.Client, caseID string) []string {
				r := c.Do(http.MethodGet, "/api/v1/cases/"+caseID+"/documents", nil)
				if r.Status != http.StatusOK {
					t.Fatalf("list documents: %d %s", r.Status, r.Body)
				}
				var v struct {
					Documents []struct {
						ID string `json:"id"`
					} `json:"documents"`
				}
				r.JSON(t, &v)
				var out []string
				for _, d := range v.Documents {
					out = append(out, d.ID)
				}
				return out
			}
			if got := ids(m.law, advice.caseID); !slices.Contains(got, advice.doc) || slices.Contains(got, other) {
				t.Errorf("Legal lists %v on a case with one document routed (%s), not %s", got, advice.doc, other)
			}
			if got := ids(m.sw, advice.caseID); !slices.Contains(got, advice.doc) || !slices.Contains(got, other) {
				t.Errorf("the social worker lists %v", got)
			}
			if got, all := ids(m.law, co.caseID), ids(m.sw, co.caseID); !slices.Equal(got, all) {
				t.Errorf("Legal lists %v on a Care Order case, the social worker %v", got, all)
			}
		})

		t.Run("the outbox shows each caller their own cases' letters", func(t *testing.T) {
			m.t = t
			letters := map[string]bool{}
			for _, tg := range []*matrixTarget{co, advice, none} {
				if tg.letter != "" {
					letters[tg.letter] = true
				}
			}
			for _, c := range []*apptest.Client{m.sw, m.mgr, m.other, m.otherMgr, m.law, m.admin} {
				r := c.Do(http.MethodGet, "/api/v1/outbox", nil)
				var v struct {
					Messages []map[string]any `json:"messages"`
				}
				r.JSON(t, &v)
				seen := 0
				for _, msg := range v.Messages {
					if letters[msg["id"].(string)] {
						seen++
					}
				}
				switch c {
				case m.sw, m.mgr:
					if seen != len(letters) {
						t.Errorf("%s sees %d of the %d letters of their cases", c.User.Username, seen, len(letters))
					}
				case m.law, m.admin:
					for _, msg := range v.Messages {
						if msg["kind"] != "legal_route" {
							t.Errorf("%s sees a %v in the outbox", c.User.Username, msg["kind"])
						}
					}
					if len(v.Messages) == 0 || authorLink.Match(r.Body) {
						t.Errorf("%s's outbox: %s", c.User.Username, r.Body)
					}
				default:
					if len(v.Messages) != 0 || authorLink.Match(r.Body) {
						t.Errorf("%s, on none of the cases, sees %d messages: %s", c.User.Username, len(v.Messages), r.Body)
					}
				}
			}
		})
	})
}

// TestAccessMatrixAuthorLink checks the author's public routes (the ones
// web.authorRoutes registers through author): the link's token is the
// author's only credential. A valid link works for anyone without an
// account; a user's session or API token adds nothing (the audit names the
// author, never the user, and a used link is gone for everyone); the
// link's token is no API credential; an unknown link is 404 for everyone,
// audited as a refusal by an unknown author, without the token.
func TestAccessMatrixAuthorLink(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		e := newReleaseEnv(t, mode)
		ctx := t.Context()
		_, doc := e.document("child_in_need")
		family := e.approve(e.setFor(doc, "family", "Alfie Thompson"))
		rid := e.askAuthor(doc, "", nil)["id"].(string)
		token := tokenIn(t, e.waitLetter(doc, rid)["body"].(string))
		author := "author:" + rid

		// The routes exercised here are every public route of authorRoutes.
		tested := []string{"GET /author/v1/{token}", "GET /author/v1/{token}/preview/{audience}", "POST /author/v1/{token}/answer", "/author/"}
		for _, p := range routePatterns(t, "../web/author.go", "authorRoutes", "author") {
			if !slices.Contains(tested, p) {
				t.Errorf("the author's route %q is not tested here", p)
			}
		}

		// A session cookie, as well as API tokens.
		if err := e.env.App.Users.SetPassword(ctx, e.mgr.User.ID, "correct horse battery"); err != nil {
			t.Fatal(err)
		}
		login := e.env.Anonymous().Do(http.MethodPost, "/api/v1/session", map[string]any{"username": "mo", "password": "correct horse battery"})
		if login.Status != http.StatusCreated {
			t.Fatalf("sign in: %d %s", login.Status, login.Body)
		}
		cookie, _, _ := strings.Cut(login.Header.Get("Set-Cookie"), ";")
		type caller struct {
			name   string
			c      *apptest.Client
			cookie string
			userID string
		}
		callers := []caller{{"anon", e.env.Anonymous(), "", ""}, {"sw", e.sw, "", e.sw.User.ID}, {"other_sw", e.other, "", e.other.User.ID},
			{"legal", e.law, "", e.law.User.ID}, {"admin", e.admin, "", e.admin.User.ID},
			{"mgr_session", e.env.Anonymous(), cookie, e.mgr.User.ID}}
		do := func(t *testing.T, cl caller, method, path string, body any) *apptest.Response {
			t.Helper()
			if cl.cookie == "" {
				return cl.c.Do(method, path, body)
			}
			var rd io.Reader
			if body != nil {
				b, err := json.Marshal(body)
				if err != nil {
					t.Fatal(err)
				}
				rd = bytes.NewReader(b)
			}
			req, err := http.NewRequest(method, e.env.URL+path, rd)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Cookie", cookie)
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			return &apptest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
		}
		// call makes a request as cl and checks its status, and that the
		// audit rows it left name the author (or an unknown one), never
		// the user, and hold no token.
		call := func(t *testing.T, cl caller, method, path string, body any, want int, actorID, outcome string) *apptest.Response {
			t.Helper()
			head := auditHead(t, e.env)
			r := do(t, cl, method, path, body)
			if r.Status != want {
				t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, cl.name, r.Status, want, r.Body)
			}
			tok, _, _ := strings.Cut(strings.TrimPrefix(path, "/author/v1/"), "/")
			if r.Status >= 400 && strings.Contains(string(r.Body), tok) {
				t.Fatalf("the problem echoes the token: %s", r.Body)
			}
			es, err := e.env.App.Audit.List(ctx, audit.Filter{AfterSeq: head})
			if err != nil {
				t.Fatal(err)
			}
			n, others := 0, 0
			for _, en := range es {
				if b, _ := json.Marshal(en); strings.Contains(string(b), tok) {
					t.Fatalf("the token is in the audit log: %s", b)
				}
				switch {
				case cl.userID != "" && en.ActorID == cl.userID:
					t.Fatalf("%s %s left an audit row naming the user %s: %+v", method, path, cl.name, en)
				case en.ActorID == actorID && en.Outcome == outcome:
					n++
				case strings.HasPrefix(en.ActorID, "author:"):
					others++
				}
			}
			// A refusal leaves one row; an answer two (the consent and
			// the answer).
			if (outcome == "" && n != 0) || (outcome == audit.Denied && n != 1) || (outcome != "" && n == 0) || others != 0 {
				t.Fatalf("%s %s as %s: audit rows %+v, want %s rows by %s and no other by an author", method, path, cl.name, es, outcome, actorID)
			}
			return r
		}

		t.Run("a valid link works for anyone, and the same for all", func(t *testing.T) {
			var first []byte
			for _, cl := range callers {
				v := call(t, cl, http.MethodGet, "/author/v1/"+token, nil, http.StatusOK, author, audit.OK)
				if first == nil {
					first = v.Body
				} else if !bytes.Equal(v.Body, first) {
					t.Errorf("%s sees another page:\n%s\nnot\n%s", cl.name, v.Body, first)
				}
				p := call(t, cl, http.MethodGet, "/author/v1/"+token+"/preview/family", nil, http.StatusOK, author, audit.OK)
				if p.Header.Get("X-Content-SHA256") != family["version_sha256"] {
					t.Errorf("%s: preview %s, want the family version %v", cl.name, p.Header.Get("X-Content-SHA256"), family["version_sha256"])
				}
				// No version for the court yet, for anyone (audited as a
				// failed preview by the author).
				call(t, cl, http.MethodGet, "/author/v1/"+token+"/preview/court", nil, http.StatusNotFound, author, audit.Failed)
			}
		})

		t.Run("the link's token is no API credential", func(t *testing.T) {
			c := &apptest.Client{T: t, Base: e.env.URL, Token: token}
			for _, path := range []string{"/api/v1/me", "/api/v1/documents/" + doc, "/api/v1/outbox", "/api/v1/documents/" + doc + "/consent-requests/" + rid} {
				if r := c.Do(http.MethodGet, path, nil); r.Status != http.StatusUnauthorized {
					t.Errorf("GET %s with the author's token as Bearer: %d", path, r.Status)
				}
			}
		})

		t.Run("an unknown link is 404 for everyone, audited", func(t *testing.T) {
			for _, bad := range []string{strings.Repeat("A", 43), "not-a-token"} {
				for _, cl := range callers {
					for _, rt := range []struct{ method, suffix string }{{http.MethodGet, ""}, {http.MethodGet, "/preview/family"}, {http.MethodPost, "/answer"}} {
						var body any
						if rt.method == http.MethodPost {
							body = answerBody()
						}
						call(t, cl, rt.method, "/author/v1/"+bad+rt.suffix, body, http.StatusNotFound, "author:unknown", audit.Denied)
					}
				}
			}
			// A path under /author/ that is no route is 404, not audited.
			call(t, callers[1], http.MethodGet, "/author/v1/"+strings.Repeat("A", 43)+"/something", nil, http.StatusNotFound, "", "")
		})

		t.Run("an answer with a user's credentials is the author's, and uses the link up for everyone", func(t *testing.T) {
			ans := answerBody()
			ans["previews_seen"] = map[string]string{"family": family["version_sha256"].(string)}
			// The administrator's token: the consent is still the
			// author's, recorded for the social worker who asked.
			a := call(t, callers[4], http.MethodPost, "/author/v1/"+token+"/answer", ans, http.StatusCreated, author, audit.OK)
			var v struct {
				Consent map[string]any `json:"consent"`
			}
			a.JSON(t, &v)
			if v.Consent["evidence_kind"] != "author_answer" || v.Consent["recorded_by"] != e.sw.User.ID {
				t.Errorf("consent from the link: %v", v.Consent)
			}
			for _, cl := range callers {
				call(t, cl, http.MethodGet, "/author/v1/"+token, nil, http.StatusGone, author, audit.Denied)
				call(t, cl, http.MethodPost, "/author/v1/"+token+"/answer", answerBody(), http.StatusGone, author, audit.Denied)
			}
		})
	})
}

// releaseRoutePatterns reads the patterns web.releaseRoutes,
// web.deliveryRoutes, web.authorRoutes and web.outboxRoutes register
// (through api: the authenticated routes) from their source, so a route
// added there without a row here fails the test.
func releaseRoutePatterns(t *testing.T) []string {
	t.Helper()
	var out []string
	for file, name := range map[string]string{"../web/release.go": "releaseRoutes", "../web/delivery.go": "deliveryRoutes",
		"../web/author.go": "authorRoutes", "../web/outbox.go": "outboxRoutes"} {
		out = append(out, routePatterns(t, file, name, "api")...)
	}
	return out
}

// routePatterns reads the patterns function name of file registers by
// calling callee (api, or author for the author's public routes).
func routePatterns(t *testing.T, file, name, callee string) []string {
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
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == callee {
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

// routedDoc is a document that Legal Services sees: the target's own,
// unless its case was never routed to Legal; then one of another such
// case, routed by an advice request.
func (m *accessMatrix) routedDoc(tg *matrixTarget) string {
	if tg.status != "none" {
		return tg.doc
	}
	if tg.routed == "" {
		tg.routed = m.target(tg.status).doc
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

// requestBody asks the author about the family and the court.
func requestBody() map[string]any {
	return map[string]any{"author": map[string]any{"name": "DC Jane Example", "role": "Detective Constable", "organisation": "Example Constabulary"},
		"audiences": []string{"family", "court"}, "proposed_redactions": "The child's name (third-party personal data)",
		"reply_to": "sam.jones@council.example", "document_type": "police report"}
}

// cancelOpenRequests has the social worker cancel doc's open consent
// request, if it has one, so that a new one may be made.
func (m *accessMatrix) cancelOpenRequests(doc string) {
	t := m.t
	t.Helper()
	r := m.sw.Do(http.MethodGet, "/api/v1/documents/"+doc+"/consent-requests", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("list consent requests: %d %s", r.Status, r.Body)
	}
	var v struct {
		Requests []map[string]any `json:"consent_requests"`
	}
	r.JSON(t, &v)
	for _, rq := range v.Requests {
		if rq["state"] != "requested" {
			continue
		}
		path := "/api/v1/documents/" + doc + "/consent-requests/" + rq["id"].(string) + "/cancel"
		if r := m.sw.Do(http.MethodPost, path, map[string]any{"reason": "asked again"}); r.Status != http.StatusOK {
			t.Fatalf("cancel consent request: %d %s", r.Status, r.Body)
		}
	}
}

// freshRequest is a new open consent request on tg's document (any open
// one is cancelled first).
func (m *accessMatrix) freshRequest(tg *matrixTarget) string {
	m.t.Helper()
	m.cancelOpenRequests(tg.doc)
	return m.askAuthor(tg.doc, "", nil)["id"].(string)
}

// freshLetter is the letter of a fresh consent request on tg's document,
// kept in the outbox (no SMTP server) for a person to send.
func (m *accessMatrix) freshLetter(tg *matrixTarget) string {
	m.t.Helper()
	l := m.waitLetter(tg.doc, m.freshRequest(tg))
	if l["state"] != "kept" {
		m.t.Fatalf("letter: %v", l)
	}
	return l["id"].(string)
}

// legalNotice is the notice, in the outbox, telling Legal Services of a
// fresh set the manager approved on Care Order case tg.
func (m *accessMatrix) legalNotice(tg *matrixTarget) string {
	m.t.Helper()
	st := m.approved(tg)
	if st["state"] != "approved" {
		m.t.Fatalf("set on a Care Order case: %v", st)
	}
	return waitNotice(m.t, m.law, "legal_route", "redaction_set_id", st["id"].(string))["id"].(string)
}
