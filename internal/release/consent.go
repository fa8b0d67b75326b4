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

// ConsentState is where an author's answer stands today.
type ConsentState string

// Consent states (DESIGN.md §3).
const (
	Granted       ConsentState = "granted"
	PartlyGranted ConsentState = "partly_granted"
	Refused       ConsentState = "refused"
	Withdrawn     ConsentState = "withdrawn"
	Expired       ConsentState = "expired"
)

// Evidence kinds.
const (
	EvidenceLetter       = "letter"
	EvidenceEmail        = "email"
	EvidenceAuthorAnswer = "author_answer"
)

// ConsentInput is the author's answer as a social worker records it.
type ConsentInput struct {
	Granted    []Audience `json:"granted"`
	Refused    []Audience `json:"refused"`
	Purposes   string     `json:"purposes"`
	Conditions string     `json:"conditions"`
	// ConditionTerms are text the author requires to be redacted ("the
	// foster carer's address"): every release under this consent must
	// not contain them.
	ConditionTerms []string `json:"condition_terms"`
	EvidenceKind   string   `json:"evidence_kind"`
	GivenBy        Person   `json:"given_by"`
	GivenOn        string   `json:"given_on"`
	ExpiresOn      string   `json:"expires_on"`
}

// Consent is a recorded answer.
type Consent struct {
	ID              string       `json:"id"`
	DocumentID      string       `json:"document_id"`
	State           ConsentState `json:"state"`
	Granted         []Audience   `json:"granted"`
	Refused         []Audience   `json:"refused"`
	Purposes        string       `json:"purposes,omitempty"`
	Conditions      string       `json:"conditions,omitempty"`
	ConditionTerms  []string     `json:"condition_terms"`
	EvidenceKind    string       `json:"evidence_kind"`
	EvidenceSHA256  string       `json:"evidence_sha256,omitempty"`
	GivenBy         Person       `json:"given_by"`
	GivenOn         string       `json:"given_on"`
	ExpiresOn       string       `json:"expires_on,omitempty"`
	WithdrawnAt     *time.Time   `json:"withdrawn_at,omitempty"`
	WithdrawnReason string       `json:"withdrawn_reason,omitempty"`
	RecordedBy      string       `json:"recorded_by"`
	CreatedAt       time.Time    `json:"created_at"`
	evidenceKey     blob.Key
}

// state works out a consent's state on day today (YYYY-MM-DD).
func (c *Consent) state(today string) ConsentState {
	switch {
	case c.WithdrawnAt != nil:
		return Withdrawn
	case c.ExpiresOn != "" && c.ExpiresOn < today:
		return Expired
	case len(c.Granted) == 0:
		return Refused
	case len(c.Refused) > 0:
		return PartlyGranted
	}
	return Granted
}

// covers reports whether the consent lets the document go to a, today.
func (c *Consent) covers(a Audience, today string) bool {
	st := c.state(today)
	return (st == Granted || st == PartlyGranted) && slices.Contains(c.Granted, a) && c.evidenceKey != ""
}

func (in *ConsentInput) validate(today string) error {
	switch in.EvidenceKind {
	case EvidenceLetter, EvidenceEmail:
	default:
		return fmt.Errorf("%w: evidence_kind must be letter or email (the author's own answer arrives through the consent link)", ErrInvalid)
	}
	return in.check(today)
}

