package web

import (
	"net/http"
	"strconv"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/internal/user"
)

// outboxRoutes are the letters and emails of consent requests that have
// not gone by email: kept for a person to send (no SMTP server, or no
// address), refused by the mail server, or of unknown fate.
func (s *Server) outboxRoutes(api func(string, handlerFunc)) {
	api("GET /api/v1/outbox", s.listOutbox)
	api("GET /api/v1/outbox/{mid}/letter", s.getOutboxLetter)
	api("POST /api/v1/outbox/{mid}/sent", s.markOutboxSent)
}

// listOutbox shows managers and administrators every message, a social
// worker those of the cases they are allocated to; Legal Services has no
// outbox. The listing is audited: it holds the authors' links.
func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "outbox.list", user.SocialWorker, user.Manager, user.Admin); err != nil {
		return err
	}
	u := currentUser(r)
	var f release.OutboxFilter
	if u.Role == user.SocialWorker {
		f.AllocatedTo = u.ID
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
	if err := s.requireRole(r, action, user.SocialWorker, user.Manager, user.Admin); err != nil {
		return release.Message{}, err
	}
	m, err := s.rel.GetMessage(r.Context(), r.PathValue("mid"))
	if err != nil {
		return m, err
	}
	if u := currentUser(r); u.Role == user.SocialWorker {
		if _, allocated, err := s.cases.Allocated(r.Context(), m.CaseID, u.ID); err != nil {
			return m, err
		} else if !allocated {
			return m, s.deny(r, action, m.CaseID, m.DocumentID)
		}
	}
	return m, nil
}

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
	e.Detail = map[string]string{"message_id": m.ID, "consent_request_id": m.RequestID, "letter_sha256": m.LetterSHA256}
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	streamPDF(w, rc, size, string(m.Kind)+"-"+m.ID+".pdf")
	return nil
}

// markOutboxSent records that a person sent or posted a message: the
// case's allocated social worker or manager.
func (s *Server) markOutboxSent(w http.ResponseWriter, r *http.Request) error {
	m, err := s.rel.GetMessage(r.Context(), r.PathValue("mid"))
	if err != nil {
		return err
	}
	if _, _, err := s.document(r, m.DocumentID, onCase, "consent_message.sent_by_hand"); err != nil {
		return err
	}
	m, err = s.rel.MarkSentByHand(r.Context(), actor(r), m.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}
