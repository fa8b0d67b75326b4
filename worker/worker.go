// Package worker declares releasegate's asynq tasks — their type names,
// payloads and constructors, which other services may import to enqueue
// typed work — and the Worker whose methods handle them.
//
// Task type names are a wire contract: renaming one orphans queued work.
package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"

	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/metric"
	"github.com/releasegate/releasegate/internal/queue"
	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/internal/store"
)

// Task types.
const (
	// TypeDocumentIngest takes an uploaded document to ready or rejected.
	TypeDocumentIngest = "document:ingest"
	// TypeReconcile re-enqueues work the records say is unfinished.
	TypeReconcile = "system:reconcile"
	// TypeBlobSweep removes stored objects no record refers to.
	TypeBlobSweep = "blob:sweep"
	// TypeRedactionApply runs the redaction engine on a submitted set.
	TypeRedactionApply = "redaction:apply"
)

// ApplyPayload names the redaction set to apply.
type ApplyPayload struct {
	SetID string `json:"redaction_set_id"`
}

// NewApplyTask returns a redaction:apply task, keyed by the set's id and
// the time it was submitted: a set submitted again after an amendment is
// new work.
func NewApplyTask(setID string, submitted time.Time) (*asynq.Task, string, error) {
	b, err := json.Marshal(ApplyPayload{SetID: setID})
	if err != nil {
		return nil, "", fmt.Errorf("encode apply payload: %w", err)
	}
	id := fmt.Sprintf("%s:%s:%d", TypeRedactionApply, setID, submitted.UnixNano())
	return asynq.NewTask(TypeRedactionApply, b, asynq.TaskID(id), asynq.Queue(queue.Default), asynq.MaxRetry(12),
		asynq.Timeout(15*time.Minute)), id, nil
}

// IngestPayload names the document to ingest.
type IngestPayload struct {
	DocumentID string `json:"document_id"`
}

// NewIngestTask returns a document:ingest task. Its id is derived from the
// document id, so enqueueing the same document twice is refused by the
// queue instead of doing the work twice.
func NewIngestTask(documentID string) (*asynq.Task, error) {
	b, err := json.Marshal(IngestPayload{DocumentID: documentID})
	if err != nil {
		return nil, fmt.Errorf("encode ingest payload: %w", err)
	}
	return asynq.NewTask(TypeDocumentIngest, b,
		asynq.TaskID(IngestTaskID(documentID)),
		asynq.Queue(queue.Default),
		asynq.MaxRetry(12),
		asynq.Timeout(10*time.Minute)), nil
}

// IngestTaskID is the queue id of a document's ingest task.
func IngestTaskID(documentID string) string { return TypeDocumentIngest + ":" + documentID }

// Enqueue submits t, whose asynq.TaskID option is id. A task with the same
// id already waiting or running is success (the work is in hand); one left
// archived after exhausting its retries is deleted and submitted afresh,
// because the records still say the work is unfinished.
func Enqueue(ctx context.Context, q *queue.Queue, t *asynq.Task, id string) error {
	_, err := q.Client.EnqueueContext(ctx, t)
	if !errors.Is(err, asynq.ErrTaskIDConflict) {
		if err != nil {
			return fmt.Errorf("enqueue %s: %w", t.Type(), err)
		}
		return nil
	}
	info, ierr := q.Inspector.GetTaskInfo(queue.Default, id)
	if ierr != nil || info.State != asynq.TaskStateArchived {
		return nil
	}
	if err := q.Inspector.DeleteTask(queue.Default, id); err != nil {
		return fmt.Errorf("delete archived %s: %w", id, err)
	}
	if _, err := q.Client.EnqueueContext(ctx, t); err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("enqueue %s: %w", t.Type(), err)
	}
	return nil
}

// Worker handles tasks. Its dependencies arrive through New.
type Worker struct {
	docs    *document.Service
	rel     *release.Service
	db      *store.DB
	blobs   blob.Store
	q       *queue.Queue
	metrics *metric.Metrics
	log     *slog.Logger
	cfg     Config
}

// Config tunes the worker.
type Config struct {
	Concurrency    int
	StuckAfter     time.Duration // a document untouched this long is re-enqueued
	ReconcileEvery time.Duration
	SweepEvery     time.Duration
	OrphanGrace    time.Duration // an unreferenced object younger than this is left alone
}

