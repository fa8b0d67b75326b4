// Package web serves releasegate's HTTP API (and, later, its pages).
//
// Handlers are methods on Server that return errors; one mapper turns an
// error into an RFC 9457 problem with a status and a sentence the user can
// act on, and logs the real cause. Every /api route authenticates, and every
// route that touches a case checks that the caller is allocated to it;
// refusals are audited.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/casefile"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/metric"
	"github.com/releasegate/releasegate/internal/queue"
	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/user"
)

// Config tunes the HTTP layer.
type Config struct {
	MaxUploadBytes int64  // largest file accepted
	Scratch        string // where uploads are spooled ("" = os.TempDir())
	SecureCookies  bool   // set the Secure flag on session cookies (behind TLS)
	// PublicPerMinute bounds each client address's requests to the routes
	// that need no account; 0 is no limit.
	PublicPerMinute int
}

// Server holds what the handlers need.
type Server struct {
	db      *store.DB
	users   *user.Store
	cases   *casefile.Store
	docs    *document.Service
	rel     *release.Service
	audit   *audit.Log
	blobs   blob.Store
	q       *queue.Queue
	metrics *metric.Metrics
	log     *slog.Logger
	cfg     Config
	limit   *limiter // of the routes needing no account; nil: none
}

// New returns a Server.
func New(db *store.DB, users *user.Store, cases *casefile.Store, docs *document.Service, rel *release.Service, log *audit.Log,
	blobs blob.Store, q *queue.Queue, m *metric.Metrics, logger *slog.Logger, cfg Config) *Server {
	return &Server{db: db, users: users, cases: cases, docs: docs, rel: rel, audit: log, blobs: blobs, q: q, metrics: m, log: logger, cfg: cfg,
		limit: newLimiter(cfg.PublicPerMinute)}
}

// Handler returns the routed handler with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	api := func(pattern string, h handlerFunc) { mux.Handle(pattern, s.authenticated(h)) }

	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{}))

	mux.Handle("POST /api/v1/session", s.limited(s.public(s.login)))
	api("DELETE /api/v1/session", s.logout)
	api("GET /api/v1/me", s.me)
	api("POST /api/v1/me/password", s.changePassword)

	api("GET /api/v1/users", s.listUsers)
	api("POST /api/v1/users", s.createUser)
	api("POST /api/v1/users/{user}/tokens", s.createToken)

	api("GET /api/v1/cases", s.listCases)
	api("POST /api/v1/cases", s.createCase)
	api("GET /api/v1/cases/{case}", s.getCase)
	api("PATCH /api/v1/cases/{case}", s.patchCase)
	api("POST /api/v1/cases/{case}/allocations", s.allocate)
	api("DELETE /api/v1/cases/{case}/allocations/{user}", s.deallocate)

	api("GET /api/v1/cases/{case}/documents", s.listDocuments)
	api("POST /api/v1/cases/{case}/documents", s.uploadDocument)
	api("GET /api/v1/documents/{id}", s.getDocument)
	api("GET /api/v1/documents/{id}/file", s.getDocumentFile)

	s.releaseRoutes(api)
	s.deliveryRoutes(mux, api)
	s.authorRoutes(mux, api)

	api("GET /api/v1/audit", s.listAudit)

	mux.Handle("/api/", s.public(func(w http.ResponseWriter, r *http.Request) error {
		return errNotFound("there is no such API route: see the API reference in the README")
	}))
	return s.requestID(s.observe(s.recoverPanics(securityHeaders(mux))))
}

// healthz says the process is alive (no dependencies checked).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz checks the database, the queue and object storage.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	checks := map[string]string{}
	ok := true
	check := func(name string, err error) {
		if err != nil {
			ok = false
			checks[name] = "unavailable"
			s.log.WarnContext(ctx, "readiness", "backend", name, "err", err)
			return
		}
		checks[name] = "ok"
	}
	check("database", s.db.Ping(ctx))
	check("queue", s.q.Ping(ctx))
	check("blobs", s.blobs.Ping(ctx))
	status := http.StatusOK
	if !ok {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, map[string]any{"ready": ok, "checks": checks})
}
