package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/casefile"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/internal/user"
	"github.com/releasegate/releasegate/worker"
)

// Routes of the path to a release (DESIGN.md §6).
func (s *Server) releaseRoutes(api func(string, handlerFunc)) {
	api("GET /api/v1/redaction-reasons", s.listReasons)
	api("PUT /api/v1/redaction-reasons/{code}", s.putReason)

	api("GET /api/v1/documents/{id}/consents", s.listConsents)
	api("POST /api/v1/documents/{id}/consents", s.recordConsent)
	api("POST /api/v1/documents/{id}/consents/{cid}/withdraw", s.withdrawConsent)
	api("POST /api/v1/documents/{id}/consent-overrides", s.recordOverride)
	api("POST /api/v1/consent-overrides/{oid}/approve", s.approveOverride)

	api("GET /api/v1/documents/{id}/redactions", s.listSets)
	api("POST /api/v1/documents/{id}/redactions", s.createSet)
	api("GET /api/v1/redactions/{rid}", s.getSet)
	api("PUT /api/v1/redactions/{rid}", s.updateSet)
	api("GET /api/v1/redactions/{rid}/file", s.getSetFile)
	api("POST /api/v1/redactions/{rid}/submit", s.setAction("submit"))
	api("POST /api/v1/redactions/{rid}/approve", s.setAction("approve"))
	api("POST /api/v1/redactions/{rid}/legal-approve", s.setAction("legal-approve"))
	api("POST /api/v1/redactions/{rid}/amend", s.setAction("amend"))
	api("POST /api/v1/redactions/{rid}/reject", s.setAction("reject"))

	api("GET /api/v1/documents/{id}/legal-advice", s.listAdvice)
	api("POST /api/v1/documents/{id}/legal-advice", s.askAdvice)
	api("POST /api/v1/legal-advice/{aid}/answer", s.answerAdvice)
	api("GET /api/v1/legal/queue", s.legalQueue)

	api("GET /api/v1/documents/{id}/releases", s.listReleases)
	api("POST /api/v1/documents/{id}/releases", s.createRelease)
	api("POST /api/v1/documents/{id}/decisions", s.recordDecision)
}

// access says who may act on a document.
type access int

const (
	onCase        access = iota // the allocated social worker or manager
	onCaseOrLegal               // those, or Legal Services on a case routed to it
	legalOnly                   // Legal Services on a case routed to it
	managerOnly                 // the allocated manager
	// legalReview: Legal Services on a Care Order case, the only cases
	// whose redactions they review (DESIGN.md section 1 and rule 5); a
	// case routed to them by an advice request or an override is one they
	// read and advise on, not one whose redactions they approve.
	legalReview
	reviewer // the allocated manager, or legalReview
)

// document loads document id and checks the caller may act on it as ac
// says; refusals are audited.
func (s *Server) document(r *http.Request, id string, ac access, action string) (document.Document, casefile.Case, error) {
	d, err := s.docs.Get(r.Context(), id)
	if err != nil {
		return d, casefile.Case{}, err
	}
	c, err := s.cases.Get(r.Context(), d.CaseID)
	if err != nil {
		return d, c, err
	}
	u := currentUser(r)
	role, allocated, err := s.cases.Allocated(r.Context(), c.ID, u.ID)
	if err != nil {
		return d, c, err
	}
	worker := allocated && (role == user.SocialWorker || role == user.Manager)
	legal := false
	if u.Role == user.Legal {
		legal, err = s.routedToLegal(r.Context(), c, d)
		if err != nil {
			return d, c, err
		}
	}
	manager := allocated && role == user.Manager
	legalCareOrder := u.Role == user.Legal && c.LegalStatus.IsCareOrder()
	ok := false
	switch ac {
	case onCase:
		ok = worker
	case onCaseOrLegal:
		ok = worker || legal
	case legalOnly:
		ok = legal
	case managerOnly:
		ok = manager
	case legalReview:
		ok = legalCareOrder
	case reviewer:
		ok = manager || legalCareOrder
	}
	if ok {
		return d, c, nil
	}
	if err := s.denied(r, action, c.ID, d.ID); err != nil {
		return d, c, err
	}
	switch {
	case ac == legalOnly:
		return d, c, errForbidden("only Legal Services may do this, on a case routed to them")
	case (ac == legalReview || ac == reviewer) && u.Role == user.Legal:
		return d, c, errForbidden("Legal Services review redactions on Care Order cases only: on this case the team manager approves them")
	case ac == legalReview:
		return d, c, errForbidden("only Legal Services may do this, on a Care Order case")
	case ac == reviewer && allocated:
		return d, c, errForbidden("only the case's team manager, or Legal Services on a Care Order case, may do this")
	case ac == managerOnly && allocated:
		return d, c, errForbidden("only the case's team manager may do this")
	case u.Role == user.Legal:
		return d, c, errForbidden("this case has not been routed to Legal Services (no Care Order, no advice request, no override)")
	case u.Role == user.Admin:
		return d, c, errForbidden("administrators allocate cases but do not see their documents")
	}
	return d, c, errForbidden("you are not allocated to this case: ask the team manager to allocate you")
}

