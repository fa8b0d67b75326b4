package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/config"
	"github.com/releasegate/releasegate/internal/mail/mailtest"
	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/internal/user"
	"github.com/releasegate/releasegate/worker"
)

// authorLink finds the author's link in a letter or email.
var authorLink = regexp.MustCompile(`/author/v1/([A-Za-z0-9_-]{43})`)

// newAuthorEnv is a releaseEnv whose authors' links work for 30 days
// (long enough for every reminder of the chase scenario), with opts'
// other settings.
func newAuthorEnv(t *testing.T, mode apptest.Mode, tweak func(*config.Config)) *releaseEnv {
	env := apptest.Start(t, mode, apptest.Options{Config: func(c *config.Config) {
		c.ConsentLinkDays = 30
		if tweak != nil {
			tweak(c)
		}
	}})
	return &releaseEnv{t: t, env: env, sw: env.User("sam", user.SocialWorker), mgr: env.User("mo", user.Manager),
		other: env.User("olu", user.SocialWorker), law: env.User("lee", user.Legal), admin: env.User("ada", user.Admin)}
}

// askAuthor posts a consent request for the family and court.
func (e *releaseEnv) askAuthor(docID string, email string, extra map[string]any) map[string]any {
	e.t.Helper()
	author := map[string]any{"name": "DC Jane Example", "role": "Detective Constable", "organisation": "Example Constabulary"}
	if email != "" {
		author["email"] = email
	}
	body := map[string]any{"author": author, "audiences": []string{"family", "court"},
		"proposed_redactions": "The child's name (third-party personal data)\nThe foster carer's address (risk of harm)",
		"reply_to":            "sam.jones@council.example", "document_type": "police report"}
	for k, v := range extra {
		body[k] = v
	}
	r := e.sw.Do(http.MethodPost, "/api/v1/documents/"+docID+"/consent-requests", body)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("consent request: %d %s", r.Status, r.Body)
	}
	return r.Map(e.t)
}

// requestWithMessages returns a request and its letters, as the social
// worker sees them.
func (e *releaseEnv) requestWithMessages(docID, reqID string) (map[string]any, []map[string]any) {
	e.t.Helper()
	r := e.sw.Do(http.MethodGet, "/api/v1/documents/"+docID+"/consent-requests/"+reqID, nil)
	if r.Status != http.StatusOK {
		e.t.Fatalf("get consent request: %d %s", r.Status, r.Body)
	}
	var v struct {
		Messages []map[string]any `json:"messages"`
	}
	r.JSON(e.t, &v)
	return r.Map(e.t), v.Messages
}

// messagesOf counts a request's letters of kind.
func messagesOf(ms []map[string]any, kind string) []map[string]any {
	var out []map[string]any
	for _, m := range ms {
		if m["kind"] == kind {
			out = append(out, m)
		}
	}
	return out
}

// outbox lists the outbox as c sees it, for one request.
func outbox(t *testing.T, c *apptest.Client, reqID string) []map[string]any {
	t.Helper()
	r := c.Do(http.MethodGet, "/api/v1/outbox", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("outbox: %d %s", r.Status, r.Body)
	}
	var v struct {
		Messages []map[string]any `json:"messages"`
	}
	r.JSON(t, &v)
	var out []map[string]any
	for _, m := range v.Messages {
		if m["consent_request_id"] == reqID {
			out = append(out, m)
		}
	}
	return out
}

