package casefile_test

import (
	"context"
	"errors"
	"testing"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/casefile"
	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/store/storetest"
	"github.com/releasegate/releasegate/internal/user"
)

func TestCaseLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		users, log := user.NewStore(db), audit.New(db)
		cases := casefile.NewStore(db, log, users)
		sw, _, err := users.Create(ctx, user.NewUser{Username: "sam", Role: user.SocialWorker, Team: "north"})
		if err != nil {
			t.Fatal(err)
		}
		mgr, _, _ := users.Create(ctx, user.NewUser{Username: "mo", Role: user.Manager})
		lawyer, _, _ := users.Create(ctx, user.NewUser{Username: "lee", Role: user.Legal})
		a := audit.Actor{ID: sw.ID, Role: string(sw.Role)}

		c, err := cases.Create(ctx, sw, a, casefile.NewCase{ChildRef: "LA-1/2026", LegalStatus: casefile.ChildInNeed})
		if err != nil {
			t.Fatal(err)
		}
		if c.Team != "north" || len(c.Allocations) != 1 || c.Allocations[0].UserID != sw.ID {
			t.Fatalf("new case: %+v", c)
		}
		if _, err := cases.Create(ctx, sw, a, casefile.NewCase{ChildRef: "LA-1/2026"}); !errors.Is(err, casefile.ErrConflict) {
			t.Fatalf("duplicate child_ref: %v", err)
		}
		for _, bad := range []casefile.NewCase{{ChildRef: "Jane Smith"}, {ChildRef: ""}, {ChildRef: "LA-2", LegalStatus: "adopted?"}} {
			if _, err := cases.Create(ctx, sw, a, bad); !errors.Is(err, casefile.ErrInvalid) {
				t.Errorf("Create(%+v) = %v, want ErrInvalid", bad, err)
			}
		}

		status := casefile.InterimCareOrder
		c, err = cases.Update(ctx, a, c.ID, casefile.Patch{LegalStatus: &status})
		if err != nil || !c.LegalStatus.IsCareOrder() {
			t.Fatalf("update: %+v %v", c, err)
		}
		if _, err := cases.Allocate(ctx, a, c.ID, mgr.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := cases.Allocate(ctx, a, c.ID, mgr.ID); !errors.Is(err, casefile.ErrConflict) {
			t.Fatalf("second allocation: %v", err)
		}
		if _, err := cases.Allocate(ctx, a, c.ID, lawyer.ID); !errors.Is(err, casefile.ErrInvalid) {
			t.Fatalf("allocating legal services: %v", err)
		}
		role, ok, err := cases.Allocated(ctx, c.ID, mgr.ID)
		if err != nil || !ok || role != user.Manager {
			t.Fatalf("Allocated(manager) = %v %v %v", role, ok, err)
		}
		if err := cases.Deallocate(ctx, a, c.ID, mgr.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := cases.Allocated(ctx, c.ID, mgr.ID); ok {
			t.Fatal("still allocated after deallocation")
		}
		es, err := log.List(ctx, audit.Filter{CaseID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range es {
			actions = append(actions, e.Action)
		}
		want := []string{"case.create", "case.update", "case.allocate", "case.deallocate"}
		if len(actions) != len(want) {
			t.Fatalf("audit %v, want %v", actions, want)
		}
		for i := range want {
			if actions[i] != want[i] {
				t.Fatalf("audit %v, want %v", actions, want)
			}
		}
		if es[1].Detail["legal_status_from"] != "child_in_need" || es[1].Detail["legal_status_to"] != "interim_care_order" {
			t.Fatalf("update detail %v", es[1].Detail)
		}
	})
}
