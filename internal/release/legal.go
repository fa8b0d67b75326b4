package release

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/store"
)

// Advice is a request for legal advice on a document, and its answer.
type Advice struct {
	ID         string     `json:"id"`
	DocumentID string     `json:"document_id"`
	Question   string     `json:"question"`
	AskedBy    string     `json:"asked_by"`
	AskedAt    time.Time  `json:"asked_at"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	Open       bool       `json:"open"`
}

// AskAdvice records a request for legal advice; it blocks release until
// answered.
func (s *Service) AskAdvice(ctx context.Context, a audit.Actor, documentID, question string) (Advice, error) {
	if strings.TrimSpace(question) == "" {
		return Advice{}, fmt.Errorf("%w: write the question for Legal Services", ErrInvalid)
	}
	d, err := s.docs.Get(ctx, documentID)
	if err != nil {
		return Advice{}, err
	}
	now := s.now().UTC()
	ad := Advice{ID: store.NewID(), DocumentID: d.ID, Question: question, AskedBy: a.ID, AskedAt: now, Open: true}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO legal_advice (id, document_id, question, asked_by, asked_at) VALUES (?, ?, ?, ?, ?)`,
			ad.ID, ad.DocumentID, question, a.ID, now); err != nil {
			return fmt.Errorf("insert advice request: %w", err)
		}
		e := a.Entry("legal_advice.request", audit.OK)
		e.CaseID, e.DocumentID = d.CaseID, d.ID
		e.Detail = map[string]string{"advice_id": ad.ID}
		return s.audit.AppendTx(ctx, tx, e)
	})
	return ad, err
}

// AnswerAdvice records Legal Services' answer.
func (s *Service) AnswerAdvice(ctx context.Context, a audit.Actor, id, answer string) (Advice, error) {
	if strings.TrimSpace(answer) == "" {
		return Advice{}, fmt.Errorf("%w: write the advice", ErrInvalid)
	}
	var ad Advice
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		as, err := adviceWhere(ctx, tx, "id = ?"+tx.ForUpdate(), id)
		if ad, err = only(as, err, "advice request"); err != nil {
			return err
		}
		if !ad.Open {
			return fmt.Errorf("%w: this request was already answered", ErrConflict)
		}
		d, err := s.docs.Get(ctx, ad.DocumentID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		if _, err := tx.Exec(ctx, `UPDATE legal_advice SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?`, answer, a.ID, now, id); err != nil {
			return fmt.Errorf("answer advice: %w", err)
		}
		ad.Answer, ad.AnsweredBy, ad.AnsweredAt, ad.Open = answer, a.ID, &now, false
		e := a.Entry("legal_advice.answer", audit.OK)
		e.CaseID, e.DocumentID = d.CaseID, d.ID
		e.Detail = map[string]string{"advice_id": id}
		return s.audit.AppendTx(ctx, tx, e)
	})
	return ad, err
}

// Advice lists a document's advice requests.
func (s *Service) Advice(ctx context.Context, documentID string) ([]Advice, error) {
	return adviceWhere(ctx, s.db, "document_id = ?", documentID)
}

// GetAdvice returns one request.
func (s *Service) GetAdvice(ctx context.Context, id string) (Advice, error) {
	as, err := adviceWhere(ctx, s.db, "id = ?", id)
	return only(as, err, "advice request")
}

func adviceWhere(ctx context.Context, q store.Querier, where string, args ...any) ([]Advice, error) {
	where, lock := splitLock(where)
	rows, err := q.Query(ctx, `SELECT id, document_id, question, asked_by, asked_at, answer, answered_by, answered_at FROM legal_advice WHERE `+where+
		` ORDER BY asked_at, id`+lock, args...)
	if err != nil {
		return nil, fmt.Errorf("list advice: %w", err)
	}
	defer rows.Close()
	var out []Advice
	for rows.Next() {
		var ad Advice
		var by sql.NullString
		var at sql.NullTime
		if err := rows.Scan(&ad.ID, &ad.DocumentID, &ad.Question, &ad.AskedBy, &ad.AskedAt, &ad.Answer, &by, &at); err != nil {
			return nil, fmt.Errorf("read advice: %w", err)
		}
		ad.AnsweredBy, ad.AnsweredAt, ad.Open = by.String, timePtr(at), !at.Valid
		out = append(out, ad)
	}
	return out, rows.Err()
}

// Override bases.
const (
	BasisCourtOrder     = "court_order"
	BasisPoliceProtocol = "police_protocol"
	BasisLegalAdvice    = "legal_advice"
)