// DefaultConfig is what production uses.
func DefaultConfig() Config {
	return Config{Concurrency: 4, StuckAfter: 30 * time.Second, ReconcileEvery: 30 * time.Second,
		SweepEvery: time.Hour, OrphanGrace: time.Hour}
}

// New returns a Worker.
func New(docs *document.Service, rel *release.Service, db *store.DB, blobs blob.Store, q *queue.Queue, m *metric.Metrics, log *slog.Logger, cfg Config) *Worker {
	return &Worker{docs: docs, rel: rel, db: db, blobs: blobs, q: q, metrics: m, log: log, cfg: cfg}
}

// Mux registers every handler, in one place.
func (w *Worker) Mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.Use(w.observe)
	mux.HandleFunc(TypeDocumentIngest, w.HandleIngest)
	mux.HandleFunc(TypeReconcile, w.HandleReconcile)
	mux.HandleFunc(TypeBlobSweep, w.HandleBlobSweep)
	mux.HandleFunc(TypeRedactionApply, w.HandleApply)
	mux.HandleFunc(TypeReleaseDeliver, w.HandleDeliver)
	mux.HandleFunc(TypeFamilyNotify, w.HandleNotify)
	mux.HandleFunc(TypeConsentRequest, w.HandleConsentRequest)
	mux.HandleFunc(TypeConsentChase, w.HandleConsentChase)
	mux.HandleFunc(TypeConsentExpire, w.HandleConsentExpire)
	mux.HandleFunc(TypeLegalRoute, w.HandleLegalRoute)
	return mux
}

// observe records each task's outcome and duration.
func (w *Worker) observe(next asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		start := time.Now()
		err := next.ProcessTask(ctx, t)
		outcome := "ok"
		switch {
		case errors.Is(err, document.ErrRejected):
			outcome = "rejected"
		case errors.Is(err, asynq.SkipRetry):
			outcome = "failed"
		case err != nil:
			outcome = "retry"
		}
		w.metrics.TaskOutcomes.WithLabelValues(t.Type(), outcome).Inc()
		w.metrics.TaskDuration.WithLabelValues(t.Type()).Observe(time.Since(start).Seconds())
		if err != nil && outcome != "rejected" {
			w.log.WarnContext(ctx, "task", "type", t.Type(), "outcome", outcome, "err", err)
		}
		return err
	})
}

// HandleIngest runs document:ingest. A file that cannot be ingested is a
// permanent outcome (recorded, never retried); storage or database trouble
// is retried with backoff.
func (w *Worker) HandleIngest(ctx context.Context, t *asynq.Task) (err error) {
	var p IngestPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.DocumentID == "" {
		return fmt.Errorf("decode %s payload: %w", t.Type(), asynq.SkipRetry)
	}
	err = w.docs.Ingest(ctx, p.DocumentID)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, document.ErrRejected):
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	case errors.Is(err, document.ErrNotFound):
		return fmt.Errorf("document %s: %w: %w", p.DocumentID, err, asynq.SkipRetry)
	default:
		return err
	}
}

// HandleApply runs the redaction engine on a submitted set.
func (w *Worker) HandleApply(ctx context.Context, t *asynq.Task) error {
	var p ApplyPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.SetID == "" {
		return fmt.Errorf("decode %s payload: %w", t.Type(), asynq.SkipRetry)
	}
	err := w.rel.Apply(ctx, p.SetID)
	if errors.Is(err, release.ErrNotFound) {
		return fmt.Errorf("redaction set %s: %w: %w", p.SetID, err, asynq.SkipRetry)
	}
	return err
}

// HandleReconcile re-enqueues documents the records say are unfinished: a
// flushed queue or a killed worker leaves them in received or ingesting.
func (w *Worker) HandleReconcile(ctx context.Context, _ *asynq.Task) error {
	n, err := w.Reconcile(ctx)
	if n > 0 {
		w.log.InfoContext(ctx, "reconciled", "documents", n)
	}
	return err
}