// check validates everything but the evidence kind, which the caller
// vouches for: RecordConsent for letters and emails, the consent link for
// the author's own answer.
func (in *ConsentInput) check(today string) error {
	if err := checkAudiences("granted", in.Granted); err != nil {
		return err
	}
	if err := checkAudiences("refused", in.Refused); err != nil {
		return err
	}
	for _, a := range in.Granted {
		if slices.Contains(in.Refused, a) {
			return fmt.Errorf("%w: %s is both granted and refused", ErrInvalid, a)
		}
	}
	if len(in.Granted)+len(in.Refused) == 0 {
		return fmt.Errorf("%w: say which audiences the author granted and which they refused", ErrInvalid)
	}
	if err := in.GivenBy.check("given_by"); err != nil {
		return err
	}
	if err := checkDate("given_on", in.GivenOn, true); err != nil {
		return err
	}
	if in.GivenOn > today {
		return fmt.Errorf("%w: given_on is in the future", ErrInvalid)
	}
	if err := checkDate("expires_on", in.ExpiresOn, false); err != nil {
		return err
	}
	if in.ExpiresOn != "" && in.ExpiresOn < in.GivenOn {
		return fmt.Errorf("%w: expires_on is before given_on", ErrInvalid)
	}
	var terms []string
	for _, t := range in.ConditionTerms {
		if t = strings.TrimSpace(t); t != "" {
			terms = append(terms, t)
		}
	}
	in.ConditionTerms = terms
	return nil
}

// Evidence is a stored file backing a consent or an override.
type Evidence struct {
	Key       blob.Key
	Size      int64
	MediaType string
}

// RecordConsent records the author's answer with its evidence (already
// stored in blobs).
func (s *Service) RecordConsent(ctx context.Context, a audit.Actor, documentID string, in ConsentInput, ev Evidence) (Consent, error) {
	d, err := s.readyDocument(ctx, documentID)
	if err != nil {
		return Consent{}, err
	}
	today := s.today()
	if err := in.validate(today); err != nil {
		return Consent{}, err
	}
	if ev.Key == "" {
		return Consent{}, fmt.Errorf("%w: attach the author's letter or email as the evidence file: consent must be in writing", ErrInvalid)
	}
	now := s.now().UTC()
	c := Consent{ID: store.NewID(), DocumentID: d.ID, Granted: nonNil(in.Granted), Refused: nonNil(in.Refused), Purposes: in.Purposes,
		Conditions: in.Conditions, ConditionTerms: nonNil(in.ConditionTerms), EvidenceKind: in.EvidenceKind, GivenBy: in.GivenBy,
		GivenOn: in.GivenOn, ExpiresOn: in.ExpiresOn, RecordedBy: a.ID, CreatedAt: now, evidenceKey: ev.Key}
	c.State = c.state(today)
	c.EvidenceSHA256 = keyHex(ev.Key)
	err = s.db.Tx(ctx, func(tx *store.Tx) error { return s.insertConsent(ctx, tx, a, d.CaseID, c, ev, now) })
	return c, err
}

// insertConsent stores c, recorded by c.RecordedBy, with its evidence and
// audits it as done by a, inside tx: the author's answer through the
// consent link is recorded in the transaction that uses the link up.
func (s *Service) insertConsent(ctx context.Context, tx *store.Tx, a audit.Actor, caseID string, c Consent, ev Evidence, now time.Time) error {
	if err := registerBlob(ctx, tx, ev, now); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO consents (id, document_id, granted, refused, purposes, conditions, condition_terms, evidence_kind, evidence_key,
		given_by_name, given_by_role, given_by_org, given_on, expires_on, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.DocumentID, jsonText(c.Granted), jsonText(c.Refused), c.Purposes, c.Conditions, jsonText(c.ConditionTerms), c.EvidenceKind, string(ev.Key),
		c.GivenBy.Name, c.GivenBy.Role, c.GivenBy.Organisation, c.GivenOn, c.ExpiresOn, c.RecordedBy, now)
	if err != nil {
		return fmt.Errorf("insert consent: %w", err)
	}
	e := a.Entry("consent.record", audit.OK)
	e.CaseID, e.DocumentID = caseID, c.DocumentID
	e.Detail = map[string]string{"consent_id": c.ID, "state": string(c.State), "granted": strings.Join(audStrings(c.Granted), ","),
		"refused": strings.Join(audStrings(c.Refused), ","), "evidence_kind": c.EvidenceKind, "evidence_sha256": c.EvidenceSHA256,
		"condition_terms": fmt.Sprint(len(c.ConditionTerms))}
	return s.audit.AppendTx(ctx, tx, e)
}