// waitLetter polls until the request's own letter exists and returns it.
func (e *releaseEnv) waitLetter(docID, reqID string) map[string]any {
	e.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		req, ms := e.requestWithMessages(docID, reqID)
		if l := messagesOf(ms, "consent_request"); len(l) == 1 && req["sent_at"] != nil {
			return l[0]
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("the letter of request %s was not sent after %s: %v", reqID, wait, ms)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tokenIn(t *testing.T, text string) string {
	t.Helper()
	m := authorLink.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no author link in %q", text)
	}
	return m[1]
}

func answerBody() map[string]any {
	return map[string]any{
		"answers":         map[string]string{"family": "granted", "court": "refused"},
		"conditions":      "The foster carer must not be named.",
		"condition_terms": []string{"Kowalczyk"},
		"given_by":        map[string]any{"name": "DC Jane Example", "role": "Detective Constable", "organisation": "Example Constabulary"},
	}
}

func TestAuthor(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		e := newAuthorEnv(t, mode, nil)
		ctx := context.Background()

		t.Run("12 the author answers through the link", func(t *testing.T) {
			e.t = t
			_, doc := e.document("child_in_need")
			family := e.approve(e.setFor(doc, "family", "Alfie Thompson"))
			due := time.Now().AddDate(0, 0, 10)
			req := e.askAuthor(doc, "jane.example@police.example", map[string]any{"due_on": due.Format(time.DateOnly)})
			if req["state"] != "requested" {
				t.Fatalf("request: %v", req)
			}
			rid := req["id"].(string)
			// The document's task list shows the audiences asked as requested.
			var dv struct {
				Audiences map[string]struct{ Consent string }
			}
			e.sw.Do(http.MethodGet, "/api/v1/documents/"+doc, nil).JSON(t, &dv)
			if dv.Audiences["family"].Consent != "requested" || dv.Audiences["court"].Consent != "requested" || dv.Audiences["professional"].Consent != "not_requested" {
				t.Errorf("task list while the request is open: %+v", dv.Audiences)
			}

			// No SMTP server: the task puts the letter in the outbox.
			letter := e.waitLetter(doc, rid)
			if letter["state"] != "kept" || !strings.Contains(letter["body"].(string), "DC Jane Example") {
				t.Fatalf("letter: %v", letter)
			}
			if want := "answer by " + due.Format("2 January 2006"); !strings.Contains(letter["body"].(string), want) {
				t.Errorf("the letter does not ask for an answer by the due date (%q)", want)
			}
			token := tokenIn(t, letter["body"].(string))
			if ob := outbox(t, e.sw, rid); len(ob) != 1 || ob[0]["id"] != letter["id"] {
				t.Fatalf("social worker's outbox: %v", ob)
			}
			if ob := outbox(t, e.mgr, rid); len(ob) != 1 {
				t.Fatalf("manager's outbox: %v", ob)
			}
			if ob := outbox(t, e.other, rid); len(ob) != 0 {
				t.Fatalf("a social worker not allocated sees the letter: %v", ob)
			}
			// Legal Services' outbox holds their own notices, never an
			// author's letter.
			if ob := outbox(t, e.law, rid); len(ob) != 0 {
				t.Errorf("Legal Services see the author's letter: %v", ob)
			}
			pdf := e.sw.Do(http.MethodGet, "/api/v1/outbox/"+letter["id"].(string)+"/letter", nil)
			if pdf.Status != http.StatusOK || !bytes.HasPrefix(pdf.Body, []byte("%PDF-")) {
				t.Fatalf("letter PDF: %d %.40q", pdf.Status, pdf.Body)
			}
			if r := e.other.Do(http.MethodGet, "/api/v1/outbox/"+letter["id"].(string)+"/letter", nil); r.Status != http.StatusForbidden {
				t.Errorf("letter for a social worker not allocated: %d", r.Status)
			}

			// The same task again sends nothing more.
			task, _, err := worker.NewConsentRequestTask(rid)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 {
				if err := e.env.App.Worker.HandleConsentRequest(ctx, task); err != nil {
					t.Fatal(err)
				}
			}
			if _, ms := e.requestWithMessages(doc, rid); len(ms) != 1 {
				t.Fatalf("after running the task again: %d letters", len(ms))
			}

			// The author opens the link, without an account.
			author := e.env.Anonymous()
			v := author.Do(http.MethodGet, "/author/v1/"+token, nil)
			if v.Status != http.StatusOK {
				t.Fatalf("author's page: %d %s", v.Status, v.Body)
			}
			var page struct {
				Document struct {
					Title string `json:"title"`
					Pages int    `json:"pages"`
				} `json:"document"`
				Audiences []struct {
					Audience string `json:"audience"`
					Preview  *struct {
						SHA256 string `json:"sha256"`
						URL    string `json:"url"`
					} `json:"preview"`
					Note string `json:"note"`
				} `json:"audiences"`
			}
			v.JSON(t, &page)
			if page.Document.Title != "police report.pdf" || page.Document.Pages != 1 || len(page.Audiences) != 2 {
				t.Fatalf("author's page: %s", v.Body)
			}
			fam, court := page.Audiences[0], page.Audiences[1]
			if fam.Audience != "family" || fam.Preview == nil || fam.Preview.SHA256 != family["version_sha256"] {
				t.Fatalf("family preview: %s", v.Body)
			}
			if court.Audience != "court" || court.Preview != nil || court.Note == "" {
				t.Fatalf("court: %s", v.Body)
			}
			p := author.Do(http.MethodGet, fam.Preview.URL, nil)
			sum := sha256.Sum256(p.Body)
			if p.Status != http.StatusOK || hex.EncodeToString(sum[:]) != fam.Preview.SHA256 || p.Header.Get("X-Content-SHA256") != fam.Preview.SHA256 {
				t.Fatalf("family preview download: %d, sha256 %x", p.Status, sum)
			}
			if bytes.Contains(bytes.ToLower(p.Body), []byte("thompson")) {
				t.Error("the preview holds the redacted name")
			}
			for _, a := range []string{"court", "professional"} {
				if r := author.Do(http.MethodGet, "/author/v1/"+token+"/preview/"+a, nil); r.Status != http.StatusNotFound {
					t.Errorf("preview %s: %d", a, r.Status)
				}
			}

			// An answer about an audience not asked is refused; so is one
			// about a version other than the one shown.
			bad := answerBody()
			bad["answers"] = map[string]string{"family": "granted", "court": "refused", "professional": "granted"}
			if r := author.Do(http.MethodPost, "/author/v1/"+token+"/answer", bad); r.Status != http.StatusUnprocessableEntity {
				t.Errorf("answer about an audience not asked: %d %s", r.Status, r.Body)
			}
			bad = answerBody()
			bad["previews_seen"] = map[string]string{"family": strings.Repeat("0", 64)}
			if r := author.Do(http.MethodPost, "/author/v1/"+token+"/answer", bad); r.Status != http.StatusConflict {
				t.Errorf("answer about another version: %d %s", r.Status, r.Body)
			}

			ans := answerBody()
			ans["previews_seen"] = map[string]string{"family": fam.Preview.SHA256, "court": ""}
			a := author.Do(http.MethodPost, "/author/v1/"+token+"/answer", ans)
			if a.Status != http.StatusCreated {
				t.Fatalf("answer: %d %s", a.Status, a.Body)
			}
			var answered struct {
				Consent map[string]any `json:"consent"`
			}
			a.JSON(t, &answered)
			if answered.Consent["state"] != "partly_granted" || answered.Consent["evidence_kind"] != "author_answer" {
				t.Fatalf("consent: %v", answered.Consent)
			}

			// The consent is on the document, its evidence the answer and
			// what the author saw.
			cs := e.sw.Do(http.MethodGet, "/api/v1/documents/"+doc+"/consents", nil)
			var consents struct {
				Consents []map[string]any `json:"consents"`
			}
			cs.JSON(t, &consents)
			if len(consents.Consents) != 1 || consents.Consents[0]["state"] != "partly_granted" {
				t.Fatalf("consents: %s", cs.Body)
			}
			var evidence struct {
				RequestID     string `json:"consent_request_id"`
				AnsweredAt    string `json:"answered_at"`
				PreviewsShown []struct {
					Audience string `json:"audience"`
					SHA256   string `json:"sha256"`
					NoneYet  bool   `json:"none_yet"`
				} `json:"previews_shown"`
				Answer struct {
					Answers        map[string]string `json:"answers"`
					ConditionTerms []string          `json:"condition_terms"`
				} `json:"answer"`
			}
			readEvidence(t, e.env, consents.Consents[0]["evidence_sha256"].(string), &evidence)
			if evidence.RequestID != rid || evidence.AnsweredAt == "" || evidence.Answer.Answers["family"] != "granted" ||
				fmt.Sprint(evidence.Answer.ConditionTerms) != "[Kowalczyk]" || len(evidence.PreviewsShown) != 2 ||
				evidence.PreviewsShown[0].SHA256 != fam.Preview.SHA256 || !evidence.PreviewsShown[1].NoneYet {
				t.Fatalf("evidence: %+v", evidence)
			}

			// The link works once.
			if r := author.Do(http.MethodGet, "/author/v1/"+token, nil); r.Status != http.StatusGone {
				t.Errorf("page after answering: %d %s", r.Status, r.Body)
			}
			if r := author.Do(http.MethodPost, "/author/v1/"+token+"/answer", answerBody()); r.Status != http.StatusGone || strings.Contains(string(r.Body), token) {
				t.Errorf("second answer: %d %s", r.Status, r.Body)
			}
			if r := author.Do(http.MethodGet, "/author/v1/"+strings.Repeat("A", 43), nil); r.Status != http.StatusNotFound {
				t.Errorf("unknown link: %d", r.Status)
			}
			if r := author.Do(http.MethodGet, "/author/v1/not-a-token", nil); r.Status != http.StatusNotFound {
				t.Errorf("malformed link: %d", r.Status)
			}
			req, _ = e.requestWithMessages(doc, rid)
			if req["state"] != "answered" || req["consent_id"] != answered.Consent["id"] {
				t.Errorf("request after the answer: %v", req)
			}

			// Every use of the link is audited as the author, by the
			// request's id; the token is nowhere in the log.
			all, err := e.env.App.Audit.List(ctx, audit.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]string{}
			for _, en := range all {
				if b, _ := json.Marshal(en); bytes.Contains(b, []byte(token)) {
					t.Fatalf("the token is in the audit log: %s", b)
				}
				if en.ActorID == "author:"+rid {
					seen[en.Action+"/"+en.Outcome] = en.ActorRole
				}
			}
			for _, want := range []string{"consent_request.view/ok", "consent_request.preview/ok", "consent_request.answer/failed",
				"consent.record/ok", "consent_request.answer/ok", "consent_request.view/denied", "consent_request.answer/denied"} {
				if seen[want] != "author" {
					t.Errorf("audit: no %s by the author (%v)", want, seen)
				}
			}

			// The release to the family must remove the author's condition
			// term; the court was refused.
			if g := gates(t, e.release(e.sw, doc, releaseBody("family"))); fmt.Sprint(g) != "[consent_conditions]" {
				t.Fatalf("family gates %v", g)
			}
			e.approve(e.setFor(doc, "family", "Alfie Thompson"))
			if r := e.release(e.sw, doc, releaseBody("family")); r.Status != http.StatusCreated {
				t.Fatalf("release to the family: %d %s", r.Status, r.Body)
			}
			if g := gates(t, e.release(e.sw, doc, releaseBody("court"))); !contains(g, "consent") {
				t.Errorf("court gates %v", g)
			}
		})

		t.Run("two answers at once, one recorded", func(t *testing.T) {
			e.t = t
			_, doc := e.document("none")
			rid := e.askAuthor(doc, "", nil)["id"].(string)
			token := tokenIn(t, e.waitLetter(doc, rid)["body"].(string))
			body, _ := json.Marshal(answerBody())
			statuses := make([]int, 2)
			var wg sync.WaitGroup
			for i := range statuses {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := http.Post(e.env.URL+"/author/v1/"+token+"/answer", "application/json", bytes.NewReader(body))
					if err != nil {
						return
					}
					res.Body.Close()
					statuses[i] = res.StatusCode
				}()
			}
			wg.Wait()
			ok, gone := 0, 0
			for _, s := range statuses {
				switch s {
				case http.StatusCreated:
					ok++
				case http.StatusGone:
					gone++
				}
			}
			if ok != 1 || gone != 1 {
				t.Fatalf("statuses %v, want one 201 and one 410", statuses)
			}
			cs := e.sw.Do(http.MethodGet, "/api/v1/documents/"+doc+"/consents", nil)
			var consents struct {
				Consents []map[string]any `json:"consents"`
			}
			cs.JSON(t, &consents)
			if len(consents.Consents) != 1 {
				t.Fatalf("%d consents recorded", len(consents.Consents))
			}
		})

		t.Run("reminders after working days, the manager told once", func(t *testing.T) {
			e.t = t
			svc := e.env.App.Releases
			clock := &testClock{}
			_, doc := e.document("none")
			uk, err := time.LoadLocation("Europe/London")
			if err != nil {
				t.Fatal(err)
			}
			day := func(d string, hour int) time.Time {
				v, err := time.ParseInLocation(time.DateOnly, d, uk)
				if err != nil {
					t.Fatal(err)
				}
				return v.Add(time.Duration(hour) * time.Hour)
			}
			// Asked on Wednesday 23 December 2026: Christmas and Boxing
			// Day (28 December) and New Year's Day are not working days.
			clock.set(day("2026-12-23", 10))
			svc.SetClock(clock.now)
			defer svc.SetClock(time.Now)
			rid := e.askAuthor(doc, "jane.example@police.example", nil)["id"].(string)
			e.waitLetter(doc, rid)
			chase := func(at time.Time) []map[string]any {
				t.Helper()
				clock.set(at)
				for range 2 { // the same task twice sends once
					if err := e.env.App.Worker.HandleConsentChase(ctx, asynq.NewTask(worker.TypeConsentChase, nil)); err != nil {
						t.Fatal(err)
					}
				}
				_, ms := e.requestWithMessages(doc, rid)
				return ms
			}
			steps := []struct {
				at                time.Time
				reminders, notice int
			}{
				{day("2026-12-29", 23), 0, 0}, // two working days on
				{day("2026-12-30", 9), 1, 0},  // the third: the first reminder
				{day("2027-01-04", 17), 1, 0}, // two working days after it (New Year's Day)
				{day("2027-01-05", 8), 2, 0},  // the last reminder
				{day("2027-01-07", 12), 2, 0},
				{day("2027-01-08", 9), 2, 1}, // three working days on: the manager
				{day("2027-01-12", 9), 2, 1}, // once
			}
			var ms []map[string]any
			for _, st := range steps {
				ms = chase(st.at)
				if r, n := len(messagesOf(ms, "consent_chase")), len(messagesOf(ms, "consent_overdue_manager")); r != st.reminders || n != st.notice {
					t.Fatalf("at %s: %d reminders, %d manager notices; want %d, %d", st.at, r, n, st.reminders, st.notice)
				}
			}
			// The team's summary counts the request as overdue.
			var sum struct {
				Open    int `json:"consent_requests_open"`
				Overdue int `json:"consent_requests_overdue"`
			}
			e.mgr.Do(http.MethodGet, "/api/v1/releases/summary", nil).JSON(t, &sum)
			if sum.Open < 1 || sum.Overdue < 1 {
				t.Errorf("summary after the manager was told: %+v", sum)
			}
			reminders := messagesOf(ms, "consent_chase")
			if reminders[0]["seq"] != 1.0 || reminders[1]["seq"] != 2.0 || !strings.HasPrefix(reminders[1]["subject"].(string), "Reminder 2") {
				t.Fatalf("reminders: %v", reminders)
			}
			notice := messagesOf(ms, "consent_overdue_manager")[0]
			if notice["recipient_user_id"] != e.mgr.User.ID || !strings.Contains(notice["body"].(string), "Reminders sent: 2") {
				t.Fatalf("manager's notice: %v", notice)
			}
			if ob := outbox(t, e.mgr, rid); len(ob) != 4 {
				t.Errorf("manager's outbox: %d messages, want the letter, two reminders and the notice", len(ob))
			}
			// Each reminder carries its own link, which works as well.
			second := tokenIn(t, reminders[1]["body"].(string))
			if r := e.env.Anonymous().Do(http.MethodGet, "/author/v1/"+second, nil); r.Status != http.StatusOK {
				t.Fatalf("the reminder's link: %d %s", r.Status, r.Body)
			}
			// After the link's 30 days the request is expired, its links
			// gone.
			chase(day("2027-01-23", 9))
			if req, _ := e.requestWithMessages(doc, rid); req["state"] != "expired" {
				t.Errorf("request after its link expired: %v", req["state"])
			}
			if r := e.env.Anonymous().Do(http.MethodGet, "/author/v1/"+second, nil); r.Status != http.StatusGone {
				t.Errorf("an expired link: %d %s", r.Status, r.Body)
			}
			// A person posts a letter from the outbox and says so.
			if r := e.sw.Do(http.MethodPost, "/api/v1/outbox/"+notice["id"].(string)+"/sent", nil); r.Status != http.StatusOK {
				t.Fatalf("mark sent: %d %s", r.Status, r.Body)
			}
			if ob := outbox(t, e.mgr, rid); len(ob) != 3 {
				t.Errorf("outbox after one was sent by hand: %d", len(ob))
			}
		})
	})
}

