package release

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/pdf/redact"
	"github.com/releasegate/releasegate/internal/pdf/text"
	"github.com/releasegate/releasegate/internal/store"
)

// Gate is one unmet condition of release, in machine-readable form.
type Gate struct {
	Gate   string `json:"gate"`
	Reason string `json:"reason"`
}

// Gate names.
const (
	GateDocument    = "document"       // not ready
	GateConsent     = "consent"        // no consent in force, and no approved override
	GateRedaction   = "redaction"      // no applied, verified redaction set for the audience
	GateLegal       = "legal_approval" // Care Order: Legal Services has not approved this version
	GateConditions  = "consent_conditions"
	GateLegalAdvice = "legal_advice"
	GateFamily      = "family_informed"
	GateLawfulBasis = "lawful_basis"
	GateRecipient   = "recipient"
)

// Exemptions from informing the family.
var Exemptions = []string{"risk_of_harm", "criminal_investigation", "undue_delay", "court_order"}

// LawfulBasis is the UK GDPR basis of a release.
type LawfulBasis struct {
	Article6 string `json:"article6"` // e.g. "6(1)(e) public task"
	// SpecialCategory says the document holds special category data
	// (health, for example); then Article9 and Schedule1 are required.
	SpecialCategory bool   `json:"special_category"`
	Article9        string `json:"article9,omitempty"`  // e.g. "9(2)(g) substantial public interest"
	Schedule1       string `json:"schedule1,omitempty"` // e.g. "paragraph 18: safeguarding of children"
	// CriminalOffence says it holds criminal offence data; then Article10
	// is required.
	CriminalOffence bool   `json:"criminal_offence"`
	Article10       string `json:"article10,omitempty"`
}

// ReleaseInput is a request to release.
type ReleaseInput struct {
	Audience        Audience    `json:"audience"`
	Recipient       Person      `json:"recipient"`
	Purpose         string      `json:"purpose"`
	Method          string      `json:"method"`
	LawfulBasis     LawfulBasis `json:"lawful_basis"`
	FamilyInformed  *bool       `json:"family_informed"`
	Exemption       string      `json:"exemption,omitempty"`
	ExemptionReason string      `json:"exemption_reason,omitempty"`
	// FamilyName is how the letter telling the family addresses them
	// ("Ms Smith"); without it, "parent or carer".
	FamilyName string `json:"family_name,omitempty"`
	// IdempotencyKey, when set (the Idempotency-Key header), makes a
	// retry by the same user return the release already made.
	IdempotencyKey string `json:"-"`
}

// ErrReplayed marks a release returned for an Idempotency-Key already used:
// Release returns it wrapped with the earlier release.
var ErrReplayed = errors.New("replayed")

// replay returns the release the user already made with key, if any; a
// key used for a different request is refused.
func (s *Service) replay(ctx context.Context, q store.Querier, a audit.Actor, d document.Document, in ReleaseInput) (Release, bool, error) {
	if in.IdempotencyKey == "" {
		return Release{}, false, nil
	}
	var id string
	err := q.QueryRow(ctx, `SELECT id FROM releases WHERE released_by = ? AND idempotency_key = ?`, a.ID, in.IdempotencyKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Release{}, false, nil
	}
	if err != nil {
		return Release{}, false, fmt.Errorf("look up idempotency key: %w", err)
	}
	r, err := s.GetRelease(ctx, id)
	if err != nil {
		return Release{}, false, err
	}
	if r.DocumentID != d.ID || r.Audience != in.Audience || r.Recipient != in.Recipient || r.Purpose != in.Purpose {
		return Release{}, false, fmt.Errorf("%w: this Idempotency-Key was used for release %s of another request: use a new key for a new release", ErrInvalid, r.Reference)
	}
	return r, true, nil
}

// Release is a recorded release to one recipient.
type Release struct {
	ID              string      `json:"id"`
	Reference       string      `json:"reference"`
	DocumentID      string      `json:"document_id"`
	CaseID          string      `json:"case_id"`
	RedactionSetID  string      `json:"redaction_set_id"`
	VersionSHA256   string      `json:"version_sha256"`
	Audience        Audience    `json:"audience"`
	Recipient       Person      `json:"recipient"`
	Purpose         string      `json:"purpose"`
	Method          string      `json:"method"`
	LawfulBasis     LawfulBasis `json:"lawful_basis"`
	FamilyInformed  bool        `json:"family_informed"`
	Exemption       string      `json:"exemption,omitempty"`
	ExemptionReason string      `json:"exemption_reason,omitempty"`
	ConsentID       string      `json:"consent_id,omitempty"`
	OverrideID      string      `json:"override_id,omitempty"`
	Restrictions    string      `json:"restrictions"`
	ReleasedBy      string      `json:"released_by"`
	ReleasedAt      time.Time   `json:"released_at"`
	Team            string      `json:"team,omitempty"`
	FamilyName      string      `json:"family_name,omitempty"`
	// Delivery is how the stamped file reaches the recipient; Download is
	// the recipient's link, given once, when the release is made (or a
	// new link is asked for).
	Delivery *Delivery `json:"delivery,omitempty"`
	Download *Link     `json:"download,omitempty"`

	authorOrg string // the document's author's organisation
}

