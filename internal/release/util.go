package release

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/store"
)

// readyDocument returns the document when it is ready for the path to a
// release.
func (s *Service) readyDocument(ctx context.Context, id string) (document.Document, error) {
	d, err := s.docs.Get(ctx, id)
	if err != nil {
		return d, err
	}
	if d.State != document.Ready {
		return d, fmt.Errorf("%w: the document is %s; consent and redaction start once it is ready", ErrConflict, d.State)
	}
	return d, nil
}

func registerBlob(ctx context.Context, tx *store.Tx, ev Evidence, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO blobs (blob_key, size, media_type, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (blob_key) DO NOTHING`,
		string(ev.Key), ev.Size, ev.MediaType, now)
	if err != nil {
		return fmt.Errorf("register blob: %w", err)
	}
	return nil
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only slices of strings and plain structs are stored
	}
	return string(b)
}

func fromJSON(s string, v any) error {
	if s == "" {
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}

// nonNil returns v, or an empty slice for nil, so JSON shows [] not null.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func audStrings(as []Audience) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}

func keyHex(k blob.Key) string {
	if k == "" {
		return ""
	}
	sum := k.Sum()
	return hex.EncodeToString(sum[:])
}

// splitLock moves a trailing " FOR UPDATE" off a WHERE clause, so it can
// follow the ORDER BY as PostgreSQL requires.
func splitLock(where string) (string, string) {
	if w, ok := strings.CutSuffix(where, " FOR UPDATE"); ok {
		return w, " FOR UPDATE"
	}
	return where, ""
}

// only returns the record a query by id found, or ErrNotFound saying
// there is no such what.
func only[T any](list []T, err error, what string) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(list) == 0 {
		return zero, fmt.Errorf("%w: there is no such %s", ErrNotFound, what)
	}
	return list[0], nil
}
