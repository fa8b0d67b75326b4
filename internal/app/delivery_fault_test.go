package app_test

import (
	"context"
	"net/http"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/user"
)

// TestDeliveryAfterKilledWorker: releases are made while a worker process
// runs; it is SIGKILLed and the queue flushed, so delivery tasks are lost
// or cut off; a new worker's reconciler finishes them. Every release is
// stamped once and its family letter rendered once, and each request made
// one release.
func TestDeliveryAfterKilledWorker(t *testing.T) {
	if !apptest.RealAvailable() {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatal("real backends required")
		}
		t.Skip("needs the real backends (make test): the embedded queue lives and dies with its process")
	}
	env := apptest.Start(t, apptest.Real, apptest.Options{NoWorker: true})
	e := &releaseEnv{t: t, env: env, sw: env.User("sam", user.SocialWorker), mgr: env.User("mo", user.Manager),
		other: env.User("olu", user.SocialWorker), law: env.User("lee", user.Legal), admin: env.User("ada", user.Admin)}
	w1 := startWorkerProcess(t, env.Config)
	const n = 6
	var docs, rels []string
	for range n {
		_, doc := e.document("child_in_need")
		if r := e.consent(doc, map[string]any{"granted": []string{"family"}}); r.Status != http.StatusCreated {
			t.Fatalf("consent: %d %s", r.Status, r.Body)
		}
		e.approve(e.setFor(doc, "family", "Alfie Thompson"))
		docs = append(docs, doc)
	}
	for _, doc := range docs {
		r := e.release(e.sw, doc, releaseBody("family"))
		if r.Status != http.StatusCreated {
			t.Fatalf("release: %d %s", r.Status, r.Body)
		}
		rels = append(rels, r.Map(t)["id"].(string))
	}
	if err := w1.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = w1.Wait()
	flush(t, env)
	done := delivered(t, env, rels)
	t.Logf("worker killed and queue flushed with %d of %d releases delivered", done, n)
	startWorkerProcess(t, env.Config)
	deadline := time.Now().Add(5 * time.Minute) // hang guard only
	for delivered(t, env, rels) < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d releases delivered", delivered(t, env, rels), n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	ctx := context.Background()
	for i, doc := range docs {
		for action, want := range map[string]int{"release.create": 1, "release.deliver": 1, "family.notify": 1} {
			es, err := env.App.Audit.List(ctx, audit.Filter{DocumentID: doc, Action: action})
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != want {
				t.Errorf("release %s: %d %s rows, want %d", rels[i], len(es), action, want)
			}
		}
		rs, err := env.App.Releases.Releases(ctx, doc)
		if err != nil || len(rs) != 1 {
			t.Errorf("document %s: %d releases (%v), want 1", doc, len(rs), err)
		}
	}
	if _, brk, err := env.App.Audit.Verify(ctx); err != nil || brk != nil {
		t.Fatalf("audit chain: %v %v", brk, err)
	}
}

// delivered counts releases stamped with their family letter rendered.
func delivered(t *testing.T, env *apptest.Env, ids []string) int {
	t.Helper()
	n := 0
	for _, id := range ids {
		r, err := env.App.Releases.GetRelease(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Delivery.State == "delivered" && r.Delivery.FamilyLetter {
			n++
		}
	}
	return n
}