// RefusedError is the error of a release that failed gates.
type RefusedError struct{ Gates []Gate }

func (r *RefusedError) Error() string {
	var parts []string
	for _, g := range r.Gates {
		parts = append(parts, g.Gate+": "+g.Reason)
	}
	return "release refused: " + strings.Join(parts, "; ")
}

// check is a release request checked against every gate of DESIGN.md §2,
// with what a successful release records.
type check struct {
	gates    []Gate
	set      Set
	consent  string
	override string
}

func (c *check) fail(gate, format string, args ...any) {
	c.gates = append(c.gates, Gate{Gate: gate, Reason: fmt.Sprintf(format, args...)})
}

// Gates lists what stands between a document and a release to audience a
// (the request's own fields are not checked): for the task list.
func (s *Service) Gates(ctx context.Context, d document.Document, a Audience) ([]Gate, error) {
	c, err := s.checkGates(ctx, d, a)
	return c.gates, err
}

func (s *Service) checkGates(ctx context.Context, d document.Document, a Audience) (check, error) {
	var c check
	if d.State != document.Ready {
		c.fail(GateDocument, "the document is %s", d.State)
		return c, nil
	}
	today := s.today()
	cs, err := s.Consents(ctx, d.ID)
	if err != nil {
		return c, err
	}
	var conditionTerms []string
	for _, k := range cs {
		if k.covers(a, today) {
			if c.consent == "" {
				c.consent = k.ID
			}
			conditionTerms = append(conditionTerms, k.ConditionTerms...)
		}
	}
	if c.consent == "" {
		os, err := s.Overrides(ctx, d.ID)
		if err != nil {
			return c, err
		}
		for _, o := range os {
			if o.Audience == a && o.ApprovedBy != "" {
				c.override = o.ID
				break
			}
		}
	}
	if c.consent == "" && c.override == "" {
		c.fail(GateConsent, "%s", consentReason(cs, a, today))
	}
	sets, err := s.Sets(ctx, d.ID)
	if err != nil {
		return c, err
	}
	found := false
	for _, st := range sets {
		if st.Audience == a && st.State == Applied && st.versionKey != "" {
			c.set, found = st, true
			break
		}
	}
	if !found {
		c.fail(GateRedaction, "%s", setReason(sets, a))
	} else {
		careOrder, err := s.careOrder(ctx, d.CaseID)
		if err != nil {
			return c, err
		}
		if careOrder && c.set.LegalSHA256 != c.set.VersionSHA256 {
			c.fail(GateLegal, "the child is subject to a Care Order: Legal Services must approve version %s", c.set.VersionSHA256)
		}
		if missing, err := s.surviving(ctx, c.set, dedupe(conditionTerms)); err != nil {
			return c, err
		} else if missing > 0 {
			c.fail(GateConditions, "%d of the author's condition terms are still in the redacted version: add them to the redaction set and submit it again", missing)
		}
	}
	advice, err := s.Advice(ctx, d.ID)
	if err != nil {
		return c, err
	}
	for _, ad := range advice {
		if ad.Open {
			c.fail(GateLegalAdvice, "legal advice requested on %s is not yet answered", ad.AskedAt.Format(time.DateOnly))
			break
		}
	}
	return c, nil
}

// surviving counts the terms still found in a set's version.
func (s *Service) surviving(ctx context.Context, st Set, terms []string) (int, error) {
	var todo []string
	for _, t := range terms {
		if !slices.ContainsFunc(st.AppliedTerms, func(x string) bool { return strings.EqualFold(x, t) }) {
			todo = append(todo, t)
		}
	}
	if len(todo) == 0 {
		return 0, nil
	}
	data, err := s.read(ctx, st.versionKey)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, t := range todo {
		v, err := redact.Verify(ctx, data, "", []string{t}, nil, text.Limits{})
		if err != nil {
			return 0, fmt.Errorf("check condition terms: %w", err)
		}
		if !v.OK {
			n++
		}
	}
	return n, nil
}