// Override is a basis, recorded by Legal Services and approved by a
// manager, to release to an audience without the author's consent.
type Override struct {
	ID             string     `json:"id"`
	DocumentID     string     `json:"document_id"`
	Audience       Audience   `json:"audience"`
	Basis          string     `json:"basis"`
	Detail         string     `json:"detail"`
	EvidenceSHA256 string     `json:"evidence_sha256,omitempty"`
	RecordedBy     string     `json:"recorded_by"`
	ApprovedBy     string     `json:"approved_by,omitempty"`
	ApprovedAt     *time.Time `json:"approved_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

// OverrideInput is what Legal Services records.
type OverrideInput struct {
	Audience Audience `json:"audience"`
	Basis    string   `json:"basis"`
	Detail   string   `json:"detail"`
}

// RecordOverride records a basis to release without consent, with its
// evidence (the order, the protocol request, the advice).
func (s *Service) RecordOverride(ctx context.Context, a audit.Actor, documentID string, in OverrideInput, ev Evidence) (Override, error) {
	if !in.Audience.Valid() {
		return Override{}, fmt.Errorf("%w: audience must be family, professional or court", ErrInvalid)
	}
	if !slices.Contains([]string{BasisCourtOrder, BasisPoliceProtocol, BasisLegalAdvice}, in.Basis) {
		return Override{}, fmt.Errorf("%w: basis must be court_order, police_protocol or legal_advice", ErrInvalid)
	}
	if strings.TrimSpace(in.Detail) == "" {
		return Override{}, fmt.Errorf("%w: give the detail (the order's date and court, the protocol request, the advice)", ErrInvalid)
	}
	if ev.Key == "" {
		return Override{}, fmt.Errorf("%w: attach the evidence file (the order, the request or the advice)", ErrInvalid)
	}
	d, err := s.readyDocument(ctx, documentID)
	if err != nil {
		return Override{}, err
	}
	now := s.now().UTC()
	o := Override{ID: store.NewID(), DocumentID: d.ID, Audience: in.Audience, Basis: in.Basis, Detail: in.Detail, EvidenceSHA256: keyHex(ev.Key),
		RecordedBy: a.ID, CreatedAt: now}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := registerBlob(ctx, tx, ev, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO consent_overrides (id, document_id, audience, basis, detail, evidence_key, recorded_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, o.DocumentID, string(o.Audience), o.Basis, o.Detail, string(ev.Key), a.ID, now); err != nil {
			return fmt.Errorf("insert override: %w", err)
		}
		e := a.Entry("consent_override.record", audit.OK)
		e.CaseID, e.DocumentID = d.CaseID, d.ID
		e.Detail = map[string]string{"override_id": o.ID, "audience": string(o.Audience), "basis": o.Basis}
		return s.audit.AppendTx(ctx, tx, e)
	})
	return o, err
}

// ApproveOverride is a manager's approval; never by whoever recorded it.
func (s *Service) ApproveOverride(ctx context.Context, a audit.Actor, id string) (Override, error) {
	var o Override
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		os, err := overridesWhere(ctx, tx, "id = ?"+tx.ForUpdate(), id)
		if o, err = only(os, err, "override"); err != nil {
			return err
		}
		if o.ApprovedBy != "" {
			return fmt.Errorf("%w: this override is already approved", ErrConflict)
		}
		if o.RecordedBy == a.ID {
			return fmt.Errorf("%w: you recorded this override; a manager must approve it", ErrForbidden)
		}
		d, err := s.docs.Get(ctx, o.DocumentID)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		if _, err := tx.Exec(ctx, `UPDATE consent_overrides SET approved_by = ?, approved_at = ? WHERE id = ?`, a.ID, now, id); err != nil {
			return fmt.Errorf("approve override: %w", err)
		}
		o.ApprovedBy, o.ApprovedAt = a.ID, &now
		e := a.Entry("consent_override.approve", audit.OK)
		e.CaseID, e.DocumentID = d.CaseID, d.ID
		e.Detail = map[string]string{"override_id": id}
		return s.audit.AppendTx(ctx, tx, e)
	})
	return o, err
}

// GetOverride returns one override.
func (s *Service) GetOverride(ctx context.Context, id string) (Override, error) {
	os, err := overridesWhere(ctx, s.db, "id = ?", id)
	return only(os, err, "override")
}

// Overrides lists a document's overrides.
func (s *Service) Overrides(ctx context.Context, documentID string) ([]Override, error) {
	return overridesWhere(ctx, s.db, "document_id = ?", documentID)
}

func overridesWhere(ctx context.Context, q store.Querier, where string, args ...any) ([]Override, error) {
	where, lock := splitLock(where)
	rows, err := q.Query(ctx, `SELECT id, document_id, audience, basis, detail, evidence_key, recorded_by, approved_by, approved_at, created_at
		FROM consent_overrides WHERE `+where+` ORDER BY created_at, id`+lock, args...)
	if err != nil {
		return nil, fmt.Errorf("list overrides: %w", err)
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		var o Override
		var key, by sql.NullString
		var at sql.NullTime
		if err := rows.Scan(&o.ID, &o.DocumentID, &o.Audience, &o.Basis, &o.Detail, &key, &o.RecordedBy, &by, &at, &o.CreatedAt); err != nil {
			return nil, fmt.Errorf("read override: %w", err)
		}
		if key.Valid {
			o.EvidenceSHA256 = keyHex(blob.Key(key.String))
		}
		o.ApprovedBy, o.ApprovedAt = by.String, timePtr(at)
		out = append(out, o)
	}
	return out, rows.Err()
}

// Queue is what waits for Legal Services.
type Queue struct {
	Redactions []Set    `json:"redactions"`
	Advice     []Advice `json:"advice"`
}

// LegalQueue lists redaction sets a manager approved on Care Order cases
// (and applied sets of cases that became one since) that Legal Services
// has not approved, and advice requests not yet answered.
func (s *Service) LegalQueue(ctx context.Context) (Queue, error) {
	q := Queue{Redactions: []Set{}, Advice: []Advice{}}
	sets, err := setsWhere(ctx, s.db, `state IN (?, ?) AND legal_sha256 <> approved_sha256
		AND document_id IN (SELECT d.id FROM documents d JOIN cases c ON c.id = d.case_id WHERE c.legal_status IN (?, ?))`,
		string(Approved), string(Applied), "care_order", "interim_care_order")
	if err != nil {
		return q, err
	}
	q.Redactions = append(q.Redactions, sets...)
	as, err := adviceWhere(ctx, s.db, "answered_at IS NULL")
	if err != nil {
		return q, err
	}
	q.Advice = append(q.Advice, as...)
	return q, nil
}
