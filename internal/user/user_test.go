package user_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/store/storetest"
	"github.com/releasegate/releasegate/internal/user"
)

func TestPasswordHash(t *testing.T) {
	h, err := user.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q", h)
	}
	if err := user.VerifyPassword(h, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := user.VerifyPassword(h, "correct horse batterY"); !errors.Is(err, user.ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	h2, _ := user.HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$bcrypt$x", "$argon2id$v=19$m=x$a$b"} {
		if user.VerifyPassword(bad, "x") == nil {
			t.Errorf("VerifyPassword(%q) accepted", bad)
		}
	}
}

func TestNewPasswordIsStrongAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		p := user.NewPassword()
		if err := user.CheckPasswordStrength(p); err != nil || seen[p] {
			t.Fatalf("NewPassword() = %q (err %v, seen %v)", p, err, seen[p])
		}
		seen[p] = true
	}
	if user.CheckPasswordStrength("short") == nil {
		t.Fatal("short password accepted")
	}
}

func TestAccountsTokensSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := user.NewStore(db)

		admin, pw, created, err := s.Bootstrap(ctx)
		if err != nil || !created || admin.Role != user.Admin || !admin.MustChangePassword || pw == "" {
			t.Fatalf("bootstrap: %+v %q %v %v", admin, pw, created, err)
		}
		if _, _, again, err := s.Bootstrap(ctx); err != nil || again {
			t.Fatalf("second bootstrap created=%v err=%v", again, err)
		}
		if _, err := s.CheckPassword(ctx, "admin", pw); err != nil {
			t.Fatalf("one-time password: %v", err)
		}

		u, _, err := s.Create(ctx, user.NewUser{Username: "Sam", Role: user.SocialWorker, Password: "a long enough password"})
		if err != nil || u.Username != "sam" {
			t.Fatalf("create: %+v %v", u, err)
		}
		if _, _, err := s.Create(ctx, user.NewUser{Username: "sam", Role: user.Manager, Password: "a long enough password"}); !errors.Is(err, user.ErrConflict) {
			t.Fatalf("duplicate: %v", err)
		}
		for _, bad := range []user.NewUser{{Username: "x", Role: user.Admin}, {Username: "ok-name", Role: "chief"}, {Username: "../etc", Role: user.Admin}} {
			if _, _, err := s.Create(ctx, bad); !errors.Is(err, user.ErrInvalid) {
				t.Errorf("Create(%+v) = %v, want ErrInvalid", bad, err)
			}
		}
		if _, err := s.CheckPassword(ctx, "nobody", "whatever password"); !errors.Is(err, user.ErrBadCredentials) {
			t.Fatalf("unknown user: %v", err)
		}

		tok, secret, err := s.NewToken(ctx, u.ID, "cli", 0)
		if err != nil || !strings.HasPrefix(secret, "rgt_") {
			t.Fatalf("token: %v %q", err, secret)
		}
		var stored int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?`, secret).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("the secret itself is stored (%d rows, %v)", stored, err)
		}
		if got, err := s.ByToken(ctx, secret); err != nil || got.ID != u.ID {
			t.Fatalf("ByToken: %+v %v", got, err)
		}
		if err := s.RevokeToken(ctx, u.ID, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ByToken(ctx, secret); !errors.Is(err, user.ErrBadCredentials) {
			t.Fatalf("revoked token: %v", err)
		}
		_, short, err := s.NewToken(ctx, u.ID, "short", time.Nanosecond)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
		if _, err := s.ByToken(ctx, short); !errors.Is(err, user.ErrBadCredentials) {
			t.Fatalf("expired token: %v", err)
		}

		sess, _, err := s.NewSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.BySession(ctx, sess); err != nil || got.ID != u.ID {
			t.Fatalf("BySession: %v", err)
		}
		// A new password ends every session.
		if err := s.SetPassword(ctx, u.ID, "another long password"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.BySession(ctx, sess); !errors.Is(err, user.ErrBadCredentials) {
			t.Fatalf("session after password change: %v", err)
		}
	})
}