// routedToLegal reports whether Legal Services sees a document: its case
// is under a Care Order, or advice or an override was asked for on it.
func (s *Server) routedToLegal(ctx context.Context, c casefile.Case, d document.Document) (bool, error) {
	if c.LegalStatus.IsCareOrder() {
		return true, nil
	}
	advice, err := s.rel.Advice(ctx, d.ID)
	if err != nil || len(advice) > 0 {
		return len(advice) > 0, err
	}
	os, err := s.rel.Overrides(ctx, d.ID)
	return len(os) > 0, err
}

func (s *Server) listReasons(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.rel.Reasons(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reasons": rs})
	return nil
}

func (s *Server) putReason(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "reason.update", user.Admin); err != nil {
		return err
	}
	var in release.Reason
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	in.Code = r.PathValue("code")
	if err := s.rel.PutReason(r.Context(), actor(r), in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// evidenceTypes are the files accepted as evidence: a letter (PDF or a
// scan) or an email (as text).
var evidenceTypes = map[string]string{
	"application/pdf": "application/pdf", "image/png": "image/png", "image/jpeg": "image/jpeg",
	"text/plain; charset=utf-8": "text/plain", "text/plain; charset=utf-16be": "text/plain", "text/plain; charset=utf-16le": "text/plain",
}

// multipartEvidence reads a "metadata" JSON part into v and an "evidence"
// file part into storage.
func (s *Server) multipartEvidence(w http.ResponseWriter, r *http.Request, v any) (release.Evidence, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return release.Evidence{}, errBadRequest(`send multipart/form-data with a "metadata" part (JSON) and an "evidence" part (the letter or email)`)
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes+(1<<20))
	mr, err := r.MultipartReader()
	if err != nil {
		return release.Evidence{}, errBadRequest("the request is not valid multipart/form-data: " + err.Error())
	}
	var file *blob.Spooled
	defer func() {
		if file != nil {
			file.Remove()
		}
	}()
	gotMeta := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return release.Evidence{}, errBadRequest("the request is not valid multipart/form-data: " + err.Error())
		}
		switch part.FormName() {
		case "metadata":
			if err := jsonDecoder(io.LimitReader(part, 64<<10)).Decode(v); err != nil {
				return release.Evidence{}, errBadRequest("the metadata part is not the JSON expected: " + err.Error())
			}
			gotMeta = true
		case "evidence":
			if file != nil {
				return release.Evidence{}, errBadRequest("send one evidence file")
			}
			file, err = blob.Spool(r.Context(), s.cfg.Scratch, part, s.cfg.MaxUploadBytes)
			if err != nil {
				if errors.Is(err, blob.ErrTooLarge) {
					return release.Evidence{}, newProblem(http.StatusRequestEntityTooLarge, "the evidence file is too large")
				}
				return release.Evidence{}, fmt.Errorf("spool evidence: %w", err)
			}
		}
		part.Close()
	}
	if !gotMeta {
		return release.Evidence{}, errBadRequest(`the "metadata" part is missing`)
	}
	if file == nil || file.Size == 0 {
		return release.Evidence{}, nil // the service says evidence is required
	}
	media, ok := evidenceTypes[http.DetectContentType(file.Head)]
	if !ok {
		return release.Evidence{}, newProblem(http.StatusUnsupportedMediaType, "evidence must be a PDF, a PNG or JPEG scan, or the email as plain text")
	}
	if err := file.Put(r.Context(), s.blobs); err != nil {
		return release.Evidence{}, fmt.Errorf("%w: %w", document.ErrUnavailable, err)
	}
	return release.Evidence{Key: file.Key, Size: file.Size, MediaType: media}, nil
}

