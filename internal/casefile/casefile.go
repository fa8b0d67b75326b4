// Package casefile holds a child's case: its reference, its legal status
// (which decides whether Legal Services must approve releases) and who is
// allocated to it (only they may see or release its documents).
//
// The package is called casefile because "case" is a Go keyword.
package casefile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/user"
)

// LegalStatus is the child's legal status on the case.
type LegalStatus string

// Legal statuses. Only the two care orders route releases to Legal Services.
const (
	None             LegalStatus = "none"
	ChildInNeed      LegalStatus = "child_in_need"
	ChildProtection  LegalStatus = "child_protection_plan"
	Section20        LegalStatus = "section_20"
	InterimCareOrder LegalStatus = "interim_care_order"
	CareOrder        LegalStatus = "care_order"
	PlacementOrder   LegalStatus = "placement_order"
	SupervisionOrder LegalStatus = "supervision_order"
)

// LegalStatuses lists the valid statuses.
var LegalStatuses = []LegalStatus{None, ChildInNeed, ChildProtection, Section20, InterimCareOrder, CareOrder, PlacementOrder, SupervisionOrder}

// Valid reports whether s is known.
func (s LegalStatus) Valid() bool {
	for _, x := range LegalStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// IsCareOrder reports whether the child is subject to a care order, interim
// or full (DESIGN.md rule 5).
func (s LegalStatus) IsCareOrder() bool { return s == InterimCareOrder || s == CareOrder }

// Case is a child's case record.
type Case struct {
	ID          string       `json:"id"`
	ChildRef    string       `json:"child_ref"`
	Team        string       `json:"team"`
	LegalStatus LegalStatus  `json:"legal_status"`
	CreatedBy   string       `json:"created_by"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Allocations []Allocation `json:"allocations"`
}

// Allocation puts a social worker or their supervising manager on a case.
type Allocation struct {
	UserID      string    `json:"user_id"`
	Role        user.Role `json:"role"`
	AllocatedBy string    `json:"allocated_by"`
	AllocatedAt time.Time `json:"allocated_at"`
}

// Store reads and writes cases, auditing every change.
type Store struct {
	db    *store.DB
	audit *audit.Log
	users *user.Store
	now   func() time.Time
}

// NewStore returns a Store.
func NewStore(db *store.DB, log *audit.Log, users *user.Store) *Store {
	return &Store{db: db, audit: log, users: users, now: time.Now}
}

// childRefRE allows the references case management systems issue
// (letters, digits and - / . _), never free text such as a name.
var childRefRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$`)

// NewCase describes a case to open.
type NewCase struct {
	ChildRef    string      `json:"child_ref"`
	Team        string      `json:"team"`
	LegalStatus LegalStatus `json:"legal_status"`
}

// Create opens a case. A social worker or manager who opens it is
// allocated to it in their role.
func (s *Store) Create(ctx context.Context, by user.User, a audit.Actor, n NewCase) (Case, error) {
	n.ChildRef = strings.TrimSpace(n.ChildRef)
	if !childRefRE.MatchString(n.ChildRef) {
		return Case{}, fmt.Errorf("%w: child_ref must be the case management system's reference (letters, digits, '-', '/', '.', '_'; at most 64), never a name", ErrInvalid)
	}
	if n.LegalStatus == "" {
		n.LegalStatus = None
	}
	if !n.LegalStatus.Valid() {
		return Case{}, fmt.Errorf("%w: legal_status must be one of %s", ErrInvalid, statusList())
	}
	if n.Team == "" {
		n.Team = by.Team
	}
	now := s.now().UTC()
	c := Case{ID: store.NewID(), ChildRef: n.ChildRef, Team: strings.TrimSpace(n.Team), LegalStatus: n.LegalStatus,
		CreatedBy: by.ID, CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO cases (id, child_ref, team, legal_status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.ChildRef, c.Team, string(c.LegalStatus), by.ID, now, now)
		if store.IsUniqueViolation(err) {
			return fmt.Errorf("%w: a case with child_ref %q already exists", ErrConflict, c.ChildRef)
		}
		if err != nil {
			return fmt.Errorf("insert case: %w", err)
		}
		if by.Role == user.SocialWorker || by.Role == user.Manager {
			al := Allocation{UserID: by.ID, Role: by.Role, AllocatedBy: by.ID, AllocatedAt: now}
			if err := insertAllocation(ctx, tx, c.ID, al); err != nil {
				return err
			}
			c.Allocations = append(c.Allocations, al)
		}
		e := a.Entry("case.create", audit.OK)
		e.CaseID = c.ID
		e.Detail = map[string]string{"legal_status": string(c.LegalStatus)}
		return s.audit.AppendTx(ctx, tx, e)
	})
	return c, err
}

func statusList() string {
	var s []string
	for _, x := range LegalStatuses {
		s = append(s, string(x))
	}
	return strings.Join(s, ", ")
}

