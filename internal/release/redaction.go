package release

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/store"
)

// SetState is where a redaction set stands.
type SetState string

// Redaction set states. The engine runs on submission, so reviewers see,
// and approve by its SHA-256, the very file that would be released.
// "applied" is the end: approved by everyone the case needs, its verified
// version the one a release sends.
const (
	Draft     SetState = "draft"
	Submitted SetState = "submitted"
	Approved  SetState = "approved" // by a manager; waiting for Legal Services (Care Order)
	Applied   SetState = "applied"
	Rejected  SetState = "rejected"
)

// Mark is a rectangle to redact, with its reason code.
type Mark struct {
	Page   int        `json:"page"`
	Rect   [4]float64 `json:"rect"`
	Reason string     `json:"reason"`
}

// Term is text to find and redact everywhere, with its reason code.
type Term struct {
	Text   string `json:"text"`
	Reason string `json:"reason"`
}

// SetInput is a redaction set as drawn.
type SetInput struct {
	Audience Audience `json:"audience"`
	Marks    []Mark   `json:"marks"`
	Terms    []Term   `json:"terms"`
}

// Set is one audience's redactions of a document.
type Set struct {
	ID           string   `json:"id"`
	DocumentID   string   `json:"document_id"`
	Audience     Audience `json:"audience"`
	State        SetState `json:"state"`
	Marks        []Mark   `json:"marks"`
	Terms        []Term   `json:"terms"`
	AppliedTerms []string `json:"applied_terms"`
	Comments     string   `json:"comments,omitempty"`
	DrawnBy      string   `json:"drawn_by"`
	// EditedBy are the others who changed its marks or terms; like its
	// author, none of them may approve it.
	EditedBy       []string        `json:"edited_by,omitempty"`
	SubmittedAt    *time.Time      `json:"submitted_at,omitempty"`
	VersionSHA256  string          `json:"version_sha256,omitempty"`
	Verification   json.RawMessage `json:"verification,omitempty"`
	ApplyError     string          `json:"apply_error,omitempty"`
	AppliedAt      *time.Time      `json:"applied_at,omitempty"`
	ApprovedBy     string          `json:"approved_by,omitempty"`
	ApprovedAt     *time.Time      `json:"approved_at,omitempty"`
	ApprovedSHA256 string          `json:"approved_sha256,omitempty"`
	LegalBy        string          `json:"legal_approved_by,omitempty"`
	LegalAt        *time.Time      `json:"legal_approved_at,omitempty"`
	LegalSHA256    string          `json:"legal_approved_sha256,omitempty"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
	versionKey     blob.Key
}

// Reason is an entry of the catalogue of reason codes.
type Reason struct {
	Code    string `json:"code"`
	Label   string `json:"label"`
	Retired bool   `json:"retired"`
}

// Reasons lists the catalogue.
func (s *Service) Reasons(ctx context.Context) ([]Reason, error) {
	rows, err := s.db.Query(ctx, `SELECT code, label, retired FROM redaction_reasons ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("list reasons: %w", err)
	}
	defer rows.Close()
	var out []Reason
	for rows.Next() {
		var r Reason
		if err := rows.Scan(&r.Code, &r.Label, &r.Retired); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutReason adds or changes a reason code (administrators).
func (s *Service) PutReason(ctx context.Context, a audit.Actor, r Reason) error {
	r.Code, r.Label = strings.TrimSpace(r.Code), strings.TrimSpace(r.Label)
	if r.Code == "" || r.Label == "" || len(r.Code) > 64 || len(r.Label) > 120 {
		return fmt.Errorf("%w: a reason needs a code (up to 64 characters) and a label (up to 120)", ErrInvalid)
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO redaction_reasons (code, label, retired) VALUES (?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET label = excluded.label, retired = excluded.retired`, r.Code, r.Label, r.Retired); err != nil {
			return fmt.Errorf("save reason: %w", err)
		}
		e := a.Entry("reason.update", audit.OK)
		e.Detail = map[string]string{"code": r.Code, "retired": fmt.Sprint(r.Retired)}
		return s.audit.AppendTx(ctx, tx, e)
	})
}

func (s *Service) validateSet(ctx context.Context, q store.Querier, in *SetInput, pages int) error {
	if !in.Audience.Valid() {
		return fmt.Errorf("%w: audience must be family, professional or court", ErrInvalid)
	}
	if len(in.Marks)+len(in.Terms) == 0 {
		return fmt.Errorf("%w: a redaction set needs marks, terms or both (a document shared unredacted still needs a set: use a term that is not there, and say why)", ErrInvalid)
	}
	codes := map[string]bool{}
	rows, err := q.Query(ctx, `SELECT code FROM redaction_reasons WHERE NOT retired`)
	if err != nil {
		return fmt.Errorf("read reasons: %w", err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		codes[c] = true
	}
	rows.Close()
	for i, m := range in.Marks {
		if m.Page < 1 || m.Page > pages {
			return fmt.Errorf("%w: mark %d: page %d is not in the document (1–%d)", ErrInvalid, i+1, m.Page, pages)
		}
		if m.Rect[2] <= m.Rect[0] || m.Rect[3] <= m.Rect[1] {
			return fmt.Errorf("%w: mark %d: rect must be [x0, y0, x1, y1] with x0 < x1 and y0 < y1", ErrInvalid, i+1)
		}
		if !codes[m.Reason] {
			return fmt.Errorf("%w: mark %d: reason %q is not in the catalogue (GET /api/v1/redaction-reasons)", ErrInvalid, i+1, m.Reason)
		}
	}
	for i := range in.Terms {
		in.Terms[i].Text = strings.TrimSpace(in.Terms[i].Text)
		if in.Terms[i].Text == "" {
			return fmt.Errorf("%w: term %d is empty", ErrInvalid, i+1)
		}
		if !codes[in.Terms[i].Reason] {
			return fmt.Errorf("%w: term %d: reason %q is not in the catalogue (GET /api/v1/redaction-reasons)", ErrInvalid, i+1, in.Terms[i].Reason)
		}
	}
	return nil
}

// CreateSet records a draft redaction set.
func (s *Service) CreateSet(ctx context.Context, a audit.Actor, documentID string, in SetInput) (Set, error) {
	d, err := s.readyDocument(ctx, documentID)
	if err != nil {
		return Set{}, err
	}
	if err := s.validateSet(ctx, s.db, &in, d.Pages); err != nil {
		return Set{}, err
	}
	now := s.now().UTC()
	st := Set{ID: store.NewID(), DocumentID: d.ID, Audience: in.Audience, State: Draft, Marks: nonNil(in.Marks), Terms: nonNil(in.Terms),
		AppliedTerms: []string{}, DrawnBy: a.ID, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO redaction_sets (id, document_id, audience, state, marks, terms, drawn_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, st.ID, st.DocumentID, string(st.Audience), string(st.State), jsonText(st.Marks), jsonText(st.Terms), a.ID, now, now); err != nil {
			return fmt.Errorf("insert redaction set: %w", err)
		}
		return s.auditSet(ctx, tx, a, d.CaseID, st, "redaction.create", nil)
	})
	return st, err
}

func (s *Service) auditSet(ctx context.Context, tx *store.Tx, a audit.Actor, caseID string, st Set, action string, extra map[string]string) error {
	e := a.Entry(action, audit.OK)
	e.CaseID, e.DocumentID = caseID, st.DocumentID
	e.Detail = map[string]string{"redaction_set_id": st.ID, "audience": string(st.Audience), "state": string(st.State)}
	for k, v := range extra {
		e.Detail[k] = v
	}
	return s.audit.AppendTx(ctx, tx, e)
}

// GetSet returns a redaction set.
func (s *Service) GetSet(ctx context.Context, id string) (Set, error) {
	sets, err := setsWhere(ctx, s.db, "id = ?", id)
	return only(sets, err, "redaction set")
}

// Sets lists a document's redaction sets, newest first.
func (s *Service) Sets(ctx context.Context, documentID string) ([]Set, error) {
	return setsWhere(ctx, s.db, "document_id = ?", documentID)
}

const setCols = `id, document_id, audience, state, marks, terms, applied_terms, comments, drawn_by, submitted_at, version_key, verification, apply_error,
	applied_at, approved_by, approved_at, approved_sha256, legal_by, legal_at, legal_sha256, created_at, updated_at, edited_by`

func setsWhere(ctx context.Context, q store.Querier, where string, args ...any) ([]Set, error) {
	where, lock := splitLock(where)
	rows, err := q.Query(ctx, `SELECT `+setCols+` FROM redaction_sets WHERE `+where+` ORDER BY created_at DESC, id`+lock, args...)
	if err != nil {
		return nil, fmt.Errorf("list redaction sets: %w", err)
	}
	defer rows.Close()
	var out []Set
	for rows.Next() {
		var st Set
		var marks, terms, applied, verification, editors string
		var submitted, appliedAt, approvedAt, legalAt sql.NullTime
		var key, approvedBy, legalBy sql.NullString
		if err := rows.Scan(&st.ID, &st.DocumentID, &st.Audience, &st.State, &marks, &terms, &applied, &st.Comments, &st.DrawnBy, &submitted, &key,
			&verification, &st.ApplyError, &appliedAt, &approvedBy, &approvedAt, &st.ApprovedSHA256, &legalBy, &legalAt, &st.LegalSHA256,
			&st.CreatedAt, &st.UpdatedAt, &editors); err != nil {
			return nil, fmt.Errorf("read redaction set: %w", err)
		}
		if err := errors.Join(fromJSON(marks, &st.Marks), fromJSON(terms, &st.Terms), fromJSON(applied, &st.AppliedTerms), fromJSON(editors, &st.EditedBy)); err != nil {
			return nil, fmt.Errorf("redaction set %s: %w", st.ID, err)
		}
		if verification != "" {
			st.Verification = json.RawMessage(verification)
		}
		st.SubmittedAt, st.AppliedAt, st.ApprovedAt, st.LegalAt = timePtr(submitted), timePtr(appliedAt), timePtr(approvedAt), timePtr(legalAt)
		st.ApprovedBy, st.LegalBy = approvedBy.String, legalBy.String
		if key.Valid {
			st.versionKey = blob.Key(key.String)
			st.VersionSHA256 = keyHex(st.versionKey)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

// transition changes set id under lock: check says whether the change is
// allowed (returning the error to give when not), change makes it.
func (s *Service) transition(ctx context.Context, a audit.Actor, id, action string, check func(Set) error,
	change func(tx *store.Tx, st *Set, now time.Time) error) (Set, error) {
	var st Set
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		sets, err := setsWhere(ctx, tx, "id = ?"+tx.ForUpdate(), id)
		if st, err = only(sets, err, "redaction set"); err != nil {
			return err
		}
		if err := check(st); err != nil {
			return err
		}
		d, err := s.docs.Get(ctx, st.DocumentID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		if err := change(tx, &st, now); err != nil {
			return err
		}
		st.UpdatedAt = now
		return s.auditSet(ctx, tx, a, d.CaseID, st, action, map[string]string{"version_sha256": st.VersionSHA256})
	})
	return st, err
}

func inState(st Set, want ...SetState) error {
	for _, w := range want {
		if st.State == w {
			return nil
		}
	}
	return fmt.Errorf("%w: the redaction set is %s", ErrConflict, st.State)
}

// UpdateSet replaces a draft's marks and terms.
func (s *Service) UpdateSet(ctx context.Context, a audit.Actor, id string, in SetInput) (Set, error) {
	cur, err := s.GetSet(ctx, id)
	if err != nil {
		return Set{}, err
	}
	d, err := s.docs.Get(ctx, cur.DocumentID)
	if err != nil {
		return Set{}, err
	}
	in.Audience = cur.Audience
	if err := s.validateSet(ctx, s.db, &in, d.Pages); err != nil {
		return Set{}, err
	}
	return s.transition(ctx, a, id, "redaction.update", func(st Set) error { return inState(st, Draft) },
		func(tx *store.Tx, st *Set, now time.Time) error {
			st.Marks, st.Terms = nonNil(in.Marks), nonNil(in.Terms)
			if a.ID != st.DrawnBy && !slices.Contains(st.EditedBy, a.ID) {
				st.EditedBy = append(st.EditedBy, a.ID)
			}
			_, err := tx.Exec(ctx, `UPDATE redaction_sets SET marks = ?, terms = ?, edited_by = ?, updated_at = ? WHERE id = ?`,
				jsonText(st.Marks), jsonText(st.Terms), jsonText(nonNil(st.EditedBy)), now, st.ID)
			return err
		})
}

// Submit sends a draft for approval; the worker then applies it (the
// caller enqueues the task).
func (s *Service) Submit(ctx context.Context, a audit.Actor, id string) (Set, error) {
	return s.transition(ctx, a, id, "redaction.submit", func(st Set) error { return inState(st, Draft) },
		func(tx *store.Tx, st *Set, now time.Time) error {
			st.State, st.SubmittedAt, st.ApplyError, st.Comments = Submitted, &now, "", ""
			_, err := tx.Exec(ctx, `UPDATE redaction_sets SET state = ?, submitted_at = ?, apply_error = '', version_key = NULL, verification = '',
				applied_at = NULL, applied_terms = '[]', updated_at = ? WHERE id = ?`, string(Submitted), now, now, st.ID)
			return err
		})
}

// Approve is a manager's approval of the version the engine made. The
// approver never drew the set. A Care Order case goes on to Legal
// Services; otherwise the set is applied.
func (s *Service) Approve(ctx context.Context, a audit.Actor, id, sha string) (Set, error) {
	cur, err := s.GetSet(ctx, id)
	if err != nil {
		return Set{}, err
	}
	d, err := s.docs.Get(ctx, cur.DocumentID)
	if err != nil {
		return Set{}, err
	}
	careOrder, err := s.careOrder(ctx, d.CaseID)
	if err != nil {
		return Set{}, err
	}
	return s.transition(ctx, a, id, "redaction.approve", func(st Set) error {
		if err := inState(st, Submitted); err != nil {
			return err
		}
		if st.DrawnBy == a.ID {
			return fmt.Errorf("%w: you drew this redaction set; another manager must approve it", ErrForbidden)
		}
		if slices.Contains(st.EditedBy, a.ID) {
			return fmt.Errorf("%w: you changed this redaction set's marks or terms; another manager must approve it", ErrForbidden)
		}
		if st.versionKey == "" {
			if st.ApplyError != "" {
				return fmt.Errorf("%w: the redaction could not be applied (%s); amend it", ErrConflict, st.ApplyError)
			}
			return fmt.Errorf("%w: the redacted version is still being made; try again in a moment", ErrConflict)
		}
		if sha != "" && sha != st.VersionSHA256 {
			return fmt.Errorf("%w: you approved version %s, but the set's version is %s", ErrConflict, sha, st.VersionSHA256)
		}
		return nil
	}, func(tx *store.Tx, st *Set, now time.Time) error {
		st.State = Applied
		if careOrder {
			st.State = Approved
		}
		st.ApprovedBy, st.ApprovedAt, st.ApprovedSHA256 = a.ID, &now, st.VersionSHA256
		_, err := tx.Exec(ctx, `UPDATE redaction_sets SET state = ?, approved_by = ?, approved_at = ?, approved_sha256 = ?, updated_at = ? WHERE id = ?`,
			string(st.State), a.ID, now, st.VersionSHA256, now, st.ID)
		return err
	})
}

// LegalApprove is Legal Services' approval of the exact version sha.
// It also serves a set applied before the case became a Care Order.
func (s *Service) LegalApprove(ctx context.Context, a audit.Actor, id, sha string) (Set, error) {
	return s.transition(ctx, a, id, "redaction.legal_approve", func(st Set) error {
		if err := inState(st, Approved, Applied); err != nil {
			return err
		}
		if st.DrawnBy == a.ID {
			return fmt.Errorf("%w: you drew this redaction set; another lawyer must approve it", ErrForbidden)
		}
		if sha == "" {
			return fmt.Errorf("%w: give the sha256 of the version you reviewed", ErrInvalid)
		}
		if sha != st.VersionSHA256 {
			return fmt.Errorf("%w: you reviewed version %s, but the set's version is %s", ErrConflict, sha, st.VersionSHA256)
		}
		if st.LegalSHA256 == sha {
			return fmt.Errorf("%w: Legal Services already approved this version", ErrConflict)
		}
		return nil
	}, func(tx *store.Tx, st *Set, now time.Time) error {
		st.State, st.LegalBy, st.LegalAt, st.LegalSHA256 = Applied, a.ID, &now, sha
		_, err := tx.Exec(ctx, `UPDATE redaction_sets SET state = ?, legal_by = ?, legal_at = ?, legal_sha256 = ?, updated_at = ? WHERE id = ?`,
			string(Applied), a.ID, now, sha, now, st.ID)
		return err
	})
}

// Amend sends a set back to draft with comments (a manager or Legal
// Services); its version and approvals are cleared.
func (s *Service) Amend(ctx context.Context, a audit.Actor, id, comments string) (Set, error) {
	if strings.TrimSpace(comments) == "" {
		return Set{}, fmt.Errorf("%w: say what to change in comments", ErrInvalid)
	}
	return s.transition(ctx, a, id, "redaction.amend", func(st Set) error { return inState(st, Submitted, Approved, Applied) },
		func(tx *store.Tx, st *Set, now time.Time) error {
			*st = Set{ID: st.ID, DocumentID: st.DocumentID, Audience: st.Audience, State: Draft, Marks: st.Marks, Terms: st.Terms, AppliedTerms: []string{},
				Comments: comments, DrawnBy: st.DrawnBy, CreatedAt: st.CreatedAt}
			_, err := tx.Exec(ctx, `UPDATE redaction_sets SET state = ?, comments = ?, submitted_at = NULL, version_key = NULL, verification = '', apply_error = '',
				applied_at = NULL, applied_terms = '[]', approved_by = NULL, approved_at = NULL, approved_sha256 = '', legal_by = NULL, legal_at = NULL,
				legal_sha256 = '', updated_at = ? WHERE id = ?`, string(Draft), comments, now, st.ID)
			return err
		})
}

// Reject ends a set for good (Legal Services or a manager), with reasons.
func (s *Service) Reject(ctx context.Context, a audit.Actor, id, comments string) (Set, error) {
	if strings.TrimSpace(comments) == "" {
		return Set{}, fmt.Errorf("%w: say why in comments", ErrInvalid)
	}
	return s.transition(ctx, a, id, "redaction.reject", func(st Set) error { return inState(st, Submitted, Approved, Applied) },
		func(tx *store.Tx, st *Set, now time.Time) error {
			st.State, st.Comments = Rejected, comments
			_, err := tx.Exec(ctx, `UPDATE redaction_sets SET state = ?, comments = ?, updated_at = ? WHERE id = ?`, string(Rejected), comments, now, st.ID)
			return err
		})
}

// careOrder reports whether a case is under a Care Order now.
func (s *Service) careOrder(ctx context.Context, caseID string) (bool, error) {
	c, err := s.cases.Get(ctx, caseID)
	if err != nil {
		return false, err
	}
	return c.LegalStatus.IsCareOrder(), nil
}

// PendingSet is a submitted set still waiting for its version.
type PendingSet struct {
	ID          string
	SubmittedAt time.Time
}

// Pending lists sets waiting to be applied (for the reconciler): a lost
// queue or a killed worker leaves them submitted without a version.
func (s *Service) Pending(ctx context.Context, limit int) ([]PendingSet, error) {
	rows, err := s.db.Query(ctx, `SELECT id, submitted_at FROM redaction_sets WHERE state = ? AND version_key IS NULL AND apply_error = ''
		ORDER BY updated_at LIMIT ?`, string(Submitted), limit)
	if err != nil {
		return nil, fmt.Errorf("pending redaction sets: %w", err)
	}
	defer rows.Close()
	var out []PendingSet
	for rows.Next() {
		var p PendingSet
		var at sql.NullTime
		if err := rows.Scan(&p.ID, &at); err != nil {
			return nil, err
		}
		p.SubmittedAt = at.Time
		out = append(out, p)
	}
	return out, rows.Err()
}
