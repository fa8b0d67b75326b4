package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/user"
	"github.com/releasegate/releasegate/worker"
)

// listDocuments returns a case's documents: every one to its allocated
// social worker and manager; to Legal Services those routed to them (all
// of a Care Order case's, otherwise those with an advice request or an
// override), on a case with at least one.
func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) error {
	var ds []document.Document
	if currentUser(r).Role == user.Legal {
		c, err := s.authorize(r, r.PathValue("case"), "", seeCase, "document.list")
		if err != nil {
			return err
		}
		if ds, err = s.legalDocuments(r.Context(), c); err != nil {
			return err
		}
	} else {
		c, err := s.authorize(r, r.PathValue("case"), "", workCase, "document.list")
		if err != nil {
			return err
		}
		if ds, err = s.docs.ListByCase(r.Context(), c.ID); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"documents": ds})
	return nil
}

// uploadDocument receives a report (multipart: a "metadata" part with the
// receipt as JSON and a "file" part), stores the original, records the
// document and enqueues its ingest. The file is streamed to disk, never
// held in memory; its type is recognised from its content.
func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request) error {
	c, err := s.authorize(r, r.PathValue("case"), "", workCase, "document.upload")
	if err != nil {
		return err
	}
	tooLarge := newProblem(http.StatusRequestEntityTooLarge,
		fmt.Sprintf("the file is larger than the %d MB allowed: ask the author for a smaller copy (for example without embedded scans at full resolution) or in parts", s.cfg.MaxUploadBytes>>20))
	if r.ContentLength > s.cfg.MaxUploadBytes+(1<<20) {
		return tooLarge
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return errBadRequest(`send the document as multipart/form-data with a "metadata" part (JSON) and a "file" part`)
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes+(1<<20))
	mr, err := r.MultipartReader()
	if err != nil {
		return errBadRequest("the upload is not valid multipart/form-data: " + err.Error())
	}
	var receipt *document.Receipt
	var file *blob.Spooled
	var filename string
	defer func() {
		if file != nil {
			file.Remove()
		}
	}()
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return tooLarge
			}
			return errBadRequest("the upload is not valid multipart/form-data: " + err.Error())
		}
		switch part.FormName() {
		case "metadata":
			var rc document.Receipt
			dec := jsonDecoder(io.LimitReader(part, 64<<10))
			if err := dec.Decode(&rc); err != nil {
				return errBadRequest("the metadata part is not the JSON expected: " + err.Error())
			}
			receipt = &rc
		case "file":
			if file != nil {
				return errBadRequest("send one file per upload")
			}
			filename = part.FileName()
			file, err = blob.Spool(r.Context(), s.cfg.Scratch, part, s.cfg.MaxUploadBytes)
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.Is(err, blob.ErrTooLarge) || errors.As(err, &mbe) {
					return tooLarge
				}
				return fmt.Errorf("spool upload: %w", err)
			}
		}
		part.Close()
	}
	switch {
	case receipt == nil:
		return errBadRequest(`the "metadata" part is missing: send the author's name, role and organisation, the date received and how it was received`)
	case file == nil:
		return errBadRequest(`the "file" part is missing`)
	case file.Size == 0:
		return errUnprocessable("the file is empty: ask the author to send it again")
	}
	kind := ingest.Sniff(file.Head)
	if kind == ingest.KindUnknown {
		p := newProblem(http.StatusUnsupportedMediaType, "this file is not a PDF or a scanned image (JPEG, PNG or TIFF): ask the author for a PDF")
		for _, k := range ingest.AcceptedKinds() {
			p.Accepted = append(p.Accepted, string(k))
		}
		e := actor(r).Entry("document.upload", audit.Failed)
		e.CaseID = c.ID
		e.Detail = map[string]string{"reason": "unsupported type", "size": strconv.FormatInt(file.Size, 10)}
		if err := s.audit.Append(r.Context(), e); err != nil {
			return err
		}
		return p
	}
	d, err := s.docs.Create(r.Context(), actor(r), c.ID, *receipt, document.Upload{Filename: filename, Kind: kind, File: file})
	if err != nil {
		return err
	}
	if d.State == document.Received {
		t, err := worker.NewIngestTask(d.ID)
		if err == nil {
			err = worker.Enqueue(r.Context(), s.q, t, worker.IngestTaskID(d.ID))
		}
		if err != nil {
			// The document is recorded; the reconciler enqueues it later.
			s.log.WarnContext(r.Context(), "enqueue ingest", "request_id", RequestID(r.Context()), "document_id", d.ID, "err", err)
		}
	}
	w.Header().Set("Location", "/api/v1/documents/"+d.ID)
	writeJSON(w, http.StatusAccepted, d)
	return nil
}

// getDocument returns a document's record and state, to the people on its
// case and to Legal Services once it is routed to them.
func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCaseOrLegal, "document.view")
	if err != nil {
		return err
	}
	e := actor(r).Entry("document.view", audit.OK)
	e.CaseID, e.DocumentID = d.CaseID, d.ID
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	tracks, err := s.tracks(r.Context(), d)
	if err != nil {
		return err
	}
	body, err := documentJSON(d, tracks)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// getDocumentFile streams a stored version (?version=original|working), to
// the same people as getDocument: Legal Services reviews a redaction
// against the original.
func (s *Server) getDocumentFile(w http.ResponseWriter, r *http.Request) error {
	d, _, err := s.document(r, r.PathValue("id"), onCaseOrLegal, "document.download")
	if err != nil {
		return err
	}
	rc, size, mediaType, err := s.docs.Open(r.Context(), actor(r), d, document.Version(r.URL.Query().Get("version")))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename}))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		s.log.WarnContext(r.Context(), "stream document", "request_id", RequestID(r.Context()), "document_id", d.ID, "err", err)
	}
	return nil
}
