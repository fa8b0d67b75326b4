package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/user"
)

// TestAccessMatrix calls every route of users, cases and documents as
// every kind of caller and checks the status, on each backend; every 403
// must leave a "denied" row in the audit log. Legal Services here is on a
// case never routed to it; TestAccessMatrixRelease covers the release
// path, and the case, its documents and their audit trails for Legal
// Services on routed cases.
func TestAccessMatrix(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		env := apptest.Start(t, mode, apptest.Options{})
		sw := env.User("sam", user.SocialWorker)
		mgr := env.User("mo", user.Manager)
		other := env.User("olu", user.SocialWorker)
		legal := env.User("lee", user.Legal)
		admin := env.User("ada", user.Admin)
		anon := env.Anonymous()
		caseID := sw.NewCase("LA-0100", "none")
		if r := admin.Do(http.MethodPost, "/api/v1/cases/"+caseID+"/allocations", map[string]any{"user_id": mgr.User.ID}); r.Status != http.StatusCreated {
			t.Fatalf("allocate manager: %d %s", r.Status, r.Body)
		}
		up := sw.Upload(caseID, "r.pdf", ingesttest.TextPDF(t, 1), apptest.Receipt())
		docID := up.Map(t)["id"].(string)
		sw.WaitDocument(docID, wait)

		n := 0
		fresh := func(role user.Role) string { // a user to allocate or give a token to
			n++
			c := env.User(fmt.Sprintf("extra%d", n), role)
			return c.User.ID
		}
		refs := 0
		type call struct {
			name   string
			do     func(c *apptest.Client) *apptest.Response
			expect map[string]int // caller name → status
		}
		up1 := func(c *apptest.Client) *apptest.Response {
			return c.Upload(caseID, "r.pdf", ingesttest.TextPDF(t, 1), apptest.Receipt())
		}
		calls := []call{
			{"GET me", func(c *apptest.Client) *apptest.Response { return c.Do("GET", "/api/v1/me", nil) },
				map[string]int{"sw": 200, "mgr": 200, "other": 200, "legal": 200, "admin": 200, "anon": 401}},
			{"POST cases", func(c *apptest.Client) *apptest.Response {
				refs++
				return c.Do("POST", "/api/v1/cases", map[string]any{"child_ref": fmt.Sprintf("LA-9%03d", refs), "legal_status": "none"})
			}, map[string]int{"sw": 201, "mgr": 201, "other": 201, "legal": 403, "admin": 201, "anon": 401}},
			{"GET cases", func(c *apptest.Client) *apptest.Response { return c.Do("GET", "/api/v1/cases", nil) },
				map[string]int{"sw": 200, "mgr": 200, "other": 200, "legal": 200, "admin": 200, "anon": 401}},
			{"GET case", func(c *apptest.Client) *apptest.Response { return c.Do("GET", "/api/v1/cases/"+caseID, nil) },
				map[string]int{"sw": 200, "mgr": 200, "other": 403, "legal": 403, "admin": 200, "anon": 401}},
			{"PATCH case", func(c *apptest.Client) *apptest.Response {
				return c.Do("PATCH", "/api/v1/cases/"+caseID, map[string]any{"legal_status": "child_protection_plan"})
			}, map[string]int{"sw": 200, "mgr": 200, "other": 403, "legal": 403, "admin": 403, "anon": 401}},
			{"POST allocation", func(c *apptest.Client) *apptest.Response {
				return c.Do("POST", "/api/v1/cases/"+caseID+"/allocations", map[string]any{"user_id": fresh(user.SocialWorker)})
			}, map[string]int{"sw": 403, "mgr": 201, "other": 403, "legal": 403, "admin": 201, "anon": 401}},
			{"DELETE allocation", func(c *apptest.Client) *apptest.Response {
				id := fresh(user.SocialWorker)
				if r := admin.Do("POST", "/api/v1/cases/"+caseID+"/allocations", map[string]any{"user_id": id}); r.Status != 201 {
					t.Fatalf("allocate: %d", r.Status)
				}
				return c.Do("DELETE", "/api/v1/cases/"+caseID+"/allocations/"+id, nil)
			}, map[string]int{"sw": 403, "mgr": 204, "other": 403, "legal": 403, "admin": 204, "anon": 401}},
			{"GET case documents", func(c *apptest.Client) *apptest.Response {
				return c.Do("GET", "/api/v1/cases/"+caseID+"/documents", nil)
			},
				map[string]int{"sw": 200, "mgr": 200, "other": 403, "legal": 403, "admin": 403, "anon": 401}},
			{"POST case documents", up1,
				map[string]int{"sw": 202, "mgr": 202, "other": 403, "legal": 403, "admin": 403, "anon": 401}},
			{"GET document", func(c *apptest.Client) *apptest.Response { return c.Do("GET", "/api/v1/documents/"+docID, nil) },
				map[string]int{"sw": 200, "mgr": 200, "other": 403, "legal": 403, "admin": 403, "anon": 401}},
			{"GET document file", func(c *apptest.Client) *apptest.Response { return c.Do("GET", "/api/v1/documents/"+docID+"/file", nil) },
				map[string]int{"sw": 200, "mgr": 200, "other": 403, "legal": 403, "admin": 403, "anon": 401}},
			{"GET audit of document", func(c *apptest.Client) *apptest.Response { return c.Do("GET", "/api/v1/audit?document="+docID, nil) },
				map[string]int{"sw": 200, "mgr": 200, "other": 403, "legal": 403, "admin": 200, "anon": 401}},
			{"GET whole audit", func(c *apptest.Client) *apptest.Response { return c.Do("GET", "/api/v1/audit", nil) },
				map[string]int{"sw": 403, "mgr": 403, "other": 403, "legal": 403, "admin": 200, "anon": 401}},
			{"GET users", func(c *apptest.Client) *apptest.Response { return c.Do("GET", "/api/v1/users", nil) },
				map[string]int{"sw": 403, "mgr": 403, "other": 403, "legal": 403, "admin": 200, "anon": 401}},
			{"POST users", func(c *apptest.Client) *apptest.Response {
				n++
				return c.Do("POST", "/api/v1/users", map[string]any{"username": fmt.Sprintf("new%d", n), "role": "social_worker"})
			}, map[string]int{"sw": 403, "mgr": 403, "other": 403, "legal": 403, "admin": 201, "anon": 401}},
			{"POST token for someone else", func(c *apptest.Client) *apptest.Response {
				return c.Do("POST", "/api/v1/users/"+fresh(user.SocialWorker)+"/tokens", map[string]any{"name": "x"})
			}, map[string]int{"sw": 403, "mgr": 403, "other": 403, "legal": 403, "admin": 201, "anon": 401}},
		}
		callers := map[string]*apptest.Client{"sw": sw, "mgr": mgr, "other": other, "legal": legal, "admin": admin, "anon": anon}
		order := []string{"sw", "mgr", "other", "legal", "admin", "anon"}
		for _, c := range calls {
			for _, who := range order {
				t.Run(c.name+"/"+who, func(t *testing.T) {
					before := deniedCount(t, env)
					r := c.do(callers[who])
					if r.Status != c.expect[who] {
						t.Fatalf("status %d, want %d: %s", r.Status, c.expect[who], r.Body)
					}
					after := deniedCount(t, env)
					switch r.Status {
					case http.StatusForbidden:
						if after != before+1 {
							t.Fatalf("403 left %d denied audit rows, want 1", after-before)
						}
					case http.StatusUnauthorized:
						if !strings.Contains(r.Header.Get("Content-Type"), "problem+json") || r.Header.Get("WWW-Authenticate") == "" {
							t.Fatalf("401 without problem body or WWW-Authenticate: %v", r.Header)
						}
					}
				})
			}
		}
	})
}

