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

// Task types of asking the author for consent.
const (
	// TypeConsentRequest sends a consent request's letter (email or
	// outbox).
	TypeConsentRequest = "consent:request"
	// TypeConsentChase reminds authors who have not answered, tells
	// managers after the last reminder, and resends requests whose letter
	// has not gone. It runs every ConsentChaseEvery.
	TypeConsentChase = "consent:chase"
)

// ConsentChaseEvery is how often consent:chase runs. Reminders are due on
// working days, so the period only bounds how late in the day they go,
// and how soon a lost consent:request task is made good.
const ConsentChaseEvery = 15 * time.Minute

// unsentAfter is how old an unsent request must be before consent:chase
// enqueues it again: its own task has had time to run.
const unsentAfter = time.Minute

// ConsentRequestPayload names the request to send.
type ConsentRequestPayload struct {
	RequestID string `json:"consent_request_id"`
}

// NewConsentRequestTask returns a consent:request task, keyed by the
// request's id: enqueueing it again while it waits or runs does nothing,
// and running it again sends nothing twice (the records say what went).
func NewConsentRequestTask(requestID string) (*asynq.Task, string, error) {
	b, err := json.Marshal(ConsentRequestPayload{RequestID: requestID})
	if err != nil {
		return nil, "", fmt.Errorf("encode consent request payload: %w", err)
	}
	id := TypeConsentRequest + ":" + requestID
	return asynq.NewTask(TypeConsentRequest, b, asynq.TaskID(id), asynq.Queue(queue.Default), asynq.MaxRetry(12),
		asynq.Timeout(5*time.Minute)), id, nil
}

// EnqueueConsentRequest asks for a request's letter to be sent.
func EnqueueConsentRequest(ctx context.Context, q *queue.Queue, requestID string) error {
	t, id, err := NewConsentRequestTask(requestID)
	if err != nil {
		return err
	}
	return Enqueue(ctx, q, t, id)
}

// HandleConsentRequest sends a request's letter. A request that no longer
// exists is a permanent failure; a mail server or storage that is down is
// retried with backoff.
func (w *Worker) HandleConsentRequest(ctx context.Context, t *asynq.Task) error {
	var p ConsentRequestPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.RequestID == "" {
		return fmt.Errorf("decode %s payload: %w", t.Type(), asynq.SkipRetry)
	}
	err := w.rel.SendRequest(ctx, p.RequestID)
	if errors.Is(err, release.ErrNotFound) {
		return fmt.Errorf("consent request %s: %w: %w", p.RequestID, err, asynq.SkipRetry)
	}
	return err
}

// HandleConsentChase enqueues requests whose letter has not gone (a lost
// task, a mail server that was down), then chases unanswered ones.
func (w *Worker) HandleConsentChase(ctx context.Context, _ *asynq.Task) error {
	ids, err := w.rel.UnsentRequests(ctx, unsentAfter, 1000)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		if err := EnqueueConsentRequest(ctx, w.q, id); err != nil {
			errs = append(errs, err)
		}
	}
	res, err := w.rel.Chase(ctx)
	if res != (release.ChaseResult{}) || len(ids) > 0 {
		w.log.InfoContext(ctx, "consent chase", "resent", len(ids), "reminders", res.Reminders, "managers_told", res.ManagersTold, "expired", res.Expired)
	}
	return errors.Join(append(errs, err)...)
}

// TypeConsentExpire records, once each, consents whose expiry date has
// passed. It runs every ConsentExpireEvery.
const TypeConsentExpire = "consent:expire"

// ConsentExpireEvery is how often consent:expire runs: consent expires by
// the day, so an hour is soon enough.
const ConsentExpireEvery = time.Hour

// HandleConsentExpire records expired consents.
func (w *Worker) HandleConsentExpire(ctx context.Context, _ *asynq.Task) error {
	n, err := w.rel.RecordExpiries(ctx)
	if n > 0 {
		w.log.InfoContext(ctx, "consents expired", "count", n)
	}
	return err
}
