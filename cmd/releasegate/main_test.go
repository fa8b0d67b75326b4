package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
)

func cli(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	err := run(context.Background(), args, &out, &errw)
	return out.String() + errw.String(), err
}

func TestCommands(t *testing.T) {
	api.DisableConfigDir()
	t.Setenv("RG_DATA_DIR", t.TempDir())
	out, err := cli(t, "migrate")
	if err != nil || !strings.Contains(out, "schema version") {
		t.Fatalf("migrate: %v %s", err, out)
	}
	out, err = cli(t, "user", "add", "--username", "sam", "--role", "social_worker", "--team", "north")
	if err != nil || !strings.Contains(out, "one-time password: ") {
		t.Fatalf("user add: %v %s", err, out)
	}
	if _, err := cli(t, "user", "add", "--username", "sam", "--role", "social_worker"); err == nil {
		t.Fatal("duplicate user accepted")
	}
	if out, err := cli(t, "user", "add", "--username", "x2", "--role", "boss"); err == nil || !strings.Contains(err.Error(), "role must be one of") {
		t.Fatalf("bad role: %v %s", err, out)
	}
	out, err = cli(t, "user", "token", "--username", "sam")
	if err != nil || !strings.HasPrefix(out, "rgt_") {
		t.Fatalf("user token: %v %q", err, out)
	}
	out, err = cli(t, "user", "list")
	if err != nil || !strings.Contains(out, "sam") || !strings.Contains(out, "social_worker") {
		t.Fatalf("user list: %v %s", err, out)
	}
	out, err = cli(t, "audit", "verify")
	if err != nil || !strings.Contains(out, "audit chain intact: 2 entries") {
		t.Fatalf("audit verify: %v %s", err, out)
	}
	if _, err := cli(t, "frobnicate"); exitCode(err) != 2 {
		t.Fatalf("unknown command: exit %d (%v)", exitCode(err), err)
	}
	t.Setenv("RG_MAX_UPLOAD_MB", "lots")
	if _, err := cli(t, "migrate"); err == nil || !strings.Contains(err.Error(), "RG_MAX_UPLOAD_MB") {
		t.Fatalf("bad config: %v", err)
	}
}

func TestSeparateWorkerNeedsRedis(t *testing.T) {
	t.Setenv("RG_DATA_DIR", t.TempDir())
	_, err := cli(t, "worker")
	if err == nil || !strings.Contains(err.Error(), "RG_REDIS_URL") {
		t.Fatalf("worker without Redis: %v", err)
	}
}