func (s *Server) listConsents(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCaseOrLegal, "consent.list")
	if err != nil {
		return err
	}
	cs, err := s.rel.Consents(r.Context(), d.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"consents": nonNilList(cs)})
	return nil
}

func (s *Server) recordConsent(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCase, "consent.record")
	if err != nil {
		return err
	}
	var in release.ConsentInput
	ev, err := s.multipartEvidence(w, r, &in)
	if err != nil {
		return err
	}
	c, err := s.rel.RecordConsent(r.Context(), actor(r), d.ID, in, ev)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *Server) withdrawConsent(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCase, "consent.withdraw")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	c, err := s.rel.WithdrawConsent(r.Context(), actor(r), d.ID, r.PathValue("cid"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) recordOverride(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "consent_override.record", user.Legal); err != nil {
		return err
	}
	d, _, err := s.document(r, r.PathValue("id"), legalOnly, "consent_override.record")
	if err != nil {
		return err
	}
	var in release.OverrideInput
	ev, err := s.multipartEvidence(w, r, &in)
	if err != nil {
		return err
	}
	o, err := s.rel.RecordOverride(r.Context(), actor(r), d.ID, in, ev)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (s *Server) approveOverride(w http.ResponseWriter, r *http.Request) error {
	o, err := s.rel.GetOverride(r.Context(), r.PathValue("oid"))
	if err != nil {
		return err
	}
	d, _, err := s.document(r, o.DocumentID, managerOnly, "consent_override.approve")
	if err != nil {
		return err
	}
	o, err = s.rel.ApproveOverride(r.Context(), actor(r), o.ID)
	if err != nil {
		return s.refused(r, err, "consent_override.approve", d)
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *Server) listSets(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCaseOrLegal, "redaction.list")
	if err != nil {
		return err
	}
	sets, err := s.rel.Sets(r.Context(), d.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"redactions": nonNilList(sets)})
	return nil
}

func (s *Server) createSet(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCase, "redaction.create")
	if err != nil {
		return err
	}
	var in release.SetInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	st, err := s.rel.CreateSet(r.Context(), actor(r), d.ID, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/redactions/"+st.ID)
	writeJSON(w, http.StatusCreated, st)
	return nil
}

// set loads redaction set rid with the access check of its document.
func (s *Server) set(r *http.Request, ac access, action string) (release.Set, error) {
	st, err := s.rel.GetSet(r.Context(), r.PathValue("rid"))
	if err != nil {
		return st, err
	}
	_, _, err = s.document(r, st.DocumentID, ac, action)
	return st, err
}

func (s *Server) getSet(w http.ResponseWriter, r *http.Request) error {
	st, err := s.set(r, onCaseOrLegal, "redaction.view")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) updateSet(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.set(r, onCase, "redaction.update"); err != nil {
		return err
	}
	var in release.SetInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	st, err := s.rel.UpdateSet(r.Context(), actor(r), r.PathValue("rid"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// getSetFile streams a set's redacted version, for review (audited).
func (s *Server) getSetFile(w http.ResponseWriter, r *http.Request) error {
	st, err := s.set(r, onCaseOrLegal, "redaction.download")
	if err != nil {
		return err
	}
	rc, size, err := s.rel.OpenVersion(r.Context(), st)
	if err != nil {
		return err
	}
	defer rc.Close()
	d, err := s.docs.Get(r.Context(), st.DocumentID)
	if err != nil {
		return err
	}
	e := actor(r).Entry("redaction.download", audit.OK)
	e.CaseID, e.DocumentID = d.CaseID, d.ID
	e.Detail = map[string]string{"redaction_set_id": st.ID, "sha256": st.VersionSHA256}
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "redacted-" + string(st.Audience) + ".pdf"}))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, rc)
	return nil
}

