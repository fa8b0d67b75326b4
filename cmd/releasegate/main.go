// Command releasegate is the whole service in one binary: the HTTP server,
// the worker and the offline tools. Run with no arguments it starts
// everything on embedded backends (see the README).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"golang.org/x/sync/errgroup"

	"github.com/releasegate/releasegate/internal/app"
	"github.com/releasegate/releasegate/internal/config"
)

const usage = `releasegate: consent-tracking and true redaction for third-party reports

Usage:
  releasegate [all]        HTTP server, worker and embedded backends in one process
  releasegate serve        HTTP server only
  releasegate worker       worker only
  releasegate migrate      apply database migrations and exit
  releasegate user add     --username NAME --role ROLE [--team T] [--name "Display Name"]
  releasegate user list
  releasegate user token   --username NAME [--name LABEL] [--expires 720h]
  releasegate audit verify check the audit log's hash chain
  releasegate health       --url URL: exit 0 when URL answers 200 (the container HEALTHCHECK)
  releasegate text         [--json] [--password PW] IN.pdf: the PDF's text, or every glyph with its box
  releasegate redact       -o OUT.pdf [--terms FILE] [--term TEXT]… [--marks FILE]
                           [--width-policy quantised|exact|line] [--labels] [--password PW] [--report FILE] IN.pdf
  releasegate verify       --terms FILE [--marks FILE] [--password PW] FILE.pdf

Configuration comes from RG_* environment variables (see the README);
flags override them. Run "releasegate COMMAND -h" for a command's flags.
`

func main() {
	// pdfcpu's process-wide settings: no config directory in $HOME (what
	// api.DisableConfigDir does; the api package itself is not linked).
	model.ConfigPath = "disable"
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "releasegate:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific exit status.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	if errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "all"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "all":
		return runService(ctx, args, stdout, stderr, true, true)
	case "serve":
		return runService(ctx, args, stdout, stderr, true, false)
	case "worker":
		return runService(ctx, args, stdout, stderr, false, true)
	case "migrate":
		return runMigrate(ctx, args, stdout, stderr)
	case "user":
		return runUser(ctx, args, stdout, stderr)
	case "audit":
		return runAudit(ctx, args, stdout, stderr)
	case "health":
		return runHealth(ctx, args, stdout, stderr)
	case "text":
		return runText(ctx, args, stdout, stderr)
	case "redact":
		return runRedact(ctx, args, stdout, stderr)
	case "verify":
		return runVerify(ctx, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return &exitError{code: 2, err: fmt.Errorf("unknown command %q", cmd)}
	}
}

// loadConfig reads the environment and the command's flags.
func loadConfig(name string, args []string, stderr io.Writer, extra func(*flag.FlagSet)) (config.Config, error) {
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		return cfg, err
	}
	fs := flag.NewFlagSet("releasegate "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Flags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return cfg, cfg.Validate()
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// runService starts the HTTP server, the worker, or both, until a signal.
func runService(ctx context.Context, args []string, stdout, stderr io.Writer, serve, work bool) error {
	name := map[[2]bool]string{{true, true}: "all", {true, false}: "serve", {false, true}: "worker"}[[2]bool{serve, work}]
	cfg, err := loadConfig(name, args, stderr, nil)
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if !serve && a.Queue.Embedded() {
		return errors.New("a separate worker needs the queue the server uses: set RG_REDIS_URL (the embedded queue lives inside one process; use \"releasegate all\" instead)")
	}
	if err := a.Bootstrap(ctx, func(f string, v ...any) { fmt.Fprintf(stdout, f, v...) }); err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	if serve {
		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
		}
		log.Info("releasegate listening", "url", "http://"+ln.Addr().String(), "mode", name, "config", cfg.Redacted())
		g.Go(func() error { return a.Serve(ctx, ln) })
	}
	if work {
		g.Go(func() error { return a.Worker.Run(ctx) })
	}
	err = g.Wait()
	log.Info("releasegate stopped")
	return err
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("migrate", args, stderr, nil)
	if err != nil {
		return err
	}
	db, err := app.OpenDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database (%s) is at schema version %d\n", db.Dialect(), v)
	return nil
}

// runHealth probes a URL; distroless images have no curl for HEALTHCHECK.
func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("releasegate health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080/healthz", "URL to probe")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 4*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", *url, res.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}
