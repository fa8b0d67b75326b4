package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/config"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/user"
	"github.com/releasegate/releasegate/worker"
)

// TestOverdueNoticeWithoutManager: when a request goes unanswered on a
// case with no manager allocated, the notice is for the team's managers:
// a manager of the case's team sees it in the outbox, a manager of
// another team does not.
func TestOverdueNoticeWithoutManager(t *testing.T) {
	env := apptest.Start(t, apptest.Embedded, apptest.Options{Config: func(c *config.Config) {
		c.ConsentChaseDays = 1
	}})
	ctx := context.Background()
	sw := env.User("sam", user.SocialWorker) // team north
	north := env.User("mo", user.Manager)    // team north
	south, _, err := env.App.Users.Create(ctx, user.NewUser{Username: "sol", Role: user.Manager, Team: "south"})
	if err != nil {
		t.Fatal(err)
	}
	_, secret, err := env.App.Users.NewToken(ctx, south.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	southMgr := &apptest.Client{T: t, Base: env.URL, Token: secret, User: south}

	caseID := sw.NewCase("LA-T0001", "none") // no manager allocated
	up := sw.Upload(caseID, "police report.pdf", ingesttest.OnePage(reportContent, "<< /Font << /F1 5 0 R >> >>"), apptest.Receipt())
	if up.Status != http.StatusAccepted {
		t.Fatalf("upload: %d %s", up.Status, up.Body)
	}
	doc := up.Map(t)["id"].(string)
	if d := sw.WaitDocument(doc, wait); d["state"] != "ready" {
		t.Fatalf("document: %v", d)
	}
	e := &releaseEnv{t: t, env: env, sw: sw}
	rid := e.askAuthor(doc, "", nil)["id"].(string)
	e.waitLetter(doc, rid)

	// Day by day (one working day between letters, two reminders) until
	// the notice goes: well inside the link's 14 days.
	svc := env.App.Releases
	defer svc.SetClock(time.Now)
	notice := false
	for d := 1; d <= 12 && !notice; d++ {
		svc.SetClock(func() time.Time { return time.Now().AddDate(0, 0, d) })
		if err := env.App.Worker.HandleConsentChase(ctx, asynq.NewTask(worker.TypeConsentChase, nil)); err != nil {
			t.Fatal(err)
		}
		_, ms := e.requestWithMessages(doc, rid)
		notice = len(messagesOf(ms, "consent_overdue_manager")) > 0
	}
	if !notice {
		t.Fatal("no notice to the manager after 12 days")
	}
	kinds := func(c *apptest.Client) map[string]int {
		out := map[string]int{}
		for _, m := range outbox(t, c, rid) {
			out[m["kind"].(string)]++
		}
		return out
	}
	if k := kinds(north); k["consent_overdue_manager"] != 1 {
		t.Errorf("the case's team manager's outbox: %v, want the overdue notice", k)
	}
	if k := kinds(southMgr); len(k) != 0 {
		t.Errorf("another team's manager's outbox: %v, want nothing of this case", k)
	}
}
