package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/releasegate/releasegate/internal/app"
	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/user"
)

// runUser manages accounts from the command line (for the first
// administrator, and for scripts run by operators).
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: releasegate user add|list|token [flags]")
	}
	sub, args := args[0], args[1:]
	var username, role, team, display, label string
	var expires time.Duration
	extra := func(fs *flag.FlagSet) {
		switch sub {
		case "add":
			fs.StringVar(&username, "username", "", "login name (a–z, 0–9, '.', '_', '-')")
			fs.StringVar(&role, "role", "", "social_worker, manager, legal or admin")
			fs.StringVar(&team, "team", "", "team name")
			fs.StringVar(&display, "name", "", "display name")
		case "token":
			fs.StringVar(&username, "username", "", "whose token")
			fs.StringVar(&label, "name", "cli", "a label for the token")
			fs.DurationVar(&expires, "expires", 0, "lifetime, e.g. 720h (0: no expiry)")
		}
	}
	cfg, err := loadConfig("user "+sub, args, stderr, extra)
	if err != nil {
		return err
	}
	db, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	users, log := user.NewStore(db), audit.New(db)
	cli := audit.Actor{ID: "cli", Role: "operator"}
	switch sub {
	case "add":
		u, pw, err := users.Create(ctx, user.NewUser{Username: username, DisplayName: display, Role: user.Role(role), Team: team})
		if err != nil {
			return err
		}
		e := cli.Entry("user.create", audit.OK)
		e.Detail = map[string]string{"user_id": u.ID, "role": string(u.Role)}
		if err := log.Append(ctx, e); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (%s, id %s)\none-time password: %s\n", u.Username, u.Role, u.ID, pw)
	case "list":
		us, err := users.List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tROLE\tTEAM\tID\tDISABLED")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", u.Username, u.Role, u.Team, u.ID, u.Disabled)
		}
		return tw.Flush()
	case "token":
		u, err := users.ByUsername(ctx, username)
		if err != nil {
			return fmt.Errorf("user %q: %w", username, err)
		}
		t, secret, err := users.NewToken(ctx, u.ID, label, expires)
		if err != nil {
			return err
		}
		e := cli.Entry("token.create", audit.OK)
		e.Detail = map[string]string{"user_id": u.ID, "token_id": t.ID}
		if err := log.Append(ctx, e); err != nil {
			return err
		}
		fmt.Fprintln(stdout, secret)
	default:
		return fmt.Errorf("unknown user command %q: use add, list or token", sub)
	}
	return nil
}

// runAudit checks the audit chain.
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: releasegate audit verify")
	}
	cfg, err := loadConfig("audit verify", args[1:], stderr, nil)
	if err != nil {
		return err
	}
	db, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	n, brk, err := audit.New(db).Verify(ctx)
	if err != nil {
		return err
	}
	if brk != nil {
		return &exitError{code: 1, err: brk}
	}
	fmt.Fprintf(stdout, "audit chain intact: %d entries\n", n)
	return nil
}