func deniedCount(t *testing.T, env *apptest.Env) int {
	es, err := env.App.Audit.List(context.Background(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Outcome == audit.Denied {
			n++
		}
	}
	return n
}

func TestBadCredentials(t *testing.T) {
	env := apptest.Start(t, apptest.Embedded, apptest.Options{})
	for _, tok := range []string{"rgt_not-a-real-token", "garbage", "rgs_session-looking"} {
		c := &apptest.Client{T: t, Base: env.URL, Token: tok}
		if r := c.Do("GET", "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("token %q: %d", tok, r.Status)
		}
	}
	// Sessions: sign in, use the cookie, sign out.
	sw := env.User("sam", user.SocialWorker)
	if err := env.App.Users.SetPassword(context.Background(), sw.User.ID, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if r := env.Anonymous().Do("POST", "/api/v1/session", map[string]any{"username": "sam", "password": "wrong password!!"}); r.Status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", r.Status)
	}
	r := env.Anonymous().Do("POST", "/api/v1/session", map[string]any{"username": "sam", "password": "correct horse battery"})
	if r.Status != http.StatusCreated {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	cookie := r.Header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") {
		t.Fatalf("cookie %q", cookie)
	}
	req, _ := http.NewRequest("GET", env.URL+"/api/v1/me", nil)
	req.Header.Set("Cookie", strings.Split(cookie, ";")[0])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("cookie auth: %d", res.StatusCode)
	}
	// A cross-site state change with the cookie is refused.
	req, _ = http.NewRequest("POST", env.URL+"/api/v1/cases", strings.NewReader(`{"child_ref":"LA-1"}`))
	req.Header.Set("Cookie", strings.Split(cookie, ";")[0])
	req.Header.Set("Origin", "https://evil.example")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST with cookie: %d", res.StatusCode)
	}
}
