package web

import (
	"errors"
	"net/http"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/casefile"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/internal/user"
)

// rule says who may do something to a case (DESIGN.md section 1).
type rule int

const (
	// seeCase: the case record itself (reference, status, allocations):
	// its allocated social worker and manager, and administrators, who
	// allocate cases but see no document content.
	seeCase rule = iota
	// workCase: the case's documents and changes to the case: only the
	// allocated social worker or manager.
	workCase
	// allocateCase: administrators and the case's allocated manager.
	allocateCase
)

// authorize loads the case and checks the current user may act on it under
// ru. A refusal is audited (action, case, document) and returned as 403.
func (s *Server) authorize(r *http.Request, caseID, documentID string, ru rule, action string) (casefile.Case, error) {
	c, err := s.cases.Get(r.Context(), caseID)
	if err != nil {
		return c, err
	}
	u := currentUser(r)
	role, allocated, err := s.cases.Allocated(r.Context(), c.ID, u.ID)
	if err != nil {
		return c, err
	}
	ok := false
	switch ru {
	case seeCase:
		ok = allocated || u.Role == user.Admin
	case workCase:
		ok = allocated && (role == user.SocialWorker || role == user.Manager)
	case allocateCase:
		ok = u.Role == user.Admin || (allocated && role == user.Manager)
	}
	if ok {
		return c, nil
	}
	return c, s.deny(r, action, c.ID, documentID)
}

// deny audits a refused request and returns the 403 to send.
func (s *Server) deny(r *http.Request, action, caseID, documentID string) error {
	e := actor(r).Entry(action, audit.Denied)
	e.CaseID, e.DocumentID = caseID, documentID
	e.Detail = map[string]string{"route": r.Pattern}
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	if currentUser(r).Role == user.Admin {
		return errForbidden("administrators allocate cases but do not see their documents")
	}
	return errForbidden("you are not allocated to this case: ask the team manager to allocate you")
}

// refused audits a refusal the release service made after the access
// check passed (the rule of four eyes: nobody approves what they drew or
// recorded) as a denied action on d, as every 403 is, and returns err.
// Other errors pass through.
func (s *Server) refused(r *http.Request, err error, action string, d document.Document) error {
	if !errors.Is(err, release.ErrForbidden) {
		return err
	}
	e := actor(r).Entry(action, audit.Denied)
	e.CaseID, e.DocumentID = d.CaseID, d.ID
	e.Detail = map[string]string{"route": r.Pattern, "rule": "four_eyes"}
	if aerr := s.audit.Append(r.Context(), e); aerr != nil {
		return aerr
	}
	return err
}

// requireRole refuses (audited) unless the user has one of roles.
func (s *Server) requireRole(r *http.Request, action string, roles ...user.Role) error {
	u := currentUser(r)
	for _, ro := range roles {
		if u.Role == ro {
			return nil
		}
	}
	e := actor(r).Entry(action, audit.Denied)
	e.Detail = map[string]string{"route": r.Pattern}
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	return errForbidden("your role (" + string(u.Role) + ") cannot do this")
}
