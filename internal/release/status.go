package release

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/blob"
)

const releaseCols = `r.id, r.reference, r.document_id, r.case_id, r.redaction_set_id, r.version_sha256, r.audience, r.recipient_name,
	r.recipient_role, r.recipient_org, r.purpose, r.method, r.lawful_basis, r.family_informed, r.exemption, r.exemption_reason,
	r.consent_id, r.override_id, r.restrictions, r.released_by, r.released_at, r.team, d.author_org,
	dl.family_name, dl.state, dl.error, dl.stamped_key, dl.family_letter_key, dl.link_expires_at, dl.downloads, dl.notify_family, dl.delivered_at`

// queryReleases reads releases with their deliveries; where filters r
// (releases), d (documents) or dl (deliveries).
func (s *Service) queryReleases(ctx context.Context, where string, args ...any) ([]Release, error) {
	rows, err := s.db.Query(ctx, `SELECT `+releaseCols+` FROM releases r JOIN documents d ON d.id = r.document_id
		JOIN deliveries dl ON dl.release_id = r.id `+where+` ORDER BY r.released_at, r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list releases: %w", err)
	}
	defer rows.Close()
	var out []Release
	for rows.Next() {
		var r Release
		var lb string
		var dl Delivery
		var stamped, letterKey sql.NullString
		if err := rows.Scan(&r.ID, &r.Reference, &r.DocumentID, &r.CaseID, &r.RedactionSetID, &r.VersionSHA256, &r.Audience, &r.Recipient.Name,
			&r.Recipient.Role, &r.Recipient.Organisation, &r.Purpose, &r.Method, &lb, &r.FamilyInformed, &r.Exemption, &r.ExemptionReason,
			&r.ConsentID, &r.OverrideID, &r.Restrictions, &r.ReleasedBy, &r.ReleasedAt, &r.Team, &r.authorOrg, &r.FamilyName,
			&dl.State, &dl.Error, &stamped, &letterKey, &dl.LinkExpiresAt, &dl.Downloads, &dl.NotifyFamily, &dl.DeliveredAt); err != nil {
			return nil, fmt.Errorf("read release: %w", err)
		}
		if err := fromJSON(lb, &r.LawfulBasis); err != nil {
			return nil, err
		}
		dl.stampedKey, dl.familyLetterKy = blob.Key(stamped.String), blob.Key(letterKey.String)
		dl.FamilyLetter = letterKey.Valid
		r.Delivery = &dl
		out = append(out, r)
	}
	return out, rows.Err()
}

// Filter selects releases for the status list.
type Filter struct {
	// CaseIDs limits the list to these cases, unless All is set.
	CaseIDs []string
	All     bool
	Team    string    // "" for every team
	Status  string    // a delivery state, or ""
	From    time.Time // released at or after (zero: no limit)
	To      time.Time // released before (zero: no limit)
}

// ListReleases lists releases across cases, oldest first.
func (s *Service) ListReleases(ctx context.Context, f Filter) ([]Release, error) {
	var conds []string
	var args []any
	if !f.All {
		if len(f.CaseIDs) == 0 {
			return nil, nil
		}
		conds = append(conds, "r.case_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.CaseIDs)), ", ")+")")
		for _, id := range f.CaseIDs {
			args = append(args, id)
		}
	}
	if f.Team != "" {
		conds, args = append(conds, "r.team = ?"), append(args, f.Team)
	}
	if f.Status != "" {
		if !slices.Contains([]string{DeliveryPending, DeliveryDelivered, DeliveryFailed}, f.Status) {
			return nil, fmt.Errorf("%w: status must be pending, delivered or failed", ErrInvalid)
		}
		conds, args = append(conds, "dl.state = ?"), append(args, f.Status)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "r.released_at >= ?"), append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "r.released_at < ?"), append(args, f.To.UTC())
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	return s.queryReleases(ctx, where, args...)
}

// Stages a document passes through on its way to a release, as the team
// summary counts them.
const (
	StageIngesting     = "ingesting" // received, not ready yet
	StageConsent       = "awaiting_consent"
	StageRedaction     = "redaction"      // a set is being drawn
	StageReview        = "manager_review" // a set waits for a manager
	StageLegal         = "waiting_for_legal"
	StageReady         = "ready"    // an applied set, not released
	StageReleased      = "released" // released at least once
	StageNotProceeding = "rejected" // the file could not be read
)

// StageCount is one stage of the summary.
type StageCount struct {
	Stage string `json:"stage"`
	Count int    `json:"count"`
	// Waiting days since the document was received, over the documents at
	// this stage.
	OldestDays int `json:"oldest_days"`
	MedianDays int `json:"median_days"`
}

// Summary is a team's release status.
type Summary struct {
	Team            string       `json:"team"`
	Stages          []StageCount `json:"stages"`
	WaitingForLegal int          `json:"waiting_for_legal"` // sets awaiting Legal approval, and open advice requests
	// ConsentRequestsOpen are requests to authors not yet answered;
	// ConsentRequestsOverdue those past their due date or whose reminders
	// ran out (the manager was told).
	ConsentRequestsOpen    int       `json:"consent_requests_open"`
	ConsentRequestsOverdue int       `json:"consent_requests_overdue"`
	ReleasesThisMonth      int       `json:"releases_this_month"`
	DeliveriesFailed       int       `json:"deliveries_failed"`
	Generated              time.Time `json:"generated_at"`
}

// TeamSummary counts a team's documents by stage.
func (s *Service) TeamSummary(ctx context.Context, team string) (Summary, error) {
	now := s.now().UTC()
	sum := Summary{Team: team, Generated: now}
	type doc struct {
		id, state string
		created   time.Time
		sets      []SetState
		released  bool
	}
	docs := map[string]*doc{}
	rows, err := s.db.Query(ctx, `SELECT d.id, d.state, d.created_at FROM documents d JOIN cases c ON c.id = d.case_id WHERE c.team = ?`, team)
	if err != nil {
		return sum, fmt.Errorf("summary: %w", err)
	}
	for rows.Next() {
		d := &doc{}
		if err := rows.Scan(&d.id, &d.state, &d.created); err != nil {
			rows.Close()
			return sum, fmt.Errorf("summary: %w", err)
		}
		docs[d.id] = d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sum, err
	}
	rows, err = s.db.Query(ctx, `SELECT rs.document_id, rs.state FROM redaction_sets rs JOIN documents d ON d.id = rs.document_id
		JOIN cases c ON c.id = d.case_id WHERE c.team = ?`, team)
	if err != nil {
		return sum, fmt.Errorf("summary: %w", err)
	}
	for rows.Next() {
		var id, st string
		if err := rows.Scan(&id, &st); err != nil {
			rows.Close()
			return sum, fmt.Errorf("summary: %w", err)
		}
		if d := docs[id]; d != nil {
			d.sets = append(d.sets, SetState(st))
		}
	}
	rows.Close()
	rows, err = s.db.Query(ctx, `SELECT DISTINCT r.document_id FROM releases r JOIN cases c ON c.id = r.case_id WHERE c.team = ?`, team)
	if err != nil {
		return sum, fmt.Errorf("summary: %w", err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return sum, fmt.Errorf("summary: %w", err)
		}
		if d := docs[id]; d != nil {
			d.released = true
		}
	}
	rows.Close()

	waits := map[string][]int{}
	for _, d := range docs {
		stage := documentStage(d.state, d.sets, d.released)
		waits[stage] = append(waits[stage], int(now.Sub(d.created).Hours()/24))
		if stage == StageLegal {
			sum.WaitingForLegal++
		}
	}
	for _, st := range []string{StageIngesting, StageConsent, StageRedaction, StageReview, StageLegal, StageReady, StageReleased, StageNotProceeding} {
		w := waits[st]
		sc := StageCount{Stage: st, Count: len(w)}
		if len(w) > 0 {
			sort.Ints(w)
			sc.OldestDays, sc.MedianDays = w[len(w)-1], w[len(w)/2]
		}
		sum.Stages = append(sum.Stages, sc)
	}
	var advice int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM legal_advice a JOIN documents d ON d.id = a.document_id JOIN cases c ON c.id = d.case_id
		WHERE c.team = ? AND a.answered_at IS NULL`, team).Scan(&advice); err != nil {
		return sum, fmt.Errorf("summary: %w", err)
	}
	sum.WaitingForLegal += advice
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN cr.due_on < ? OR cr.manager_notified_at IS NOT NULL THEN 1 ELSE 0 END), 0)
		FROM consent_requests cr JOIN cases c ON c.id = cr.case_id WHERE c.team = ? AND cr.state = ? AND cr.link_expires_at > ?`,
		s.today(), team, string(RequestRequested), now).Scan(&sum.ConsentRequestsOpen, &sum.ConsentRequestsOverdue); err != nil {
		return sum, fmt.Errorf("summary: %w", err)
	}
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		loc = time.UTC
	}
	local := now.In(loc)
	month := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, loc).UTC()
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM releases WHERE team = ? AND released_at >= ?`, team, month).Scan(&sum.ReleasesThisMonth); err != nil {
		return sum, fmt.Errorf("summary: %w", err)
	}
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM deliveries dl JOIN releases r ON r.id = dl.release_id WHERE r.team = ? AND dl.state = ?`,
		team, DeliveryFailed).Scan(&sum.DeliveriesFailed); err != nil {
		return sum, fmt.Errorf("summary: %w", err)
	}
	return sum, nil
}

// documentStage places a document on its way to release: the furthest
// any of its audiences has got.
func documentStage(state string, sets []SetState, released bool) string {
	switch {
	case released:
		return StageReleased
	case state == "rejected":
		return StageNotProceeding
	case state != "ready":
		return StageIngesting
	case slices.Contains(sets, Applied):
		return StageReady
	case slices.Contains(sets, Approved):
		return StageLegal
	case slices.Contains(sets, Submitted):
		return StageReview
	case slices.Contains(sets, Draft):
		return StageRedaction
	}
	return StageConsent
}

// CaseRecord is a release as a short entry for the case management
// system: what was shared, with whom, when, why and on what lawful basis.
func CaseRecord(r Release, documentTitle, releasedBy string) string {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		loc = time.UTC
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s shared with %s (%s, %s) for the %s audience, by %s.\n",
		r.ReleasedAt.In(loc).Format("2 January 2006"), documentTitle, r.Recipient.Name, r.Recipient.Role, r.Recipient.Organisation,
		r.Audience, r.Method)
	fmt.Fprintf(&b, "Purpose: %s\n", r.Purpose)
	lb := r.LawfulBasis
	basis := "UK GDPR Article 6: " + lb.Article6
	if lb.SpecialCategory {
		basis += "; Article 9: " + lb.Article9 + "; DPA 2018 Schedule 1: " + lb.Schedule1
	}
	if lb.CriminalOffence {
		basis += "; Article 10: " + lb.Article10
	}
	fmt.Fprintf(&b, "Lawful basis: %s\n", basis)
	switch {
	case r.ConsentID != "":
		b.WriteString("Shared with the author's written consent.\n")
	case r.OverrideID != "":
		b.WriteString("Shared without the author's consent, on a basis recorded by Legal Services and approved by a manager.\n")
	}
	if r.FamilyInformed {
		b.WriteString("Family informed: yes.\n")
	} else {
		fmt.Fprintf(&b, "Family informed: no (exemption: %s; %s).\n", strings.ReplaceAll(r.Exemption, "_", " "), r.ExemptionReason)
	}
	if r.Restrictions != "" {
		fmt.Fprintf(&b, "Author's restrictions on onward sharing: %s\n", r.Restrictions)
	}
	fmt.Fprintf(&b, "Release reference %s; redacted version SHA-256 %s; released by %s.\n", r.Reference, r.VersionSHA256, releasedBy)
	return b.String()
}