// TestAuthorByEmail sends requests through an SMTP server: once, even
// when the task runs again; a refused address leaves the letter in the
// outbox.
func TestAuthorByEmail(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		srv := mailtest.Start(t)
		e := newAuthorEnv(t, mode, func(c *config.Config) {
			c.SMTPHost, c.SMTPPort, c.SMTPFrom = srv.Host(), srv.Port(), "Children's Services <cs@council.example>"
		})
		ctx := context.Background()

		_, doc := e.document("none")
		rid := e.askAuthor(doc, "jane.example@police.example", nil)["id"].(string)
		letter := e.waitLetter(doc, rid)
		if letter["state"] != "sent" {
			t.Fatalf("letter: %v", letter)
		}
		task, _, err := worker.NewConsentRequestTask(rid)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.env.App.Worker.HandleConsentRequest(ctx, task); err != nil {
			t.Fatal(err)
		}
		got := srv.Messages()
		if len(got) != 1 || got[0].To[0] != "jane.example@police.example" {
			t.Fatalf("mail server got %d messages: %+v", len(got), got)
		}
		text, attachment := readMail(t, got[0].Data)
		token := tokenIn(t, text)
		if token != tokenIn(t, letter["body"].(string)) || !bytes.HasPrefix(attachment, []byte("%PDF-")) {
			t.Fatalf("email: link %s, attachment %.20q", token, attachment)
		}
		if r := e.env.Anonymous().Do(http.MethodGet, "/author/v1/"+token, nil); r.Status != http.StatusOK {
			t.Fatalf("the emailed link: %d %s", r.Status, r.Body)
		}
		if ob := outbox(t, e.sw, rid); len(ob) != 0 {
			t.Errorf("a sent email is in the outbox: %v", ob)
		}

		// No address: the letter waits in the outbox to be posted.
		_, doc2 := e.document("none")
		rid2 := e.askAuthor(doc2, "", nil)["id"].(string)
		if l := e.waitLetter(doc2, rid2); l["state"] != "kept" || len(outbox(t, e.sw, rid2)) != 1 {
			t.Errorf("a letter without an address: %v", l)
		}

		// The server refuses the address: the letter waits in the outbox,
		// with the reason, and is not retried.
		srv.RejectRecipients(true)
		_, doc3 := e.document("none")
		rid3 := e.askAuthor(doc3, "nobody@police.example", nil)["id"].(string)
		l := e.waitLetter(doc3, rid3)
		if l["state"] != "failed" || l["last_error"] == nil {
			t.Fatalf("refused letter: %v", l)
		}
		if ob := outbox(t, e.sw, rid3); len(ob) != 1 {
			t.Errorf("the refused letter is not in the outbox: %v", ob)
		}
		if len(srv.Messages()) != 1 {
			t.Errorf("mail server got %d messages, want 1", len(srv.Messages()))
		}
	})
}