func insertAllocation(ctx context.Context, tx *store.Tx, caseID string, al Allocation) error {
	_, err := tx.Exec(ctx, `INSERT INTO case_allocations (case_id, user_id, role, allocated_by, allocated_at) VALUES (?, ?, ?, ?, ?)`,
		caseID, al.UserID, string(al.Role), al.AllocatedBy, al.AllocatedAt)
	if store.IsUniqueViolation(err) {
		return fmt.Errorf("%w: the user is already allocated to this case", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("insert allocation: %w", err)
	}
	return nil
}

// Get returns a case with its allocations.
func (s *Store) Get(ctx context.Context, id string) (Case, error) {
	if !store.ValidID(id) {
		return Case{}, ErrNotFound
	}
	var c Case
	var status string
	err := s.db.QueryRow(ctx, `SELECT id, child_ref, team, legal_status, created_by, created_at, updated_at FROM cases WHERE id = ?`, id).
		Scan(&c.ID, &c.ChildRef, &c.Team, &status, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, ErrNotFound
	}
	if err != nil {
		return Case{}, fmt.Errorf("read case: %w", err)
	}
	c.LegalStatus = LegalStatus(status)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	rows, err := s.db.Query(ctx, `SELECT user_id, role, allocated_by, allocated_at FROM case_allocations WHERE case_id = ? ORDER BY allocated_at, user_id`, id)
	if err != nil {
		return Case{}, fmt.Errorf("read allocations: %w", err)
	}
	defer rows.Close()
	c.Allocations = []Allocation{}
	for rows.Next() {
		var al Allocation
		var role string
		if err := rows.Scan(&al.UserID, &role, &al.AllocatedBy, &al.AllocatedAt); err != nil {
			return Case{}, fmt.Errorf("scan allocation: %w", err)
		}
		al.Role, al.AllocatedAt = user.Role(role), al.AllocatedAt.UTC()
		c.Allocations = append(c.Allocations, al)
	}
	return c, rows.Err()
}

// ListFor returns the cases a user is allocated to (every case for an
// administrator; for Legal Services, the cases routed to it: a Care Order
// or Interim Care Order, or a document with an advice request or an
// override), newest first.
func (s *Store) ListFor(ctx context.Context, u user.User) ([]Case, error) {
	q := `SELECT c.id FROM cases c JOIN case_allocations a ON a.case_id = c.id WHERE a.user_id = ? ORDER BY c.created_at DESC`
	args := []any{u.ID}
	switch u.Role {
	case user.Admin:
		q, args = `SELECT id FROM cases ORDER BY created_at DESC`, nil
	case user.Legal:
		q = `SELECT id FROM cases WHERE legal_status IN (?, ?)
			OR id IN (SELECT d.case_id FROM documents d JOIN legal_advice a ON a.document_id = d.id)
			OR id IN (SELECT d.case_id FROM documents d JOIN consent_overrides o ON o.document_id = d.id)
			ORDER BY created_at DESC`
		args = []any{string(CareOrder), string(InterimCareOrder)}
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan case: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]Case, 0, len(ids))
	for _, id := range ids {
		c, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Allocated reports the role in which u is allocated to the case, if any.
func (s *Store) Allocated(ctx context.Context, caseID, userID string) (user.Role, bool, error) {
	var role string
	err := s.db.QueryRow(ctx, `SELECT role FROM case_allocations WHERE case_id = ? AND user_id = ?`, caseID, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read allocation: %w", err)
	}
	return user.Role(role), true, nil
}

// Patch is a change to a case; nil fields stay as they are.
type Patch struct {
	LegalStatus *LegalStatus `json:"legal_status"`
	Team        *string      `json:"team"`
}

// Update applies p and audits the change (old and new legal status).
func (s *Store) Update(ctx context.Context, a audit.Actor, id string, p Patch) (Case, error) {
	if p.LegalStatus != nil && !p.LegalStatus.Valid() {
		return Case{}, fmt.Errorf("%w: legal_status must be one of %s", ErrInvalid, statusList())
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var old, team string
		err := tx.QueryRow(ctx, `SELECT legal_status, team FROM cases WHERE id = ?`+tx.ForUpdate(), id).Scan(&old, &team)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("read case: %w", err)
		}
		status := LegalStatus(old)
		if p.LegalStatus != nil {
			status = *p.LegalStatus
		}
		if p.Team != nil {
			team = strings.TrimSpace(*p.Team)
		}
		if _, err := tx.Exec(ctx, `UPDATE cases SET legal_status = ?, team = ?, updated_at = ? WHERE id = ?`, string(status), team, s.now().UTC(), id); err != nil {
			return fmt.Errorf("update case: %w", err)
		}
		e := a.Entry("case.update", audit.OK)
		e.CaseID = id
		e.Detail = map[string]string{"legal_status_from": old, "legal_status_to": string(status)}
		return s.audit.AppendTx(ctx, tx, e)
	})
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, id)
}

// Allocate puts a social worker or manager on a case.
func (s *Store) Allocate(ctx context.Context, a audit.Actor, caseID, userID string) (Case, error) {
	u, err := s.users.Get(ctx, userID)
	if errors.Is(err, user.ErrNotFound) {
		return Case{}, fmt.Errorf("%w: no such user", ErrInvalid)
	}
	if err != nil {
		return Case{}, err
	}
	if u.Role != user.SocialWorker && u.Role != user.Manager {
		return Case{}, fmt.Errorf("%w: only social workers and managers are allocated to cases", ErrInvalid)
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE id = ?`, caseID).Scan(&n); err != nil {
			return fmt.Errorf("read case: %w", err)
		}
		if n == 0 {
			return ErrNotFound
		}
		al := Allocation{UserID: u.ID, Role: u.Role, AllocatedBy: a.ID, AllocatedAt: s.now().UTC()}
		if err := insertAllocation(ctx, tx, caseID, al); err != nil {
			return err
		}
		e := a.Entry("case.allocate", audit.OK)
		e.CaseID = caseID
		e.Detail = map[string]string{"user_id": u.ID, "role": string(u.Role)}
		return s.audit.AppendTx(ctx, tx, e)
	})
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, caseID)
}

// Deallocate takes a user off a case.
func (s *Store) Deallocate(ctx context.Context, a audit.Actor, caseID, userID string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM case_allocations WHERE case_id = ? AND user_id = ?`, caseID, userID)
		if err != nil {
			return fmt.Errorf("delete allocation: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		e := a.Entry("case.deallocate", audit.OK)
		e.CaseID = caseID
		e.Detail = map[string]string{"user_id": userID}
		return s.audit.AppendTx(ctx, tx, e)
	})
}
