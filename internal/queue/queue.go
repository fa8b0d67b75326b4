// Package queue connects releasegate to asynq: a real Redis when
// RG_REDIS_URL is set, otherwise an in-process Redis-protocol server on a
// loopback port, so the same asynq code runs in every mode.
//
// The queue only delivers work; the records database is the truth. The
// embedded server keeps nothing across restarts, which is safe because the
// reconciler re-enqueues whatever the records say is unfinished.
package queue

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/alicebob/miniredis/v2"
	"github.com/hibiken/asynq"
)

// Queue names; ingest has its own so a flood of uploads never starves the
// release path to come.
const (
	Default  = "default"
	Critical = "critical"
)

// Queues gives each queue its priority weight for the worker.
var Queues = map[string]int{Critical: 6, Default: 3}

// Queue is a connection to the task queue.
type Queue struct {
	Opt       asynq.RedisConnOpt
	Client    *asynq.Client
	Inspector *asynq.Inspector
	embedded  *miniredis.Miniredis
	url       string
}

// Open connects to redisURL, or starts the embedded server when it is
// empty. addr is the embedded server's loopback address ("127.0.0.1:0"
// picks a free port).
func Open(redisURL, addr string) (*Queue, error) {
	q := &Queue{url: redisURL}
	if redisURL == "" {
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		if !strings.HasPrefix(addr, "127.") && !strings.HasPrefix(addr, "localhost:") && !strings.HasPrefix(addr, "[::1]:") {
			return nil, fmt.Errorf("the embedded queue listens on loopback only, not %s", addr)
		}
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr(addr); err != nil {
			return nil, fmt.Errorf("start embedded queue on %s: %w", addr, err)
		}
		q.embedded = m
		q.Opt = asynq.RedisClientOpt{Addr: m.Addr()}
	} else {
		opt, err := asynq.ParseRedisURI(redisURL)
		if err != nil {
			return nil, fmt.Errorf("RG_REDIS_URL: %w", err)
		}
		q.Opt = opt
	}
	q.Client = asynq.NewClient(q.Opt)
	q.Inspector = asynq.NewInspector(q.Opt)
	return q, nil
}

// Embedded reports whether the queue runs in this process.
func (q *Queue) Embedded() bool { return q.embedded != nil }

// Addr is the embedded server's address, for tests that flush it.
func (q *Queue) Addr() string {
	if q.embedded == nil {
		return ""
	}
	return q.embedded.Addr()
}

// FlushAll empties the embedded server (a test of the reconciler).
func (q *Queue) FlushAll() {
	if q.embedded != nil {
		q.embedded.FlushAll()
	}
}

// Ping checks the queue answers; used by /readyz.
func (q *Queue) Ping(ctx context.Context) error {
	if err := q.Client.Ping(); err != nil {
		return fmt.Errorf("ping queue: %w", err)
	}
	return ctx.Err()
}

// Depth returns the number of tasks waiting (pending, scheduled, retrying)
// per queue, for the metrics endpoint.
func (q *Queue) Depth() (map[string]int, error) {
	out := map[string]int{}
	for name := range Queues {
		info, err := q.Inspector.GetQueueInfo(name)
		if err != nil {
			if strings.Contains(err.Error(), "does not exist") {
				out[name] = 0
				continue
			}
			return nil, fmt.Errorf("queue %s: %w", name, err)
		}
		out[name] = info.Pending + info.Scheduled + info.Retry
	}
	return out, nil
}

// Close releases the connections and stops the embedded server.
func (q *Queue) Close() error {
	err := q.Client.Close()
	if ierr := q.Inspector.Close(); err == nil {
		err = ierr
	}
	if q.embedded != nil {
		q.embedded.Close()
	}
	return err
}

// Logger adapts *slog.Logger to asynq's printf-style logger.
type Logger struct{ L *slog.Logger }

// Debug logs at debug level.
func (l Logger) Debug(args ...any) { l.L.Debug(fmt.Sprint(args...), "component", "asynq") }

// Info logs at info level.
func (l Logger) Info(args ...any) { l.L.Info(fmt.Sprint(args...), "component", "asynq") }

// Warn logs at warn level.
func (l Logger) Warn(args ...any) { l.L.Warn(fmt.Sprint(args...), "component", "asynq") }

// Error logs at error level.
func (l Logger) Error(args ...any) { l.L.Error(fmt.Sprint(args...), "component", "asynq") }

// Fatal logs at error level; asynq exits the process after it.
func (l Logger) Fatal(args ...any) {
	l.L.Error(fmt.Sprint(args...), "component", "asynq", "fatal", true)
}
