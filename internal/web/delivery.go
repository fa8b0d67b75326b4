package web

import (
	"encoding/csv"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/internal/user"
	"github.com/releasegate/releasegate/worker"
)

// deliveryRoutes are a release's life after it is made: its delivery to
// the recipient, the recipient's download link, the letter to the family,
// the entry for the case record, and release status for managers.
func (s *Server) deliveryRoutes(mux *http.ServeMux, api func(string, handlerFunc)) {
	api("GET /api/v1/releases", s.releaseStatus)
	api("GET /api/v1/releases/summary", s.releaseSummary)
	api("GET /api/v1/releases/{rid}", s.getRelease)
	api("GET /api/v1/releases/{rid}/file", s.getReleaseFile)
	api("GET /api/v1/releases/{rid}/family-letter", s.getFamilyLetter)
	api("GET /api/v1/releases/{rid}/case-record", s.getCaseRecordEntry)
	api("POST /api/v1/releases/{rid}/link", s.newReleaseLink)
	api("GET /api/v1/cases/{case}/case-record", s.getCaseRecord)
	// The recipient has no account: the link's token is the credential.
	mux.Handle("GET /download/v1/{token}", s.limited(s.public(s.download)))
}

// enqueueDelivery asks the worker to deliver a new release; if the queue
// is down the reconciler does it later.
func (s *Server) enqueueDelivery(r *http.Request, rel release.Release) {
	if err := worker.EnqueueRelease(r.Context(), s.q, rel); err != nil {
		s.log.WarnContext(r.Context(), "enqueue delivery", "request_id", RequestID(r.Context()), "release_id", rel.ID, "err", err)
	}
}

// release loads a release and checks the caller may act on its document.
func (s *Server) release(r *http.Request, action string) (release.Release, error) {
	rel, err := s.rel.GetRelease(r.Context(), r.PathValue("rid"))
	if err != nil {
		return rel, err
	}
	if _, _, err := s.document(r, rel.DocumentID, onCase, action); err != nil {
		return rel, err
	}
	return rel, nil
}

func (s *Server) getRelease(w http.ResponseWriter, r *http.Request) error {
	rel, err := s.release(r, "release.view")
	if err != nil {
		return err
	}
	if err := s.auditRelease(r, rel, "release.view"); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rel)
	return nil
}

// auditRelease appends an OK row for an action on a release.
func (s *Server) auditRelease(r *http.Request, rel release.Release, action string) error {
	e := actor(r).Entry(action, audit.OK)
	e.CaseID, e.DocumentID = rel.CaseID, rel.DocumentID
	e.Detail = map[string]string{"release_id": rel.ID, "reference": rel.Reference}
	return s.audit.Append(r.Context(), e)
}

func streamPDF(w http.ResponseWriter, rc io.Reader, size int64, filename string) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, rc)
}

// getReleaseFile streams the stamped file, as the recipient gets it.
func (s *Server) getReleaseFile(w http.ResponseWriter, r *http.Request) error {
	rel, err := s.release(r, "release.file")
	if err != nil {
		return err
	}
	rc, size, err := s.rel.OpenStamped(r.Context(), rel)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := s.auditRelease(r, rel, "release.file"); err != nil {
		return err
	}
	streamPDF(w, rc, size, rel.Reference+".pdf")
	return nil
}

func (s *Server) getFamilyLetter(w http.ResponseWriter, r *http.Request) error {
	rel, err := s.release(r, "release.family_letter")
	if err != nil {
		return err
	}
	rc, size, err := s.rel.OpenFamilyLetter(r.Context(), rel)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := s.auditRelease(r, rel, "release.family_letter"); err != nil {
		return err
	}
	streamPDF(w, rc, size, rel.Reference+"-family-letter.pdf")
	return nil
}

// newReleaseLink gives the recipient a new link; the old one stops working.
func (s *Server) newReleaseLink(w http.ResponseWriter, r *http.Request) error {
	rel, err := s.release(r, "release.link")
	if err != nil {
		return err
	}
	link, err := s.rel.NewLink(r.Context(), actor(r), rel)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"download": link})
	return nil
}

// userName is a user's display name for a case record; an unknown id is
// shown as is.
func (s *Server) userName(r *http.Request, id string) string {
	u, err := s.users.Get(r.Context(), id)
	if err != nil {
		return id
	}
	return u.DisplayName
}

func (s *Server) caseRecordEntry(r *http.Request, rel release.Release) (map[string]any, error) {
	d, err := s.docs.Get(r.Context(), rel.DocumentID)
	if err != nil {
		return nil, err
	}
	title := d.Filename
	if d.Receipt.AuthorOrg != "" {
		title = "the report from " + d.Receipt.AuthorOrg + " (" + d.Filename + ")"
	}
	by := s.userName(r, rel.ReleasedBy)
	return map[string]any{
		"release_id": rel.ID, "reference": rel.Reference, "document_id": rel.DocumentID, "released_at": rel.ReleasedAt,
		"audience": rel.Audience, "recipient": rel.Recipient, "purpose": rel.Purpose, "method": rel.Method,
		"lawful_basis": rel.LawfulBasis, "family_informed": rel.FamilyInformed, "exemption": rel.Exemption,
		"released_by": by, "version_sha256": rel.VersionSHA256,
		"text": release.CaseRecord(rel, title, by),
	}, nil
}

