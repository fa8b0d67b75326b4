package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/pdf/redact"
	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/user"
)

// ErrUnavailable means a backend is down; the task is retried.
var ErrUnavailable = errors.New("a backend is unavailable")

// Apply runs the redaction engine on a submitted set: the marks, the
// set's terms and every condition term of the author's consents for the
// set's audience. The verified output is stored and named by the set; a
// document the engine cannot redact safely sends the set back to its
// author with the reason. Applying a set that already has its version,
// or is no longer submitted, does nothing: the task may run twice.
func (s *Service) Apply(ctx context.Context, setID string) error {
	st, err := s.GetSet(ctx, setID)
	if err != nil {
		return err
	}
	if st.State != Submitted || st.versionKey != "" || st.ApplyError != "" {
		return nil
	}
	d, err := s.docs.Get(ctx, st.DocumentID)
	if err != nil {
		return err
	}
	key := d.WorkingKey
	if key == "" {
		key = d.OriginalKey
	}
	data, err := s.read(ctx, key)
	if err != nil {
		return err
	}
	labels, err := s.Reasons(ctx)
	if err != nil {
		return err
	}
	label := map[string]string{}
	for _, r := range labels {
		label[r.Code] = r.Label
	}
	opt := redact.Options{Labels: true}
	for _, m := range st.Marks {
		opt.Marks = append(opt.Marks, redact.Mark{Page: m.Page, Rect: m.Rect, Reason: label[m.Reason]})
	}
	for _, t := range st.Terms {
		opt.Terms = append(opt.Terms, t.Text)
	}
	cs, err := s.Consents(ctx, d.ID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if slices.Contains(c.Granted, st.Audience) && c.State != Withdrawn {
			opt.Terms = append(opt.Terms, c.ConditionTerms...)
		}
	}
	opt.Terms = dedupe(opt.Terms)
	out, rep, v, rerr := redact.Redact(ctx, data, "", opt)
	if errors.Is(rerr, context.Canceled) || errors.Is(rerr, context.DeadlineExceeded) {
		return rerr
	}
	now := s.now().UTC()
	sys := audit.Actor{ID: user.System.ID, Role: string(user.System.Role)}
	if rerr != nil {
		reason := rerr.Error()
		if errors.Is(rerr, ingest.ErrDamaged) || errors.Is(rerr, ingest.ErrUnsupported) {
			reason = ingest.Reason(rerr)
		}
		return s.db.Tx(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE redaction_sets SET state = ?, apply_error = ?, updated_at = ? WHERE id = ? AND state = ? AND version_key IS NULL`,
				string(Draft), truncate(reason, 500), now, st.ID, string(Submitted))
			if err != nil {
				return fmt.Errorf("record apply failure: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			st.State = Draft
			return s.auditSet(ctx, tx, sys, d.CaseID, st, "redaction.apply", map[string]string{"outcome": "failed"})
		})
	}
	sum := sha256.Sum256(out)
	vk := blob.KeyOf(sum)
	if err := s.blobs.Put(ctx, vk, bytes.NewReader(out), int64(len(out))); err != nil {
		return fmt.Errorf("%w: store redacted version: %w", ErrUnavailable, err)
	}
	report, err := json.Marshal(map[string]any{"report": rep, "verification": v})
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := registerBlob(ctx, tx, Evidence{Key: vk, Size: int64(len(out)), MediaType: "application/pdf"}, now); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE redaction_sets SET version_key = ?, verification = ?, applied_terms = ?, applied_at = ?, updated_at = ?
			WHERE id = ? AND state = ? AND version_key IS NULL`, string(vk), string(report), jsonText(opt.Terms), now, now, st.ID, string(Submitted))
		if err != nil {
			return fmt.Errorf("record redacted version: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // amended or applied meanwhile
		}
		st.versionKey = vk
		st.VersionSHA256 = keyHex(vk)
		return s.auditSet(ctx, tx, sys, d.CaseID, st, "redaction.apply", map[string]string{"outcome": "verified", "widths_leak": fmt.Sprint(rep.WidthsLeak)})
	})
}

// read loads a stored object, checked against its address.
func (s *Service) read(ctx context.Context, key blob.Key) ([]byte, error) {
	rc, _, err := s.blobs.Open(ctx, key)
	if err != nil {
		if errors.Is(err, blob.ErrNotFound) {
			return nil, fmt.Errorf("stored file %s is missing: %w", key, err)
		}
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %w", ErrUnavailable, key, err)
	}
	return b, nil
}

// OpenVersion streams a set's redacted version (audited by the caller).
func (s *Service) OpenVersion(ctx context.Context, st Set) (io.ReadCloser, int64, error) {
	if st.versionKey == "" {
		return nil, 0, fmt.Errorf("%w: this redaction set has no redacted version yet", ErrNotFound)
	}
	rc, n, err := s.blobs.Open(ctx, st.versionKey)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return rc, n, nil
}

func dedupe(terms []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, t := range terms {
		k := strings.ToLower(strings.TrimSpace(t))
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, strings.TrimSpace(t))
	}
	return out
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
