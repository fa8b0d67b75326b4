package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/store/storetest"
)

func fill(t *testing.T, l *audit.Log, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		e := audit.Actor{ID: "u1", Role: "social_worker", RequestID: "r"}.Entry("document.view", audit.OK)
		e.DocumentID = fmt.Sprintf("doc-%d", i%3)
		e.Detail = map[string]string{"version": "original", "n": fmt.Sprint(i)}
		if err := l.Append(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
}

func TestChainVerifies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := audit.New(db)
		n, brk, err := l.Verify(context.Background())
		if err != nil || brk != nil || n != 0 {
			t.Fatalf("empty log: n=%d brk=%v err=%v", n, brk, err)
		}
		fill(t, l, 10)
		n, brk, err = l.Verify(context.Background())
		if err != nil || brk != nil || n != 10 {
			t.Fatalf("n=%d brk=%v err=%v", n, brk, err)
		}
		es, err := l.List(context.Background(), audit.Filter{DocumentID: "doc-1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 3 || es[0].Seq != 2 || es[0].Detail["n"] != "1" {
			t.Fatalf("List(doc-1) = %+v", es)
		}
	})
}

func TestTamperIsFound(t *testing.T) {
	cases := []struct {
		name    string
		tamper  string
		wantSeq int64
	}{
		{"detail rewritten", `UPDATE audit_log SET detail = '{"n":"99","version":"original"}' WHERE seq = 4`, 4},
		{"actor changed", `UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 6`, 6},
		{"row deleted", `DELETE FROM audit_log WHERE seq = 3`, 3},
		{"row rehashed", `UPDATE audit_log SET action = 'document.delete', hash = 'ffff' WHERE seq = 5`, 5},
		{"outcome flipped", `UPDATE audit_log SET outcome = 'denied' WHERE seq = 2`, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				l := audit.New(db)
				fill(t, l, 8)
				if _, brk, _ := l.Verify(context.Background()); brk != nil {
					t.Fatalf("chain broken before tampering: %v", brk)
				}
				if _, err := db.Exec(context.Background(), tc.tamper); err != nil {
					t.Fatal(err)
				}
				_, brk, err := l.Verify(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if brk == nil || brk.Seq != tc.wantSeq {
					t.Fatalf("Verify after %q = %v, want break at %d", tc.name, brk, tc.wantSeq)
				}
			})
		})
	}
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		l := audit.New(db)
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 5; i++ {
					if err := l.Append(context.Background(), audit.Actor{ID: fmt.Sprint(w)}.Entry("x.y", audit.OK)); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		n, brk, err := l.Verify(context.Background())
		if err != nil || brk != nil || n != 40 {
			t.Fatalf("n=%d brk=%v err=%v", n, brk, err)
		}
	})
}