// setAction handles the transitions of a redaction set. Access is checked
// before the body is read, so every refusal is a 403 and audited.
func (s *Server) setAction(name string) handlerFunc {
	action, ac := "redaction."+name, onCase
	switch name {
	case "approve":
		ac = managerOnly
	case "legal-approve":
		action, ac = "redaction.legal_approve", legalReview
	case "amend", "reject":
		ac = reviewer
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		cur, err := s.rel.GetSet(r.Context(), r.PathValue("rid"))
		if err != nil {
			return err
		}
		d, _, err := s.document(r, cur.DocumentID, ac, action)
		if err != nil {
			return err
		}
		var body struct {
			SHA256   string `json:"sha256"`
			Comments string `json:"comments"`
		}
		if r.ContentLength != 0 {
			if err := decodeJSON(r, &body); err != nil {
				return err
			}
		}
		ctx, a := r.Context(), actor(r)
		var st release.Set
		switch name {
		case "submit":
			if st, err = s.rel.Submit(ctx, a, cur.ID); err == nil {
				s.enqueueApply(r, st)
			}
		case "approve":
			if st, err = s.rel.Approve(ctx, a, cur.ID, body.SHA256); err == nil && st.State == release.Approved {
				s.enqueueLegalRoute(r, st.ID, st.ApprovedSHA256) // a Care Order case: Legal Services is told
			}
		case "legal-approve":
			st, err = s.rel.LegalApprove(ctx, a, cur.ID, body.SHA256)
		case "amend":
			st, err = s.rel.Amend(ctx, a, cur.ID, body.Comments)
		case "reject":
			st, err = s.rel.Reject(ctx, a, cur.ID, body.Comments)
		}
		if err != nil {
			return s.refused(r, err, action, d)
		}
		writeJSON(w, http.StatusOK, st)
		return nil
	}
}

// enqueueApply asks the worker to apply a submitted set; if the queue is
// down the reconciler picks the set up later.
func (s *Server) enqueueApply(r *http.Request, st release.Set) {
	t, id, err := worker.NewApplyTask(st.ID, *st.SubmittedAt)
	if err == nil {
		err = worker.Enqueue(r.Context(), s.q, t, id)
	}
	if err != nil {
		s.log.WarnContext(r.Context(), "enqueue apply", "request_id", RequestID(r.Context()), "redaction_set_id", st.ID, "err", err)
	}
}

// enqueueLegalRoute asks the worker to tell Legal Services that a set's
// version waits for them (legal:route); if the queue is down the
// reconciler does it later.
func (s *Server) enqueueLegalRoute(r *http.Request, setID, sha string) {
	if err := worker.EnqueueLegalRoute(r.Context(), s.q, setID, sha); err != nil {
		s.log.WarnContext(r.Context(), "enqueue legal route", "request_id", RequestID(r.Context()), "redaction_set_id", setID, "err", err)
	}
}

// enqueueLegalRoutes tells Legal Services of every set of a case that has
// just become a Care Order which was approved or applied without them: it
// now needs their approval before release (DESIGN.md rule 5).
func (s *Server) enqueueLegalRoutes(r *http.Request, c casefile.Case) {
	if !c.LegalStatus.IsCareOrder() {
		return
	}
	due, err := s.rel.LegalRoutesDue(r.Context(), c.ID, 1000)
	if err != nil {
		s.log.WarnContext(r.Context(), "list sets due to Legal Services", "request_id", RequestID(r.Context()), "case_id", c.ID, "err", err)
		return
	}
	for _, d := range due {
		s.enqueueLegalRoute(r, d.SetID, d.VersionSHA256)
	}
}

func (s *Server) listAdvice(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCaseOrLegal, "legal_advice.list")
	if err != nil {
		return err
	}
	as, err := s.rel.Advice(r.Context(), d.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"advice": nonNilList(as)})
	return nil
}

func (s *Server) askAdvice(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCase, "legal_advice.request")
	if err != nil {
		return err
	}
	var in struct {
		Question string `json:"question"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ad, err := s.rel.AskAdvice(r.Context(), actor(r), d.ID, in.Question)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ad)
	return nil
}

func (s *Server) answerAdvice(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "legal_advice.answer", user.Legal); err != nil {
		return err
	}
	ad, err := s.rel.GetAdvice(r.Context(), r.PathValue("aid"))
	if err != nil {
		return err
	}
	if _, _, err := s.document(r, ad.DocumentID, legalOnly, "legal_advice.answer"); err != nil {
		return err
	}
	var in struct {
		Answer string `json:"answer"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	ad, err = s.rel.AnswerAdvice(r.Context(), actor(r), ad.ID, in.Answer)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ad)
	return nil
}

