// Package app wires releasegate's parts together from a Config: it opens the
// three backends (records, blobs, queue) in their embedded or production
// form, migrates the database and builds the HTTP server and the worker.
// cmd/releasegate only parses flags and calls into here.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/casefile"
	"github.com/releasegate/releasegate/internal/config"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/mail"
	"github.com/releasegate/releasegate/internal/metric"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/queue"
	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/user"
	"github.com/releasegate/releasegate/internal/web"
	"github.com/releasegate/releasegate/worker"
)

// App is a wired releasegate.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	DB       *store.DB
	Blobs    blob.Store
	Queue    *queue.Queue
	Audit    *audit.Log
	Users    *user.Store
	Cases    *casefile.Store
	Docs     *document.Service
	Releases *release.Service
	Metrics  *metric.Metrics
	Web      *web.Server
	Worker   *worker.Worker
}

// Open connects every backend, applies migrations and builds the services.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	a := &App{Config: cfg, Log: log}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	scratch := filepath.Join(cfg.DataDir, "scratch")
	if err := os.MkdirAll(scratch, 0o700); err != nil {
		return nil, fmt.Errorf("create scratch directory: %w", err)
	}
	db, err := OpenDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a.DB = db
	if a.Blobs, err = OpenBlobs(ctx, cfg); err != nil {
		a.Close()
		return nil, err
	}
	if a.Queue, err = queue.Open(cfg.RedisURL, cfg.QueueAddr); err != nil {
		a.Close()
		return nil, err
	}
	a.Audit = audit.New(db)
	a.Users = user.NewStore(db)
	a.Cases = casefile.NewStore(db, a.Audit, a.Users)
	lim := ingest.DefaultLimits()
	lim.MaxPages = cfg.MaxPages
	lim.MaxDecompressedBytes = int64(cfg.MaxExpandMB) << 20
	a.Docs = document.NewService(db, a.Blobs, a.Audit, log, document.Config{Limits: lim, Scratch: scratch})
	a.Releases = release.NewService(db, a.Blobs, a.Audit, a.Docs, a.Cases)
	if err := configureRequests(a.Releases, cfg); err != nil {
		a.Close()
		return nil, err
	}
	a.Metrics = metric.New(a.Queue.Depth, log)
	a.Web = web.New(db, a.Users, a.Cases, a.Docs, a.Releases, a.Audit, a.Blobs, a.Queue, a.Metrics, log,
		web.Config{MaxUploadBytes: int64(cfg.MaxUploadMB) << 20, Scratch: scratch, SecureCookies: cfg.SecureCookie, PublicPerMinute: cfg.PublicPerMinute})
	wc := worker.DefaultConfig()
	wc.Concurrency = cfg.Concurrency
	a.Worker = worker.New(a.Docs, a.Releases, db, a.Blobs, a.Queue, a.Metrics, log, wc)
	return a, nil
}

// configureRequests sets how the service's letters go out: consent
// requests to authors, and notices to Legal Services (RG_LEGAL_EMAIL), by
// SMTP when RG_SMTP_HOST is set, otherwise through the outbox; and the
// contact details letters to families give.
func configureRequests(rel *release.Service, cfg config.Config) error {
	rel.SetContact(release.Contact{Email: cfg.ContactEmail, Complaints: cfg.ComplaintsContact})
	rc := release.RequestConfig{BaseURL: cfg.BaseURL(), ReplyTo: cfg.ConsentReplyTo, LinkDays: cfg.ConsentLinkDays,
		ChaseAfter: cfg.ConsentChaseDays, Reminders: cfg.ConsentReminders, LegalEmail: cfg.LegalEmail}
	if rc.ReplyTo == "" {
		rc.ReplyTo = cfg.SMTPFrom
	}
	if cfg.SMTPHost != "" {
		m, err := mail.NewSMTP(mail.Config{Host: cfg.SMTPHost, Port: cfg.SMTPPort, From: cfg.SMTPFrom, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword})
		if err != nil {
			return err
		}
		rc.Mail = m
	}
	rel.ConfigureRequests(rc)
	return nil
}

// OpenDB opens and migrates the records database.
func OpenDB(ctx context.Context, cfg config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenBlobs opens object storage: S3 when an endpoint is configured,
// otherwise a directory under the data directory. Storage that is not up
// yet (started alongside the service) is waited for, up to 30 seconds.
func OpenBlobs(ctx context.Context, cfg config.Config) (blob.Store, error) {
	if cfg.S3Endpoint == "" {
		return blob.NewDir(filepath.Join(cfg.DataDir, "blobs"))
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		st, err := blob.NewS3(ctx, blob.S3Config{Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, AccessKey: cfg.S3AccessKey,
			SecretKey: cfg.S3SecretKey, Region: cfg.S3Region, UseTLS: cfg.S3UseTLS})
		if err == nil || !errors.Is(err, blob.ErrUnavailable) {
			return st, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// Close releases the backends.
func (a *App) Close() {
	if a.Queue != nil {
		a.Queue.Close()
	}
	if a.DB != nil {
		a.DB.Close()
	}
}

// Bootstrap creates the first administrator on an empty database and prints
// its one-time password to out (never to the log).
func (a *App) Bootstrap(ctx context.Context, out func(format string, args ...any)) error {
	u, pw, created, err := a.Users.Bootstrap(ctx)
	if err != nil || !created {
		return err
	}
	e := audit.Actor{ID: user.System.ID, Role: string(user.System.Role)}.Entry("user.create", audit.OK)
	e.Detail = map[string]string{"user_id": u.ID, "role": string(u.Role), "bootstrap": "true"}
	if err := a.Audit.Append(ctx, e); err != nil {
		return err
	}
	out("\nFirst start: created administrator %q with one-time password\n\n    %s\n\nSign in and choose a new password; it is not shown again.\n\n", u.Username, pw)
	return nil
}

// Serve runs the HTTP server on ln until ctx ends, then shuts it down,
// letting requests in flight finish for up to 20 seconds.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Web.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down http: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
