package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

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
// Who sees what: a social worker or manager the messages of the cases
// they are allocated to, and a manager also the notice to the team
// manager about a case of their team with no manager allocated; Legal
// Services the notices addressed to them (legal_route), which an
// administrator sees too (they hold no document content: to follow mail
// that did not go). Nobody else sees a letter to an author, which holds
// their link (it shows the document as it would be released and answers
// for the author), or to a family, which is about the family: DESIGN.md
// section 1, nobody off the case sees its documents, and an
// administrator sees no document content. Who sees a message may mark it
// sent, but an administrator.
func (s *Server) outboxRoutes(api func(string, handlerFunc)) {
	api("GET /api/v1/outbox", s.listOutbox)
	api("GET /api/v1/outbox/{mid}/letter", s.getOutboxLetter)
	api("POST /api/v1/outbox/{mid}/sent", s.markOutboxSent)
}

// legalKinds are the messages Legal Services sees in the outbox.
var legalKinds = []letter.Kind{letter.LegalRoute}

// outboxRoles may mark messages sent; viewRoles may see some.
var (
	outboxRoles = []user.Role{user.SocialWorker, user.Manager, user.Legal}
	viewRoles   = append(slices.Clone(outboxRoles), user.Admin)
)

// listOutbox lists the outbox as the caller may see it (see
// outboxRoutes). The listing is audited: it holds the authors' links.
func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "outbox.list", viewRoles...); err != nil {
		return err
	}
	u := currentUser(r)
	f := release.OutboxFilter{AllocatedTo: u.ID}
	if u.Role == user.Legal || u.Role == user.Admin {
		f = release.OutboxFilter{Kinds: legalKinds}
	}
	ms, err := s.rel.Outbox(r.Context(), f)
	if err != nil {
		return err
	}
	if u.Role == user.Manager {
		notices, err := s.rel.Outbox(r.Context(), release.OutboxFilter{Kinds: []letter.Kind{letter.ConsentOverdueManager}})
		if err != nil {
			return err
		}
		for _, m := range notices {
			if slices.ContainsFunc(ms, func(o release.Message) bool { return o.ID == m.ID }) {
				continue
			}
			if ok, err := s.teamNotice(r, m); err != nil {
				return err
			} else if ok {
				ms = append(ms, m)
			}
		}
		slices.SortStableFunc(ms, func(a, b release.Message) int {
			return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
		})
	}
	e := actor(r).Entry("outbox.list", audit.OK)
	e.Detail = map[string]string{"messages": strconv.Itoa(len(ms))}
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": nonNilList(ms)})
	return nil
}

// teamNotice reports whether m is a notice to the team manager about a
// case with no manager allocated, and the caller a manager of the case's
// team (any manager, for a case with no team).
func (s *Server) teamNotice(r *http.Request, m release.Message) (bool, error) {
	u := currentUser(r)
	if u.Role != user.Manager || m.Kind != letter.ConsentOverdueManager || m.RecipientUserID != "" {
		return false, nil
	}
	c, err := s.cases.Get(r.Context(), m.CaseID)
	if err != nil {
		return false, err
	}
	return c.Team == "" || c.Team == u.Team, nil
}

// outboxMessage loads message mid and checks the caller may see it as
// listOutbox would show it; refusals are audited.
func (s *Server) outboxMessage(r *http.Request, action string) (release.Message, error) {
	if err := s.requireRole(r, action, viewRoles...); err != nil {
		return release.Message{}, err
	}
	m, err := s.rel.GetMessage(r.Context(), r.PathValue("mid"))
	if err != nil {
		return m, err
	}
	return m, s.mayOpen(r, m, action)
}

// mayOpen checks the caller, of one of viewRoles, sees m in their outbox;
// a refusal is audited.
func (s *Server) mayOpen(r *http.Request, m release.Message, action string) error {
	u := currentUser(r)
	if u.Role == user.Legal || u.Role == user.Admin {
		if forLegal(m) {
			return nil
		}
		return s.deny(r, action, m.CaseID, m.DocumentID)
	}
	if _, allocated, err := s.cases.Allocated(r.Context(), m.CaseID, u.ID); err != nil || allocated {
		return err
	}
	if ok, err := s.teamNotice(r, m); err != nil || ok {
		return err
	}
	return s.deny(r, action, m.CaseID, m.DocumentID)
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

// markOutboxSent records that a person sent or posted a message: one who
// sees it in their outbox (for a notice addressed to Legal Services,
// Legal Services, who thereby say they have it).
func (s *Server) markOutboxSent(w http.ResponseWriter, r *http.Request) error {
	m, err := s.rel.GetMessage(r.Context(), r.PathValue("mid"))
	if err != nil {
		return err
	}
	action := "consent_message.sent_by_hand"
	if m.RequestID == "" {
		action = "notice.sent_by_hand"
	}
	if err := s.requireRole(r, action, outboxRoles...); err != nil {
		return err
	}
	if err := s.mayOpen(r, m, action); err != nil {
		return err
	}
	m, err = s.rel.MarkSentByHand(r.Context(), actor(r), m.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}