// getCaseRecordEntry is one release as plain text to paste into the case
// management system.
func (s *Server) getCaseRecordEntry(w http.ResponseWriter, r *http.Request) error {
	rel, err := s.release(r, "release.case_record")
	if err != nil {
		return err
	}
	e, err := s.caseRecordEntry(r, rel)
	if err != nil {
		return err
	}
	if err := s.auditRelease(r, rel, "release.case_record"); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, e["text"].(string))
	return nil
}

// getCaseRecord is the JSON feed of a case's releases, for the case
// management system.
func (s *Server) getCaseRecord(w http.ResponseWriter, r *http.Request) error {
	c, err := s.authorize(r, r.PathValue("case"), "", workCase, "release.case_record")
	if err != nil {
		return err
	}
	rs, err := s.rel.ListReleases(r.Context(), release.Filter{CaseIDs: []string{c.ID}})
	if err != nil {
		return err
	}
	ae := actor(r).Entry("release.case_record", audit.OK)
	ae.CaseID = c.ID
	ae.Detail = map[string]string{"releases": strconv.Itoa(len(rs))}
	if err := s.audit.Append(r.Context(), ae); err != nil {
		return err
	}
	entries := []map[string]any{}
	for _, rel := range rs {
		e, err := s.caseRecordEntry(r, rel)
		if err != nil {
			return err
		}
		entries = append(entries, e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"case_id": c.ID, "child_ref": c.ChildRef, "entries": entries})
	return nil
}

// releaseStatus lists releases: a manager sees their team's, a social
// worker those on cases they are allocated to, an administrator every
// team's. ?team=, ?status= (pending, delivered, failed), ?from= and ?to=
// (dates) narrow it; ?format=csv gives a spreadsheet.
func (s *Server) releaseStatus(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "release.status", user.SocialWorker, user.Manager, user.Admin); err != nil {
		return err
	}
	u := currentUser(r)
	q := r.URL.Query()
	f := release.Filter{Team: q.Get("team"), Status: q.Get("status")}
	for _, p := range []struct {
		name string
		dst  *time.Time
		add  int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				return errUnprocessable(p.name + " must be a date like 2026-11-23")
			}
			*p.dst = t.AddDate(0, 0, p.add)
		}
	}
	switch u.Role {
	case user.Admin:
		f.All = true
	case user.Manager:
		if f.Team != "" && f.Team != u.Team {
			if err := s.denied(r, "release.status", "", ""); err != nil {
				return err
			}
			return errForbidden("a manager sees their own team's releases (" + u.Team + ")")
		}
		f.All, f.Team = true, u.Team
	default:
		cs, err := s.cases.ListFor(r.Context(), *u)
		if err != nil {
			return err
		}
		for _, c := range cs {
			f.CaseIDs = append(f.CaseIDs, c.ID)
		}
	}
	rs, err := s.rel.ListReleases(r.Context(), f)
	if err != nil {
		return err
	}
	if q.Get("format") == "csv" {
		return writeReleasesCSV(w, rs)
	}
	writeJSON(w, http.StatusOK, map[string]any{"releases": nonNilList(rs)})
	return nil
}

func writeReleasesCSV(w http.ResponseWriter, rs []release.Release) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "releases.csv"}))
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"reference", "released_at", "team", "case_id", "document_id", "audience", "recipient_name", "recipient_role",
		"recipient_organisation", "purpose", "method", "article6", "family_informed", "exemption", "delivery", "downloads"})
	for _, r := range rs {
		_ = cw.Write(csvSafe([]string{r.Reference, r.ReleasedAt.Format(time.RFC3339), r.Team, r.CaseID, r.DocumentID, string(r.Audience),
			r.Recipient.Name, r.Recipient.Role, r.Recipient.Organisation, r.Purpose, r.Method, r.LawfulBasis.Article6,
			strconv.FormatBool(r.FamilyInformed), r.Exemption, r.Delivery.State, strconv.Itoa(r.Delivery.Downloads)}))
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe stops a spreadsheet reading a field as a formula (a recipient
// named "=HYPERLINK(…)").
func csvSafe(fields []string) []string {
	for i, f := range fields {
		if f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
			fields[i] = "'" + f
		}
	}
	return fields
}

// releaseSummary counts a team's documents by stage: a manager's own
// team, or any team (?team=) for an administrator.
func (s *Server) releaseSummary(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "release.summary", user.Manager, user.Admin); err != nil {
		return err
	}
	u := currentUser(r)
	team := r.URL.Query().Get("team")
	switch {
	case u.Role == user.Manager && team == "":
		team = u.Team
	case u.Role == user.Manager && team != u.Team:
		if err := s.denied(r, "release.summary", "", ""); err != nil {
			return err
		}
		return errForbidden("a manager sees their own team's summary (" + u.Team + ")")
	case team == "":
		return errUnprocessable("say which team (?team=)")
	}
	sum, err := s.rel.TeamSummary(r.Context(), team)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

// download is the recipient's link: the stamped file, every use audited.
func (s *Server) download(w http.ResponseWriter, r *http.Request) error {
	rc, size, rel, err := s.rel.Download(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	defer rc.Close()
	streamPDF(w, rc, size, rel.Reference+".pdf")
	return nil
}
