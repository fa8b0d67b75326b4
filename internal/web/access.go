package web

import (
	"context"
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
	// its allocated social worker and manager; administrators, who
	// allocate cases but see no document content; and Legal Services on
	// a case routed to them (a Care Order, or a document of it with an
	// advice request or an override), whose people they deal with.
	seeCase rule = iota
	// caseTrail: the audit trail of a whole case: as seeCase, but Legal
	// Services only on a Care Order case, where every document is routed
	// to them; on another case they read the trails of the documents
	// routed to them, not the case's.
	caseTrail
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
	legal := u.Role == user.Legal
	ok := false
	switch ru {
	case seeCase:
		ok = allocated || u.Role == user.Admin
		if !ok && legal {
			ds, err := s.legalDocuments(r.Context(), c)
			if err != nil {
				return c, err
			}
			ok = len(ds) > 0
		}
	case caseTrail:
		ok = allocated || u.Role == user.Admin || (legal && c.LegalStatus.IsCareOrder())
	case workCase:
		ok = allocated && (role == user.SocialWorker || role == user.Manager)
	case allocateCase:
		ok = u.Role == user.Admin || (allocated && role == user.Manager)
	}
	if ok {
		return c, nil
	}
	if legal && ru == caseTrail {
		if err := s.denied(r, action, c.ID, documentID); err != nil {
			return c, err
		}
		return c, errForbidden("Legal Services reads the audit trail of a whole case under a Care Order only: ask for the trail of a document routed to you (?document=)")
	}
	return c, s.deny(r, action, c.ID, documentID)
}

// legalDocuments lists the documents of case c routed to Legal Services:
// every one under a Care Order, otherwise those with an advice request or
// an override (routedToLegal).
func (s *Server) legalDocuments(ctx context.Context, c casefile.Case) ([]document.Document, error) {
	ds, err := s.docs.ListByCase(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := []document.Document{}
	for _, d := range ds {
		routed, err := s.routedToLegal(ctx, c, d)
		if err != nil {
			return nil, err
		}
		if routed {
			out = append(out, d)
		}
	}
	return out, nil
}

// deny audits a refused request and returns the 403 to send, with the
// reason for the caller's role; a handler with a more exact reason calls
// denied and sends its own.
func (s *Server) deny(r *http.Request, action, caseID, documentID string) error {
	if err := s.denied(r, action, caseID, documentID); err != nil {
		return err
	}
	switch currentUser(r).Role {
	case user.Admin:
		return errForbidden("administrators allocate cases but do not see their documents")
	case user.Legal:
		// Legal Services is never allocated to a case.
		return errForbidden("Legal Services cannot do this here: it sees the cases and documents routed to it (a Care Order, an advice request or an override) and reviews redactions on Care Order cases")
	}
	return errForbidden("you are not allocated to this case: ask the team manager to allocate you")
}

// denied audits a refused request; it returns an error only when the
// audit log cannot be written (then nothing is served either).
func (s *Server) denied(r *http.Request, action, caseID, documentID string) error {
	e := actor(r).Entry(action, audit.Denied)
	e.CaseID, e.DocumentID = caseID, documentID
	e.Detail = map[string]string{"route": r.Pattern}
	return s.audit.Append(r.Context(), e)
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
