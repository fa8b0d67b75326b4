package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ms, err := store.Migrations()
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != len(ms) {
			t.Fatalf("version = %d after migrate, want %d", v, len(ms))
		}
		n, err := db.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d (err %v), want 0", n, err)
		}
	})
}

func TestConcurrentMigrate(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "postgres" {
			continue
		}
		t.Run(b.Name, func(t *testing.T) {
			url := storetest.PostgresURL(t)
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db, err := store.Open(ctx, url, "")
					if err != nil {
						errs[i] = err
						return
					}
					defer db.Close()
					_, errs[i] = db.Migrate(ctx)
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestTimeRoundTripAndOrdering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		base := time.Date(2026, 11, 23, 10, 0, 5, 0, time.UTC)
		stamps := []time.Time{base.Add(120 * time.Millisecond), base, base.Add(1500 * time.Microsecond), base.Add(time.Second)}
		for i, ts := range stamps {
			if _, err := db.Exec(ctx, `INSERT INTO blobs (blob_key, size, media_type, created_at) VALUES (?, ?, ?, ?)`,
				"k"+string(rune('a'+i)), i, "x", ts); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := db.Query(ctx, `SELECT created_at FROM blobs WHERE created_at > ? ORDER BY created_at`, base)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []time.Time
		for rows.Next() {
			var ts time.Time
			if err := rows.Scan(&ts); err != nil {
				t.Fatal(err)
			}
			got = append(got, ts.UTC())
		}
		want := []time.Time{stamps[2], stamps[0], stamps[3]}
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Errorf("row %d = %v, want %v", i, got[i], want[i])
			}
		}
	})
}

func TestUniqueViolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := `INSERT INTO blobs (blob_key, size, media_type, created_at) VALUES (?, 1, 'x', ?)`
		if _, err := db.Exec(ctx, q, "dup", time.Now()); err != nil {
			t.Fatal(err)
		}
		_, err := db.Exec(ctx, q, "dup", time.Now())
		if !store.IsUniqueViolation(err) {
			t.Fatalf("IsUniqueViolation(%v) = false", err)
		}
		if store.IsUniqueViolation(nil) {
			t.Fatal("IsUniqueViolation(nil) = true")
		}
	})
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	prev := ""
	for i := 0; i < 1000; i++ {
		id := store.NewID()
		if !store.ValidID(id) {
			t.Fatalf("NewID() = %q is not valid", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		if id[:8] < prev[:min(8, len(prev))] {
			t.Fatalf("ids go backwards in time: %q after %q", id, prev)
		}
		prev = id
	}
	for _, bad := range []string{"", "x", "../../etc/passwd", "0192aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeeG", "0192aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee0"} {
		if store.ValidID(bad) {
			t.Errorf("ValidID(%q) = true", bad)
		}
	}
}