// readEvidence reads a stored evidence file by its SHA-256.
func readEvidence(t *testing.T, env *apptest.Env, sha string, v any) {
	t.Helper()
	b, err := hex.DecodeString(sha)
	if err != nil || len(b) != 32 {
		t.Fatalf("evidence sha256 %q", sha)
	}
	rc, _, err := env.App.Blobs.Open(context.Background(), blob.KeyOf([32]byte(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("evidence %s: %v", data, err)
	}
}

// readMail returns an email's text and its first attachment.
func readMail(t *testing.T, data []byte) (string, []byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var text string
	var att []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if p.FileName() == "" {
			text = string(b)
		} else if att == nil {
			if att, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), "")); err != nil {
				t.Fatal(err)
			}
		}
	}
	return text, att
}

// testClock is a clock the test moves while the server reads it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// TestAuthorMailFaults: an email the mail server could not take is tried
// again and sent once; one whose worker stopped mid-send is never sent
// again, but left in the outbox for a person to check.
func TestAuthorMailFaults(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		e := newAuthorEnv(t, mode, nil)
		ctx := context.Background()
		rec := &mailtest.Recorder{}
		e.env.App.Releases.ConfigureRequests(release.RequestConfig{Mail: rec, BaseURL: "https://rg.example.gov.uk", LinkDays: 30})
		send := func(rid string) {
			t.Helper()
			task, _, err := worker.NewConsentRequestTask(rid)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.env.App.Worker.HandleConsentRequest(ctx, task); err != nil {
				t.Fatal(err)
			}
		}
		// firstAttempt waits for the worker's first, failed, attempt.
		firstAttempt := func(doc, rid string) map[string]any {
			t.Helper()
			deadline := time.Now().Add(wait)
			for {
				_, ms := e.requestWithMessages(doc, rid)
				if len(ms) == 1 && ms[0]["attempts"].(float64) >= 1 && ms[0]["state"] == "pending" {
					return ms[0]
				}
				if time.Now().After(deadline) {
					t.Fatalf("no failed attempt after %s: %v", wait, ms)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}

		rec.Fail(errors.New("dial tcp 192.0.2.1:587: connection refused"))
		_, doc := e.document("none")
		rid := e.askAuthor(doc, "jane.example@police.example", nil)["id"].(string)
		m := firstAttempt(doc, rid)
		if !strings.Contains(m["last_error"].(string), "connection refused") || len(outbox(t, e.sw, rid)) != 1 {
			t.Fatalf("a message the server could not take: %v", m)
		}
		if req, _ := e.requestWithMessages(doc, rid); req["sent_at"] != nil {
			t.Fatal("the request is marked sent")
		}
		rec.Fail(nil)
		send(rid)
		send(rid)
		req, ms := e.requestWithMessages(doc, rid)
		if len(rec.Sent()) != 1 || ms[0]["state"] != "sent" || req["sent_at"] == nil {
			t.Fatalf("after the server came back: %d sent, %v", len(rec.Sent()), ms)
		}
		if sent := rec.Sent()[0]; sent.To.Email != "jane.example@police.example" || sent.ReplyTo != "sam.jones@council.example" ||
			!strings.Contains(sent.Text, "https://rg.example.gov.uk/author/v1/") || len(sent.Attachments) != 1 {
			t.Fatalf("email: %+v", sent)
		}

		// A worker stopped between claiming the email and recording it sent.
		rec.Fail(errors.New("connection reset"))
		_, doc2 := e.document("none")
		rid2 := e.askAuthor(doc2, "jane.example@police.example", nil)["id"].(string)
		m = firstAttempt(doc2, rid2)
		if _, err := e.env.App.DB.Exec(ctx, `UPDATE consent_messages SET state = 'sending', claimed_at = ? WHERE id = ?`,
			time.Now().UTC().Add(-time.Hour), m["id"]); err != nil {
			t.Fatal(err)
		}
		rec.Fail(nil)
		send(rid2)
		send(rid2)
		req, ms = e.requestWithMessages(doc2, rid2)
		if len(rec.Sent()) != 1 || ms[0]["state"] != "unknown" || req["sent_at"] == nil {
			t.Fatalf("after a worker stopped mid-send: %d sent, %v", len(rec.Sent()), ms)
		}
		if ob := outbox(t, e.sw, rid2); len(ob) != 1 || ob[0]["state"] != "unknown" {
			t.Fatalf("the message of unknown fate is not in the outbox: %v", ob)
		}
	})
}