func consentReason(cs []Consent, a Audience, today string) string {
	for _, c := range cs {
		if !slices.Contains(c.Granted, a) {
			continue
		}
		switch c.state(today) {
		case Withdrawn:
			return fmt.Sprintf("the author withdrew consent for %s on %s", a, c.WithdrawnAt.Format(time.DateOnly))
		case Expired:
			return fmt.Sprintf("the author's consent for %s expired %s", a, c.ExpiresOn)
		}
	}
	for _, c := range cs {
		if slices.Contains(c.Refused, a) {
			return fmt.Sprintf("the author refused consent for %s", a)
		}
	}
	return fmt.Sprintf("no written consent from the author for %s, and no approved override", a)
}

func setReason(sets []Set, a Audience) string {
	for _, st := range sets {
		if st.Audience != a {
			continue
		}
		switch st.State {
		case Draft:
			return fmt.Sprintf("the redaction set for %s is a draft", a)
		case Submitted:
			return fmt.Sprintf("the redaction set for %s waits for a manager's approval", a)
		case Approved:
			return fmt.Sprintf("the redaction set for %s waits for Legal Services", a)
		}
	}
	return fmt.Sprintf("no approved redaction set for %s", a)
}

// checkRequest adds the gates that come from the request itself.
func checkRequest(c *check, in *ReleaseInput) {
	if in.FamilyInformed == nil {
		c.fail(GateFamily, "say whether the family was informed (family_informed)")
	} else if !*in.FamilyInformed {
		if !slices.Contains(Exemptions, in.Exemption) {
			c.fail(GateFamily, "the family was not informed: record the exemption (%s)", strings.Join(Exemptions, ", "))
		} else if strings.TrimSpace(in.ExemptionReason) == "" {
			c.fail(GateFamily, "the family was not informed: give the rationale for the exemption")
		}
	}
	lb := in.LawfulBasis
	switch {
	case strings.TrimSpace(lb.Article6) == "":
		c.fail(GateLawfulBasis, "record the UK GDPR Article 6 basis (normally 6(1)(e) public task)")
	case lb.SpecialCategory && (strings.TrimSpace(lb.Article9) == "" || strings.TrimSpace(lb.Schedule1) == ""):
		c.fail(GateLawfulBasis, "special category data: record the Article 9(2) condition and the DPA 2018 Schedule 1 condition")
	case lb.CriminalOffence && strings.TrimSpace(lb.Article10) == "":
		c.fail(GateLawfulBasis, "criminal offence data: record the Article 10 condition")
	}
	if in.Recipient.check("recipient") != nil || strings.TrimSpace(in.Purpose) == "" || strings.TrimSpace(in.Method) == "" {
		c.fail(GateRecipient, "record the recipient (name, role, organisation), the purpose and the method")
	}
}