// Reconcile is HandleReconcile's work, callable directly at start-up.
func (w *Worker) Reconcile(ctx context.Context) (int, error) {
	ids, err := w.docs.Stuck(ctx, w.cfg.StuckAfter, 1000)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		t, err := NewIngestTask(id)
		if err != nil {
			return 0, err
		}
		if err := Enqueue(ctx, w.q, t, IngestTaskID(id)); err != nil {
			return 0, err
		}
	}
	sets, err := w.rel.Pending(ctx, 1000)
	if err != nil {
		return len(ids), err
	}
	for _, ps := range sets {
		t, id, err := NewApplyTask(ps.ID, ps.SubmittedAt)
		if err != nil {
			return 0, err
		}
		if err := Enqueue(ctx, w.q, t, id); err != nil {
			return 0, err
		}
	}
	nd, err := w.reconcileDeliveries(ctx)
	if err != nil {
		return len(ids) + len(sets) + nd, err
	}
	nn, err := w.reconcileNotices(ctx)
	return len(ids) + len(sets) + nd + nn, err
}

// HandleBlobSweep removes objects that no record names and that are older
// than the grace period (an upload whose record failed, or a crash between
// writing a blob and its record).
func (w *Worker) HandleBlobSweep(ctx context.Context, _ *asynq.Task) error {
	n, err := w.Sweep(ctx)
	if n > 0 {
		w.log.InfoContext(ctx, "swept orphan blobs", "count", n)
	}
	return err
}

// Sweep is HandleBlobSweep's work.
func (w *Worker) Sweep(ctx context.Context) (int, error) {
	cutoff := time.Now().Add(-w.cfg.OrphanGrace)
	var orphans []blob.Key
	err := w.blobs.Walk(ctx, func(info blob.Info) error {
		if info.Modified.After(cutoff) {
			return nil
		}
		var n int
		if err := w.db.QueryRow(ctx, `SELECT COUNT(*) FROM blobs WHERE blob_key = ?`, string(info.Key)).Scan(&n); err != nil {
			return fmt.Errorf("look up blob: %w", err)
		}
		if n == 0 {
			orphans = append(orphans, info.Key)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range orphans {
		if err := w.blobs.Delete(ctx, k); err != nil && !errors.Is(err, blob.ErrNotFound) {
			return 0, fmt.Errorf("delete orphan: %w", err)
		}
	}
	return len(orphans), nil
}

// Run processes tasks and runs the periodic ones until ctx ends, then shuts
// down gracefully: work in progress finishes (or is handed back to the
// queue when its deadline passes).
func (w *Worker) Run(ctx context.Context) error {
	srv := asynq.NewServer(w.q.Opt, asynq.Config{
		Concurrency: w.cfg.Concurrency,
		Queues:      queue.Queues,
		// An idle worker looks for new work every 50 ms rather than asynq's
		// default second: a person waits on each upload, and an idle poll
		// costs Redis one cheap command.
		TaskCheckInterval: 50 * time.Millisecond,
		Logger:            queue.Logger{L: w.log},
		ShutdownTimeout:   20 * time.Second,
		BaseContext:       func() context.Context { return context.WithoutCancel(ctx) },
	})
	if err := srv.Start(w.Mux()); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	sched := asynq.NewScheduler(w.q.Opt, &asynq.SchedulerOpts{Logger: queue.Logger{L: w.log}})
	periodic := []struct {
		typ   string
		every time.Duration
	}{{TypeReconcile, w.cfg.ReconcileEvery}, {TypeBlobSweep, w.cfg.SweepEvery}, {TypeConsentChase, ConsentChaseEvery}, {TypeConsentExpire, ConsentExpireEvery}}
	for _, p := range periodic {
		if _, err := sched.Register(fmt.Sprintf("@every %s", p.every), asynq.NewTask(p.typ, nil),
			asynq.Queue(queue.Default), asynq.MaxRetry(0), asynq.Unique(p.every-time.Second)); err != nil {
			srv.Shutdown()
			return fmt.Errorf("schedule %s: %w", p.typ, err)
		}
	}
	if err := sched.Start(); err != nil {
		srv.Shutdown()
		return fmt.Errorf("start scheduler: %w", err)
	}
	// Work left over from before this process started is picked up now,
	// not at the first tick.
	if _, err := w.Reconcile(ctx); err != nil {
		w.log.WarnContext(ctx, "reconcile at start", "err", err)
	}
	<-ctx.Done()
	sched.Shutdown()
	srv.Shutdown()
	return nil
}
