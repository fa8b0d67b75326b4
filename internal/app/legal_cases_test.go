package app_test

import (
	"net/http"
	"testing"

	"github.com/releasegate/releasegate/internal/app/apptest"
)

// TestLegalListsRoutedCases: Legal Services, never allocated, lists the
// cases routed to it (a Care Order, or a document with an advice request)
// and no other.
func TestLegalListsRoutedCases(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		e := newReleaseEnv(t, mode)
		careOrder, _ := e.document("care_order")
		advised, doc := e.document("child_in_need")
		other, _ := e.document("none")
		if r := e.sw.Do(http.MethodPost, "/api/v1/documents/"+doc+"/legal-advice", map[string]any{"question": "May this go to the mother?"}); r.Status != http.StatusCreated {
			t.Fatalf("advice: %d %s", r.Status, r.Body)
		}
		var list struct{ Cases []struct{ ID string } }
		e.law.Do(http.MethodGet, "/api/v1/cases", nil).JSON(t, &list)
		got := map[string]bool{}
		for _, c := range list.Cases {
			got[c.ID] = true
		}
		if !got[careOrder] || !got[advised] || got[other] || len(got) != 2 {
			t.Errorf("Legal's cases %v: want the Care Order case and the one with advice asked, not the third", got)
		}
	})
}