// legalQueue lists what waits for Legal Services: redaction sets of Care
// Order cases approved by a manager, and open advice requests.
func (s *Server) legalQueue(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "legal.queue", user.Legal); err != nil {
		return err
	}
	q, err := s.rel.LegalQueue(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, q)
	return nil
}

func (s *Server) listReleases(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCase, "release.list")
	if err != nil {
		return err
	}
	rs, err := s.rel.Releases(r.Context(), d.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"releases": nonNilList(rs)})
	return nil
}

// createRelease releases a document when every gate holds: 201 with the
// release, or 409 naming every unmet gate.
func (s *Server) createRelease(w http.ResponseWriter, r *http.Request) error {
	d, c, err := s.document(r, r.PathValue("id"), onCase, "release.create")
	if err != nil {
		return err
	}
	var in release.ReleaseInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	in.IdempotencyKey = r.Header.Get("Idempotency-Key")
	if k := in.IdempotencyKey; len(k) > 200 || strings.IndexFunc(k, func(c rune) bool { return c < 0x21 || c > 0x7e }) >= 0 {
		return errUnprocessable("Idempotency-Key must be at most 200 printable ASCII characters")
	}
	rel, err := s.rel.Release(r.Context(), actor(r), d, c.Team, in)
	if errors.Is(err, release.ErrReplayed) {
		// A retry of a release already made: the same release, and a new
		// link for the recipient (the caller never saw the first answer).
		link, err := s.rel.NewLink(r.Context(), actor(r), rel)
		if err != nil {
			return err
		}
		rel.Download = &link
		w.Header().Set("Location", "/api/v1/releases/"+rel.ID)
		w.Header().Set("Idempotent-Replayed", "true")
		writeJSON(w, http.StatusOK, rel)
		return nil
	}
	var refused *release.RefusedError
	if errors.As(err, &refused) {
		p := newProblem(http.StatusConflict, "the document cannot be released yet: every unmet gate is listed in gates")
		p.Gates = refused.Gates
		return p
	}
	if err != nil {
		return err
	}
	s.enqueueDelivery(r, rel)
	w.Header().Set("Location", "/api/v1/releases/"+rel.ID)
	writeJSON(w, http.StatusCreated, rel)
	return nil
}

func (s *Server) recordDecision(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCase, "decision.record")
	if err != nil {
		return err
	}
	var in release.Decision
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	dec, err := s.rel.Decide(r.Context(), actor(r), d, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, dec)
	return nil
}

// tracks is the per-audience task list of a document: consent, redaction
// and release, with the gates still unmet.
func (s *Server) tracks(ctx context.Context, d document.Document) (map[release.Audience]any, error) {
	out := map[release.Audience]any{}
	if d.State != document.Ready {
		return out, nil
	}
	cs, err := s.rel.Consents(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	sets, err := s.rel.Sets(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	reqs, err := s.rel.Requests(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range release.Audiences {
		// The newest answer for the audience; without one, an open request
		// asking for it.
		consent := "not_requested"
		for _, c := range cs {
			if slices.Contains(c.Granted, a) || slices.Contains(c.Refused, a) {
				consent = string(c.State)
				break
			}
		}
		if consent == "not_requested" {
			for _, r := range reqs {
				if r.State == release.RequestRequested && slices.Contains(r.Audiences, a) {
					consent = "requested"
					break
				}
			}
		}
		redaction := "not_started"
		for _, st := range sets {
			if st.Audience == a {
				redaction = string(st.State)
				break
			}
		}
		gates, err := s.rel.Gates(ctx, d, a)
		if err != nil {
			return nil, err
		}
		out[a] = map[string]any{"consent": consent, "redaction": redaction, "unmet_gates": nonNilList(gates)}
	}
	return out, nil
}

func nonNilList[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

// documentJSON is a document with its task list.
func documentJSON(d document.Document, tracks map[release.Audience]any) (json.RawMessage, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	m["audiences"] = tracks
	return json.Marshal(m)
}
