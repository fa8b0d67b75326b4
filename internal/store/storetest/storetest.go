// Package storetest gives tests a fresh, migrated records database on each
// engine: SQLite in a temporary directory, and PostgreSQL — a new database
// per test on the server named by RG_TEST_DATABASE_URL — so one behaviour
// suite runs on both.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/releasegate/releasegate/internal/store"
)

// Backend is one way to get a database.
type Backend struct {
	Name string
	Open func(t testing.TB) *store.DB
}

// Backends lists SQLite, and PostgreSQL when RG_TEST_DATABASE_URL is set.
// When RG_TEST_REQUIRE_BACKENDS=1 a missing PostgreSQL fails the test
// instead of skipping it, so CI can never pass by silently skipping.
func Backends(t testing.TB) []Backend {
	bs := []Backend{{Name: "sqlite", Open: SQLite}}
	if os.Getenv("RG_TEST_DATABASE_URL") != "" {
		bs = append(bs, Backend{Name: "postgres", Open: Postgres})
	} else if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
		t.Fatal("RG_TEST_REQUIRE_BACKENDS=1 but RG_TEST_DATABASE_URL is not set: run the tests through make test")
	}
	return bs
}

// Each runs f once per backend as a subtest.
func Each(t *testing.T, f func(t *testing.T, db *store.DB)) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) { f(t, b.Open(t)) })
	}
}

// SQLite opens a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// Postgres creates a fresh database on the test server, migrates it, and
// drops it when the test ends.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	url := PostgresURL(t)
	ctx := context.Background()
	db, err := store.Open(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresURL creates a fresh empty database and returns its URL.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("RG_TEST_DATABASE_URL")
	if base == "" {
		t.Skip("RG_TEST_DATABASE_URL is not set")
	}
	ctx := context.Background()
	admin, err := store.Open(ctx, base, "")
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "rgtest_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := store.Open(context.Background(), base, "")
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
