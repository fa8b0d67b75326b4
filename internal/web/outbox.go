package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/letter"
	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/internal/user"
)

// outboxRoutes are the letters and notices the service wrote that have not
// gone by email: kept for a person to send (no SMTP server, or no
// address), refused by the mail server, or of unknown fate. They are a
// consent request's letters to the author and notices to managers, the
// letters telling families of a release, and the notices routing Care
// Order redaction sets to Legal Services.
//
// Who sees what: managers and administrators every message; a social
// worker those of the cases they are allocated to; Legal Services the
// notices addressed to them (legal_route) and nothing else — not the
// authors' letters, which hold their links, nor the families' letters.
func (s *Server) outboxRoutes(api func(string, handlerFunc)) {
	api("GET /api/v1/outbox", s.listOutbox)
	api("GET /api/v1/outbox/{mid}/letter", s.getOutboxLetter)
	api("POST /api/v1/outbox/{mid}/sent", s.markOutboxSent)
}

// legalKinds are the messages Legal Services sees in the outbox.
var legalKinds = []letter.Kind{letter.LegalRoute}

// listOutbox lists the outbox as the caller may see it (see
// outboxRoutes). The listing is audited: it holds the authors' links.
func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "outbox.list", user.SocialWorker, user.Manager, user.Admin, user.Legal); err != nil {
		return err
	}
	u := currentUser(r)
	var f release.OutboxFilter
	switch u.Role {
	case user.SocialWorker:
		f.AllocatedTo = u.ID
	case user.Legal:
		f.Kinds = legalKinds
	}
	ms, err := s.rel.Outbox(r.Context(), f)
	if err != nil {
		return err
	}
	e := actor(r).Entry("outbox.list", audit.OK)
	e.Detail = map[string]string{"messages": strconv.Itoa(len(ms))}
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": nonNilList(ms)})
	return nil
}

// outboxMessage loads message mid and checks the caller may see it as
// listOutbox would show it; refusals are audited.
func (s *Server) outboxMessage(r *http.Request, action string) (release.Message, error) {
	if err := s.requireRole(r, action, user.SocialWorker, user.Manager, user.Admin, user.Legal); err != nil {
		return release.Message{}, err
	}
	m, err := s.rel.GetMessage(r.Context(), r.PathValue("mid"))
	if err != nil {
		return m, err
	}
	switch u := currentUser(r); u.Role {
	case user.SocialWorker:
		if _, allocated, err := s.cases.Allocated(r.Context(), m.CaseID, u.ID); err != nil {
			return m, err
		} else if !allocated {
			return m, s.deny(r, action, m.CaseID, m.DocumentID)
		}
	case user.Legal:
		if !forLegal(m) {
			return m, s.deny(r, action, m.CaseID, m.DocumentID)
		}
	}
	return m, nil
}

// forLegal reports whether m is addressed to Legal Services.
func forLegal(m release.Message) bool { return slices.Contains(legalKinds, m.Kind) }

// getOutboxLetter streams a message's letter as a PDF, to print and post
// (audited).
func (s *Server) getOutboxLetter(w http.ResponseWriter, r *http.Request) error {
	m, err := s.outboxMessage(r, "outbox.letter")
	if err != nil {
		return err
	}
	rc, size, err := s.rel.OpenLetter(r.Context(), m)
	if err != nil {
		return err
	}
	defer rc.Close()
	e := actor(r).Entry("outbox.letter", audit.OK)
	e.CaseID, e.DocumentID = m.CaseID, m.DocumentID
	e.Detail = map[string]string{"message_id": m.ID, "kind": string(m.Kind), "letter_sha256": m.LetterSHA256}
	for k, v := range map[string]string{"consent_request_id": m.RequestID, "release_id": m.ReleaseID, "redaction_set_id": m.RedactionSetID} {
		if v != "" {
			e.Detail[k] = v
		}
	}
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	streamPDF(w, rc, size, string(m.Kind)+"-"+m.ID+".pdf")
	return nil
}

// markOutboxSent records that a person sent or posted a message: the
// case's allocated social worker or manager; or, for a notice addressed
// to Legal Services, Legal Services, who thereby say they have it.
func (s *Server) markOutboxSent(w http.ResponseWriter, r *http.Request) error {
	m, err := s.rel.GetMessage(r.Context(), r.PathValue("mid"))
	if err != nil {
		return err
	}
	action := "consent_message.sent_by_hand"
	if m.RequestID == "" {
		action = "notice.sent_by_hand"
	}
	if u := currentUser(r); u.Role != user.Legal || !forLegal(m) {
		if _, _, err := s.document(r, m.DocumentID, onCase, action); err != nil {
			return err
		}
	}
	m, err = s.rel.MarkSentByHand(r.Context(), actor(r), m.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}