// WithdrawConsent records that the author withdrew consent. Releases made
// before stay as they were; later ones are refused.
func (s *Service) WithdrawConsent(ctx context.Context, a audit.Actor, documentID, consentID, reason string) (Consent, error) {
	if strings.TrimSpace(reason) == "" {
		return Consent{}, fmt.Errorf("%w: say why (for example the author's email of today's date)", ErrInvalid)
	}
	d, err := s.docs.Get(ctx, documentID)
	if err != nil {
		return Consent{}, err
	}
	var c Consent
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		cs, err := consentsOf(ctx, tx, documentID, " AND id = ?"+tx.ForUpdate(), consentID)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return fmt.Errorf("%w: this document has no consent %s", ErrNotFound, consentID)
		}
		c = cs[0]
		if c.WithdrawnAt != nil {
			return fmt.Errorf("%w: this consent was already withdrawn", ErrConflict)
		}
		now := s.now().UTC()
		if _, err := tx.Exec(ctx, `UPDATE consents SET withdrawn_at = ?, withdrawn_reason = ? WHERE id = ?`, now, reason, c.ID); err != nil {
			return fmt.Errorf("withdraw consent: %w", err)
		}
		c.WithdrawnAt, c.WithdrawnReason = &now, reason
		c.State = Withdrawn
		e := a.Entry("consent.withdraw", audit.OK)
		e.CaseID, e.DocumentID = d.CaseID, d.ID
		e.Detail = map[string]string{"consent_id": c.ID}
		return s.audit.AppendTx(ctx, tx, e)
	})
	return c, err
}

// Consents lists a document's consents, newest first, with today's state.
func (s *Service) Consents(ctx context.Context, documentID string) ([]Consent, error) {
	cs, err := consentsOf(ctx, s.db, documentID, "")
	today := s.today()
	for i := range cs {
		cs[i].State = cs[i].state(today)
	}
	return cs, err
}

func consentsOf(ctx context.Context, q store.Querier, documentID, extra string, args ...any) ([]Consent, error) {
	extra, lock := splitLock(extra)
	rows, err := q.Query(ctx, `SELECT id, document_id, granted, refused, purposes, conditions, condition_terms, evidence_kind, evidence_key,
		given_by_name, given_by_role, given_by_org, given_on, expires_on, withdrawn_at, withdrawn_reason, recorded_by, created_at
		FROM consents WHERE document_id = ?`+extra+` ORDER BY created_at DESC, id`+lock, append([]any{documentID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("list consents: %w", err)
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		var c Consent
		var granted, refused, terms string
		var key sql.NullString
		var withdrawn sql.NullTime
		if err := rows.Scan(&c.ID, &c.DocumentID, &granted, &refused, &c.Purposes, &c.Conditions, &terms, &c.EvidenceKind, &key,
			&c.GivenBy.Name, &c.GivenBy.Role, &c.GivenBy.Organisation, &c.GivenOn, &c.ExpiresOn, &withdrawn, &c.WithdrawnReason, &c.RecordedBy, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("read consent: %w", err)
		}
		if err := errors.Join(json.Unmarshal([]byte(granted), &c.Granted), json.Unmarshal([]byte(refused), &c.Refused),
			json.Unmarshal([]byte(terms), &c.ConditionTerms)); err != nil {
			return nil, fmt.Errorf("consent %s: %w", c.ID, err)
		}
		if key.Valid {
			c.evidenceKey = blob.Key(key.String)
			c.EvidenceSHA256 = keyHex(c.evidenceKey)
		}
		if withdrawn.Valid {
			t := withdrawn.Time
			c.WithdrawnAt = &t
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
