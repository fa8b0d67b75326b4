package web

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter is a token bucket per client address for the routes that need
// no account: sign-in (password guessing), an author's link and a
// recipient's download (token guessing, and each refusal is an audit row).
// Each address may make perMinute requests a minute, all at once if it
// has been quiet.
type limiter struct {
	mu        sync.Mutex
	perMinute int
	buckets   map[string]*rate.Limiter
}

// maxClients bounds the buckets kept: past it they are all dropped (a
// burst of new addresses starts everyone afresh rather than growing
// memory without end).
const maxClients = 10000

func newLimiter(perMinute int) *limiter {
	if perMinute <= 0 {
		return nil
	}
	return &limiter{perMinute: perMinute, buckets: map[string]*rate.Limiter{}}
}

func (l *limiter) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= maxClients {
			clear(l.buckets)
		}
		b = rate.NewLimiter(rate.Every(time.Minute/time.Duration(l.perMinute)), l.perMinute)
		l.buckets[addr] = b
	}
	return b.Allow()
}

// limited refuses a client address over its allowance with 429, before
// next runs: nothing is read, audited or logged for it but a count.
func (s *Server) limited(next http.Handler) http.Handler {
	if s.limit == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			addr = r.RemoteAddr
		}
		if s.limit.allow(addr) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Retry-After", strconv.Itoa(max(1, 60/s.limit.perMinute)))
		writeProblem(w, r, newProblem(http.StatusTooManyRequests, "too many requests from your address: wait a minute and try again"))
	})
}