// Release records a release when every gate holds; otherwise it records
// the refusal in the audit log and returns *RefusedError listing every gate.
func (s *Service) Release(ctx context.Context, a audit.Actor, d document.Document, team string, in ReleaseInput) (Release, error) {
	if !in.Audience.Valid() {
		return Release{}, fmt.Errorf("%w: audience must be family, professional or court", ErrInvalid)
	}
	// A retry of a release already made gets that release, whatever the
	// gates say now.
	if r, ok, err := s.replay(ctx, s.db, a, d, in); err != nil || ok {
		if ok {
			err = ErrReplayed
		}
		return r, err
	}
	c, err := s.checkGates(ctx, d, in.Audience)
	if err != nil {
		return Release{}, err
	}
	checkRequest(&c, &in)
	if len(c.gates) > 0 {
		e := a.Entry("release.create", audit.Denied)
		e.CaseID, e.DocumentID = d.CaseID, d.ID
		var names []string
		for _, g := range c.gates {
			names = append(names, g.Gate)
		}
		e.Detail = map[string]string{"audience": string(in.Audience), "gates": strings.Join(names, ",")}
		if err := s.audit.Append(ctx, e); err != nil {
			return Release{}, err
		}
		return Release{}, &RefusedError{Gates: c.gates}
	}
	now := s.now().UTC()
	r := Release{ID: store.NewID(), DocumentID: d.ID, CaseID: d.CaseID, RedactionSetID: c.set.ID, VersionSHA256: c.set.VersionSHA256,
		Audience: in.Audience, Recipient: in.Recipient, Purpose: in.Purpose, Method: in.Method, LawfulBasis: in.LawfulBasis,
		FamilyInformed: *in.FamilyInformed, ConsentID: c.consent, OverrideID: c.override, Restrictions: d.Receipt.Restrictions,
		ReleasedBy: a.ID, ReleasedAt: now, Team: team, FamilyName: strings.TrimSpace(in.FamilyName)}
	if !r.FamilyInformed {
		r.Exemption, r.ExemptionReason = in.Exemption, in.ExemptionReason
	}
	var key any // NULL without a key
	if in.IdempotencyKey != "" {
		key = in.IdempotencyKey
	}
	var earlier Release
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.LockTable(ctx, "releases"); err != nil {
			return err
		}
		// The same key may have come twice at once: the lock orders them.
		if prev, ok, err := s.replay(ctx, tx, a, d, in); err != nil || ok {
			if ok {
				earlier, err = prev, ErrReplayed
			}
			return err
		}
		var n int
		year := now.Format("2006")
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM releases WHERE reference LIKE ?`, "REL-"+year+"-%").Scan(&n); err != nil {
			return fmt.Errorf("number release: %w", err)
		}
		r.Reference = fmt.Sprintf("REL-%s-%06d", year, n+1)
		if _, err := tx.Exec(ctx, `INSERT INTO releases (id, reference, document_id, case_id, redaction_set_id, version_sha256, audience,
			recipient_name, recipient_role, recipient_org, purpose, method, lawful_basis, family_informed, exemption, exemption_reason,
			consent_id, override_id, restrictions, released_by, released_at, team, idempotency_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.Reference, r.DocumentID, r.CaseID, r.RedactionSetID, r.VersionSHA256, string(r.Audience),
			r.Recipient.Name, r.Recipient.Role, r.Recipient.Organisation, r.Purpose, r.Method, jsonText(r.LawfulBasis), r.FamilyInformed,
			r.Exemption, r.ExemptionReason, r.ConsentID, r.OverrideID, r.Restrictions, a.ID, now, team, key); err != nil {
			return fmt.Errorf("insert release: %w", err)
		}
		if err := insertDelivery(ctx, tx, &r, now); err != nil {
			return err
		}
		e := a.Entry("release.create", audit.OK)
		e.CaseID, e.DocumentID = d.CaseID, d.ID
		e.Detail = map[string]string{"release_id": r.ID, "reference": r.Reference, "audience": string(r.Audience),
			"version_sha256": r.VersionSHA256, "consent_id": r.ConsentID, "override_id": r.OverrideID}
		return s.audit.AppendTx(ctx, tx, e)
	})
	if errors.Is(err, ErrReplayed) {
		return earlier, err
	}
	return r, err
}

// Releases lists a document's releases.
func (s *Service) Releases(ctx context.Context, documentID string) ([]Release, error) {
	return s.queryReleases(ctx, `WHERE r.document_id = ?`, documentID)
}

// Decision is a recorded decision not to share.
type Decision struct {
	ID          string    `json:"id"`
	DocumentID  string    `json:"document_id"`
	Audience    Audience  `json:"audience"`
	RequestedBy string    `json:"requested_by,omitempty"` // who asked for the document
	What        string    `json:"what"`
	Why         string    `json:"why"`
	DecidedBy   string    `json:"decided_by"`
	DecidedAt   time.Time `json:"decided_at"`
}

// Decide records a decision not to share.
func (s *Service) Decide(ctx context.Context, a audit.Actor, d document.Document, in Decision) (Decision, error) {
	if !in.Audience.Valid() {
		return Decision{}, fmt.Errorf("%w: audience must be family, professional or court", ErrInvalid)
	}
	if strings.TrimSpace(in.What) == "" || strings.TrimSpace(in.Why) == "" {
		return Decision{}, fmt.Errorf("%w: record what was not shared and why", ErrInvalid)
	}
	now := s.now().UTC()
	in.ID, in.DocumentID, in.DecidedBy, in.DecidedAt = store.NewID(), d.ID, a.ID, now
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO decisions (id, document_id, audience, requested_by, what, why, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			in.ID, d.ID, string(in.Audience), in.RequestedBy, in.What, in.Why, a.ID, now); err != nil {
			return fmt.Errorf("insert decision: %w", err)
		}
		e := a.Entry("decision.record", audit.OK)
		e.CaseID, e.DocumentID = d.CaseID, d.ID
		e.Detail = map[string]string{"decision_id": in.ID, "audience": string(in.Audience)}
		return s.audit.AppendTx(ctx, tx, e)
	})
	return in, err
}
