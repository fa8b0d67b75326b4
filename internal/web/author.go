package web

import (
	"errors"
	"net/http"

	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/worker"
)

// authorRoutes are asking the author for consent: the social worker's
// requests, the outbox of letters they send, and the author's own pages,
// which have no account: the link's token is the author's credential. It
// is never logged (the request log names the route pattern, not the path)
// and never echoed in a problem's instance.
func (s *Server) authorRoutes(mux *http.ServeMux, api func(string, handlerFunc)) {
	api("GET /api/v1/documents/{id}/consent-requests", s.listConsentRequests)
	api("POST /api/v1/documents/{id}/consent-requests", s.createConsentRequest)
	api("GET /api/v1/documents/{id}/consent-requests/{rid}", s.getConsentRequest)
	api("POST /api/v1/documents/{id}/consent-requests/{rid}/cancel", s.cancelConsentRequest)
	s.outboxRoutes(api)

	author := func(pattern string, h handlerFunc) { mux.Handle(pattern, s.limited(s.public(s.authorProblems(h)))) }
	author("GET /author/v1/{token}", s.authorView)
	author("GET /author/v1/{token}/preview/{audience}", s.authorPreview)
	author("POST /author/v1/{token}/answer", s.authorAnswer)
	author("/author/", func(w http.ResponseWriter, r *http.Request) error {
		return errNotFound("there is no such page: check that you copied the whole link from the letter or email")
	})
}

func (s *Server) listConsentRequests(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCaseOrLegal, "consent_request.list")
	if err != nil {
		return err
	}
	rs, err := s.rel.Requests(r.Context(), d.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"consent_requests": nonNilList(rs)})
	return nil
}

// createConsentRequest asks the author; the worker sends the letter. If
// the queue is down, the periodic consent:chase task sends it later.
func (s *Server) createConsentRequest(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCase, "consent_request.create")
	if err != nil {
		return err
	}
	var in release.RequestInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	req, err := s.rel.CreateRequest(r.Context(), actor(r), *currentUser(r), d.ID, in)
	if err != nil {
		return err
	}
	if err := worker.EnqueueConsentRequest(r.Context(), s.q, req.ID); err != nil {
		s.log.WarnContext(r.Context(), "enqueue consent request", "request_id", RequestID(r.Context()), "consent_request_id", req.ID, "err", err)
	}
	w.Header().Set("Location", "/api/v1/documents/"+d.ID+"/consent-requests/"+req.ID)
	writeJSON(w, http.StatusCreated, req)
	return nil
}

// consentRequestJSON is a request with its letters, for the social worker.
type consentRequestJSON struct {
	release.Request
	Messages []release.Message `json:"messages"`
}

// getConsentRequest shows a request with its letters, which hold the
// author's links: for the case's social worker and manager only.
func (s *Server) getConsentRequest(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCase, "consent_request.view")
	if err != nil {
		return err
	}
	req, err := s.rel.GetRequest(r.Context(), r.PathValue("rid"))
	if err != nil {
		return err
	}
	if req.DocumentID != d.ID {
		return errNotFound("this document has no such consent request")
	}
	ms, err := s.rel.RequestMessages(r.Context(), req.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, consentRequestJSON{Request: req, Messages: nonNilList(ms)})
	return nil
}

func (s *Server) cancelConsentRequest(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCase, "consent_request.cancel")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	req, err := s.rel.CancelRequest(r.Context(), actor(r), d.ID, r.PathValue("rid"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, req)
	return nil
}

// authorProblems maps the author's errors: a link used up or withdrawn is
// 410 Gone, like an expired one. No problem names the path, which holds
// the token.
func (s *Server) authorProblems(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		if err == nil {
			return nil
		}
		var p *problem
		if errors.Is(err, release.ErrLinkUsed) {
			p = newProblem(http.StatusGone, err.Error())
			p.cause = err
		} else {
			var internal bool
			if p, internal = toProblem(err); internal {
				s.log.ErrorContext(r.Context(), "author request failed", "request_id", RequestID(r.Context()), "route", r.Pattern, "err", err)
			}
		}
		p.Instance = "/author/v1"
		return p
	}
}

// authorView is what the author sees: the document, and per audience
// asked the version as it would be released, with a link to download it.
func (s *Server) authorView(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	page, err := s.rel.AuthorView(r.Context(), token, RequestID(r.Context()))
	if err != nil {
		return err
	}
	for i := range page.Audiences {
		if p := page.Audiences[i].Preview; p != nil {
			p.URL = "/author/v1/" + token + "/preview/" + string(page.Audiences[i].Audience)
		}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// authorPreview streams an audience's version, its SHA-256 in the
// X-Content-SHA256 header, so the author can name what they saw.
func (s *Server) authorPreview(w http.ResponseWriter, r *http.Request) error {
	a := release.Audience(r.PathValue("audience"))
	rc, size, sha, err := s.rel.AuthorPreview(r.Context(), r.PathValue("token"), a, RequestID(r.Context()))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("X-Content-SHA256", sha)
	streamPDF(w, rc, size, "preview-"+string(a)+".pdf")
	return nil
}

// authorAnswer records the author's answer as their written consent.
func (s *Server) authorAnswer(w http.ResponseWriter, r *http.Request) error {
	c, err := s.rel.AnswerRequest(r.Context(), r.PathValue("token"), RequestID(r.Context()),
		func(in *release.AnswerInput) error { return decodeJSON(r, in) })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"message": "Thank you: your answer has been recorded. This link will not work again.",
		"consent": c,
	})
	return nil
}
