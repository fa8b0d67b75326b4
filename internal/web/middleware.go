package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/user"
)

type ctxKey int

const (
	requestIDKey ctxKey = iota
	userKey
)

var requestIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// RequestID returns the request id that middleware put in ctx, for logs.
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey).(string)
	return s
}

// requestID takes a well-formed X-Request-ID from the caller (a proxy) or
// makes one, and echoes it in the response.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !requestIDRE.MatchString(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe logs each request (method, route pattern, status, duration; never
// query strings, bodies or credentials) and records its latency.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		} else if _, p, ok := strings.Cut(route, " "); ok {
			route = p
		}
		d := time.Since(start)
		s.metrics.HTTPDuration.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Observe(d.Seconds())
		if route == "/healthz" || route == "/readyz" || route == "/metrics" {
			return
		}
		attrs := []any{"request_id", RequestID(r.Context()), "method", r.Method, "route", route, "status", sw.status,
			"duration_ms", d.Milliseconds(), "bytes", sw.bytes}
		if u, ok := r.Context().Value(userKey).(*user.User); ok && u != nil {
			attrs = append(attrs, "user_id", u.ID)
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "http", argsToAttrs(attrs)...)
	})
}

func argsToAttrs(args []any) []slog.Attr {
	out := make([]slog.Attr, 0, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		out = append(out, slog.Any(args[i].(string), args[i+1]))
	}
	return out
}

// recoverPanics turns a handler panic into a 500 and a logged stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "request_id", RequestID(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				p, _ := toProblem(fmt.Errorf("panic: %v", v))
				writeProblem(w, r, p)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

// serve runs h and maps its error.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, h handlerFunc) {
	err := h(w, r)
	if err == nil {
		return
	}
	p, internal := toProblem(err)
	level := slog.LevelInfo
	if internal {
		level = slog.LevelError
	}
	if p.Status == http.StatusServiceUnavailable {
		level = slog.LevelWarn
		w.Header().Set("Retry-After", "30")
	}
	s.log.Log(r.Context(), level, "request failed", "request_id", RequestID(r.Context()), "status", p.Status, "err", err)
	writeProblem(w, r, p)
}

// public serves h without authentication.
func (s *Server) public(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, h) })
}

const sessionCookie = "rg_session"

// authenticated serves h only to a signed-in user: an API token in
// Authorization: Bearer, or a session cookie. Cookie-authenticated requests
// that change something must come from our own origin (CSRF).
func (s *Server) authenticated(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, viaCookie, err := s.identify(r)
		if err != nil {
			s.log.InfoContext(r.Context(), "unauthenticated", "request_id", RequestID(r.Context()), "reason", err)
			writeProblem(w, r, errUnauthenticated)
			return
		}
		if viaCookie && !safeMethod(r.Method) && !sameOrigin(r) {
			writeProblem(w, r, newProblem(http.StatusForbidden, "this request did not come from a releasegate page: reload the page and try again"))
			return
		}
		if viaCookie && u.MustChangePassword && !strings.HasPrefix(r.URL.Path, "/api/v1/me") && r.URL.Path != "/api/v1/session" {
			writeProblem(w, r, newProblem(http.StatusForbidden, "choose a new password first (POST /api/v1/me/password)"))
			return
		}
		ctx := context.WithValue(r.Context(), userKey, &u)
		s.serve(w, r.WithContext(ctx), h)
	})
}

func (s *Server) identify(r *http.Request) (user.User, bool, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return user.User{}, false, fmt.Errorf("authorization scheme is not Bearer")
		}
		u, err := s.users.ByToken(r.Context(), strings.TrimSpace(tok))
		return u, false, err
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		u, err := s.users.BySession(r.Context(), c.Value)
		return u, true, err
	}
	return user.User{}, false, fmt.Errorf("no credentials")
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	o := strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://")
	return o == r.Host
}

// currentUser returns the authenticated user of an /api request.
func currentUser(r *http.Request) *user.User {
	u, _ := r.Context().Value(userKey).(*user.User)
	return u
}

// actor is the audit identity of the request.
func actor(r *http.Request) audit.Actor {
	u := currentUser(r)
	return audit.Actor{ID: u.ID, Role: string(u.Role), RequestID: RequestID(r.Context())}
}
