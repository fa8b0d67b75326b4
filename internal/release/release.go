// Package release is the path from a ready document to a release: the
// author's consent per audience, redaction sets and their approvals,
// Care Order routing to Legal Services, legal advice, and the release
// itself, refused until every gate of DESIGN.md §2 holds. Decisions not
// to share are recorded here too.
//
// The records are the truth. Every change is one transaction that also
// appends to the audit chain; the worker's tasks (applying a redaction
// set) are keyed by record ids and do nothing the second time.
package release

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/casefile"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/store"
)

// Audience is who a document is released to.
type Audience string

// Audiences (DESIGN.md §2 rule 1).
const (
	Family       Audience = "family"       // parents and carers
	Professional Audience = "professional" // the professional network
	Court        Audience = "court"        // care proceedings
)

// Audiences lists them in the order they are shown.
var Audiences = []Audience{Family, Professional, Court}

// Valid reports whether a is a known audience.
func (a Audience) Valid() bool { return slices.Contains(Audiences, a) }

func checkAudiences(field string, as []Audience) error {
	seen := map[Audience]bool{}
	for _, a := range as {
		if !a.Valid() {
			return fmt.Errorf("%w: %s: %q is not an audience: use family, professional or court", ErrInvalid, field, a)
		}
		if seen[a] {
			return fmt.Errorf("%w: %s names %s twice", ErrInvalid, field, a)
		}
		seen[a] = true
	}
	return nil
}

// Person is someone outside the council: an author, a recipient.
type Person struct {
	Name         string `json:"name"`
	Role         string `json:"role"`
	Organisation string `json:"organisation"`
}

func (p Person) check(field string) error {
	if strings.TrimSpace(p.Name) == "" || strings.TrimSpace(p.Role) == "" || strings.TrimSpace(p.Organisation) == "" {
		return fmt.Errorf("%w: %s needs a name, a role and an organisation", ErrInvalid, field)
	}
	return nil
}

// Errors. The wrapped text says what to do.
var (
	ErrInvalid   = errors.New("invalid")
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")  // the record is not in a state that allows this
	ErrForbidden = errors.New("forbidden") // the rule of four eyes, or the wrong role
)

// Service keeps the records of this package.
type Service struct {
	db    *store.DB
	blobs blob.Store
	audit *audit.Log
	docs  *document.Service
	cases *casefile.Store
	now   func() time.Time
	// contact is what letters to families give as the team's details.
	contact Contact
	// requests is how consent requests are sent and chased (request.go).
	requests RequestConfig
}

// NewService returns a Service.
func NewService(db *store.DB, blobs blob.Store, log *audit.Log, docs *document.Service, cases *casefile.Store) *Service {
	return &Service{db: db, blobs: blobs, audit: log, docs: docs, cases: cases, now: time.Now}
}

// SetClock replaces the clock (tests of expiry).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// today is the date in the UK, where consent dates are given.
func (s *Service) today() string {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		loc = time.UTC
	}
	return s.now().In(loc).Format(time.DateOnly)
}

func checkDate(field, v string, required bool) error {
	if v == "" && !required {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return fmt.Errorf("%w: %s must be a date like 2026-11-23", ErrInvalid, field)
	}
	return nil
}
