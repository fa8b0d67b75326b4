package web

import (
	"net/http"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/casefile"
	"github.com/releasegate/releasegate/internal/user"
)

// listCases returns the cases the user is allocated to (all, for admins).
func (s *Server) listCases(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.cases.ListFor(r.Context(), *currentUser(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": cs})
	return nil
}

// createCase opens a case; a social worker or manager who opens it is
// allocated to it.
func (s *Server) createCase(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "case.create", user.SocialWorker, user.Manager, user.Admin); err != nil {
		return err
	}
	var req casefile.NewCase
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	c, err := s.cases.Create(r.Context(), *currentUser(r), actor(r), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// getCase returns a case and its allocations.
func (s *Server) getCase(w http.ResponseWriter, r *http.Request) error {
	c, err := s.authorize(r, r.PathValue("case"), "", seeCase, "case.view")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// patchCase changes a case's legal status (or team).
func (s *Server) patchCase(w http.ResponseWriter, r *http.Request) error {
	c, err := s.authorize(r, r.PathValue("case"), "", workCase, "case.update")
	if err != nil {
		return err
	}
	var p casefile.Patch
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	c, err = s.cases.Update(r.Context(), actor(r), c.ID, p)
	if err != nil {
		return err
	}
	s.enqueueLegalRoutes(r, c)
	writeJSON(w, http.StatusOK, c)
	return nil
}

type allocateRequest struct {
	UserID string `json:"user_id"`
}

// allocate puts a social worker or manager on a case.
func (s *Server) allocate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.authorize(r, r.PathValue("case"), "", allocateCase, "case.allocate")
	if err != nil {
		return err
	}
	var req allocateRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	c, err = s.cases.Allocate(r.Context(), actor(r), c.ID, req.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// deallocate takes a user off a case.
func (s *Server) deallocate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.authorize(r, r.PathValue("case"), "", allocateCase, "case.deallocate")
	if err != nil {
		return err
	}
	if err := s.cases.Deallocate(r.Context(), actor(r), c.ID, r.PathValue("user")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listAudit returns the audit trail of a document or a case: to the people
// allocated to its case and to administrators; to Legal Services, the
// trail of a document routed to them, and of a whole case under a Care
// Order (caseTrail). The whole log is for administrators.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := audit.Filter{DocumentID: q.Get("document"), CaseID: q.Get("case"), Limit: 1000}
	switch {
	case f.DocumentID != "" && currentUser(r).Role == user.Legal:
		if _, _, err := s.document(r, f.DocumentID, legalOnly, "audit.view"); err != nil {
			return err
		}
	case f.DocumentID != "":
		d, err := s.docs.Get(r.Context(), f.DocumentID)
		if err != nil {
			return err
		}
		if _, err := s.authorize(r, d.CaseID, d.ID, seeCase, "audit.view"); err != nil {
			return err
		}
	case f.CaseID != "":
		if _, err := s.authorize(r, f.CaseID, "", caseTrail, "audit.view"); err != nil {
			return err
		}
	default:
		if err := s.requireRole(r, "audit.view", user.Admin); err != nil {
			return err
		}
	}
	es, err := s.audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	if es == nil {
		es = []audit.Entry{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": es})
	return nil
}
