package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/worker"
)

// TestConsentExpiryRecorded: consent:expire records a consent whose date
// has passed once, in the audit log, and not before; the document's task
// list and its release gate say expired.
func TestConsentExpiryRecorded(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		e := newReleaseEnv(t, mode)
		ctx := context.Background()
		_, doc := e.document("child_in_need")
		tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
		if r := e.consent(doc, map[string]any{"granted": []string{"family"}, "expires_on": tomorrow}); r.Status != http.StatusCreated {
			t.Fatalf("consent: %d %s", r.Status, r.Body)
		}
		expire := func() int {
			t.Helper()
			for range 2 { // twice: recorded once
				if err := e.env.App.Worker.HandleConsentExpire(ctx, asynq.NewTask(worker.TypeConsentExpire, nil)); err != nil {
					t.Fatal(err)
				}
			}
			es, err := e.env.App.Audit.List(ctx, audit.Filter{DocumentID: doc, Action: "consent.expired"})
			if err != nil {
				t.Fatal(err)
			}
			return len(es)
		}
		if n := expire(); n != 0 {
			t.Fatalf("%d expiries recorded before the consent expired", n)
		}
		svc := e.env.App.Releases
		svc.SetClock(func() time.Time { return time.Now().AddDate(0, 0, 3) })
		defer svc.SetClock(time.Now)
		if n := expire(); n != 1 {
			t.Fatalf("%d expiries recorded, want 1", n)
		}
		var d struct {
			Audiences map[string]struct {
				Consent    string
				UnmetGates []struct{ Gate string } `json:"unmet_gates"`
			}
		}
		e.sw.Do(http.MethodGet, "/api/v1/documents/"+doc, nil).JSON(t, &d)
		if fam := d.Audiences["family"]; fam.Consent != "expired" || len(fam.UnmetGates) == 0 || fam.UnmetGates[0].Gate != "consent" {
			t.Errorf("task list after expiry: %+v", fam)
		}
		if n := expire(); n != 1 {
			t.Errorf("%d expiries recorded after running again, want 1", n)
		}
	})
}
