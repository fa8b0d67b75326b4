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

// Task types of a release's delivery.
const (
	// TypeReleaseDeliver stamps the approved version for its recipient.
	TypeReleaseDeliver = "release:deliver"
	// TypeFamilyNotify renders the letter telling the family.
	TypeFamilyNotify = "family:notify"
)

// ReleasePayload names a release.
type ReleasePayload struct {
	ReleaseID string `json:"release_id"`
}

// NewReleaseTask returns a release:deliver or family:notify task for a
// release, keyed by both: each is done once per release.
func NewReleaseTask(typ, releaseID string) (*asynq.Task, string, error) {
	b, err := json.Marshal(ReleasePayload{ReleaseID: releaseID})
	if err != nil {
		return nil, "", fmt.Errorf("encode release payload: %w", err)
	}
	id := typ + ":" + releaseID
	return asynq.NewTask(typ, b, asynq.TaskID(id), asynq.Queue(queue.Default), asynq.MaxRetry(12),
		asynq.Timeout(10*time.Minute)), id, nil
}

// EnqueueRelease asks for a new release's delivery and, when the family is
// to be told, its letter.
func EnqueueRelease(ctx context.Context, q *queue.Queue, r release.Release) error {
	types := []string{TypeReleaseDeliver}
	if r.FamilyInformed {
		types = append(types, TypeFamilyNotify)
	}
	for _, typ := range types {
		t, id, err := NewReleaseTask(typ, r.ID)
		if err != nil {
			return err
		}
		if err := Enqueue(ctx, q, t, id); err != nil {
			return err
		}
	}
	return nil
}

// HandleDeliver makes a release's stamped file.
func (w *Worker) HandleDeliver(ctx context.Context, t *asynq.Task) error {
	return w.releaseTask(ctx, t, w.rel.Deliver)
}

// HandleNotify renders the letter to the family.
func (w *Worker) HandleNotify(ctx context.Context, t *asynq.Task) error {
	return w.releaseTask(ctx, t, w.rel.NotifyFamily)
}

func (w *Worker) releaseTask(ctx context.Context, t *asynq.Task, do func(context.Context, string) error) error {
	var p ReleasePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.ReleaseID == "" {
		return fmt.Errorf("decode %s payload: %w", t.Type(), asynq.SkipRetry)
	}
	err := do(ctx, p.ReleaseID)
	if errors.Is(err, release.ErrNotFound) {
		return fmt.Errorf("release %s: %w: %w", p.ReleaseID, err, asynq.SkipRetry)
	}
	return err
}

// reconcileDeliveries re-enqueues deliveries and family letters the
// records say are not done.
func (w *Worker) reconcileDeliveries(ctx context.Context) (int, error) {
	pending, err := w.rel.PendingDeliveries(ctx, 1000)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range pending {
		for typ, todo := range map[string]bool{TypeReleaseDeliver: p.Deliver, TypeFamilyNotify: p.Notify} {
			if !todo {
				continue
			}
			t, id, err := NewReleaseTask(typ, p.ReleaseID)
			if err != nil {
				return n, err
			}
			if err := Enqueue(ctx, w.q, t, id); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
