package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/releasegate/releasegate/internal/app"
	"github.com/releasegate/releasegate/internal/config"
	"github.com/releasegate/releasegate/internal/store/storetest"
)

// TestAuditVerifyNamesTheBrokenRow alters one row of the audit table in
// the database, behind the service's back, and checks that `releasegate
// audit verify` fails (exit status 1) naming that row, the first broken
// link, on SQLite and, when the test script started one, PostgreSQL.
func TestAuditVerifyNamesTheBrokenRow(t *testing.T) {
	cases := []struct {
		name    string
		tamper  string
		wantSeq int
		reason  string
	}{
		{"actor rewritten", `UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 3`, 3, "contents do not match its hash"},
		{"outcome flipped", `UPDATE audit_log SET outcome = 'denied' WHERE seq = 2`, 2, "contents do not match its hash"},
		{"detail rewritten", `UPDATE audit_log SET detail = '{"role":"admin","user_id":"x"}' WHERE seq = 4`, 4, "contents do not match its hash"},
		{"row deleted", `DELETE FROM audit_log WHERE seq = 3`, 3, "row 3 is missing"},
		{"link rewritten", `UPDATE audit_log SET prev_hash = hash WHERE seq = 5`, 5, "does not link to the row before it"},
	}
	backends := []string{"sqlite"}
	if os.Getenv("RG_TEST_DATABASE_URL") != "" {
		backends = append(backends, "postgres")
	} else if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
		t.Fatal("RG_TEST_REQUIRE_BACKENDS=1 but RG_TEST_DATABASE_URL is not set")
	}
	for _, backend := range backends {
		for _, tc := range cases {
			t.Run(backend+"/"+tc.name, func(t *testing.T) {
				t.Setenv("RG_DATA_DIR", t.TempDir())
				t.Setenv("RG_DATABASE_URL", "")
				if backend == "postgres" {
					t.Setenv("RG_DATABASE_URL", storetest.PostgresURL(t))
				}
				// Five rows, written by the CLI itself.
				for i := range 4 {
					if out, err := cli(t, "user", "add", "--username", fmt.Sprintf("user%d", i), "--role", "social_worker"); err != nil {
						t.Fatalf("user add: %v %s", err, out)
					}
				}
				if out, err := cli(t, "user", "token", "--username", "user0"); err != nil {
					t.Fatalf("user token: %v %s", err, out)
				}
				if out, err := cli(t, "audit", "verify"); err != nil || !strings.Contains(out, "audit chain intact: 5 entries") {
					t.Fatalf("before tampering: %v %s", err, out)
				}

				tamper(t, tc.tamper)

				out, err := cli(t, "audit", "verify")
				if err == nil {
					t.Fatalf("audit verify passed a tampered log: %s", out)
				}
				want := fmt.Sprintf("audit chain broken at row %d: ", tc.wantSeq)
				if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), tc.reason) {
					t.Fatalf("audit verify: %q, want %q… %q", err, want, tc.reason)
				}
				if code := exitCode(err); code != 1 {
					t.Fatalf("exit status %d, want 1", code)
				}
				if strings.Contains(out, "intact") {
					t.Fatalf("audit verify printed %q as well", out)
				}
			})
		}
	}
}

// tamper runs one SQL statement on the database the CLI is configured
// for, as someone with access to the database server could.
func tamper(t *testing.T, stmt string) {
	t.Helper()
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := app.OpenDB(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(ctx, stmt)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("%s changed %d rows (%v), want 1", stmt, n, err)
	}
}
