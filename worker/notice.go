package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/releasegate/releasegate/internal/queue"
	"github.com/releasegate/releasegate/internal/release"
)

// TypeLegalRoute tells Legal Services that a redaction set on a Care
// Order case waits for their approval (DESIGN.md §2 rule 5): by email, or
// in the outbox.
const TypeLegalRoute = "legal:route"

// LegalRoutePayload names the set and the version the manager approved.
type LegalRoutePayload struct {
	SetID         string `json:"redaction_set_id"`
	VersionSHA256 string `json:"version_sha256"`
}

// NewLegalRouteTask returns a legal:route task, keyed by the set's id and
// the approved version's SHA-256: a set approved again after an amendment
// is a new notice, the same version never is.
func NewLegalRouteTask(setID, sha string) (*asynq.Task, string, error) {
	b, err := json.Marshal(LegalRoutePayload{SetID: setID, VersionSHA256: sha})
	if err != nil {
		return nil, "", fmt.Errorf("encode legal route payload: %w", err)
	}
	id := TypeLegalRoute + ":" + setID + ":" + sha
	return asynq.NewTask(TypeLegalRoute, b, asynq.TaskID(id), asynq.Queue(queue.Default), asynq.MaxRetry(12),
		asynq.Timeout(5*time.Minute)), id, nil
}

// EnqueueLegalRoute asks for Legal Services to be told of a set's version.
func EnqueueLegalRoute(ctx context.Context, q *queue.Queue, setID, sha string) error {
	t, id, err := NewLegalRouteTask(setID, sha)
	if err != nil {
		return err
	}
	return Enqueue(ctx, q, t, id)
}

// HandleLegalRoute makes the notice to Legal Services and sends it. A set
// that no longer exists is a permanent failure; a mail server or storage
// that is down is retried with backoff.
func (w *Worker) HandleLegalRoute(ctx context.Context, t *asynq.Task) error {
	var p LegalRoutePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.SetID == "" || p.VersionSHA256 == "" {
		return fmt.Errorf("decode %s payload: %w", t.Type(), asynq.SkipRetry)
	}
	err := w.rel.RouteToLegal(ctx, p.SetID, p.VersionSHA256)
	if errors.Is(err, release.ErrNotFound) {
		return fmt.Errorf("redaction set %s: %w: %w", p.SetID, err, asynq.SkipRetry)
	}
	return err
}

// reconcileNotices enqueues legal:route for every set the records say
// waits for Legal Services without a notice: a lost task, a queue down
// when the manager approved, a case that became a Care Order after its
// set was applied, an email the mail server has not taken yet.
func (w *Worker) reconcileNotices(ctx context.Context) (int, error) {
	due, err := w.rel.LegalRoutesDue(ctx, "", 1000)
	if err != nil {
		return 0, err
	}
	for i, r := range due {
		if err := EnqueueLegalRoute(ctx, w.q, r.SetID, r.VersionSHA256); err != nil {
			return i, err
		}
	}
	return len(due), nil
}
