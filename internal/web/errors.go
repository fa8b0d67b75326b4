package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/releasegate/releasegate/internal/casefile"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/release"
	"github.com/releasegate/releasegate/internal/user"
)

// handlerFunc is an HTTP handler that returns its error for the mapper.
type handlerFunc func(http.ResponseWriter, *http.Request) error

// problem is an RFC 9457 problem detail, and an error handlers return when
// they know exactly what the user should be told.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// Accepted lists media types, on 415.
	Accepted []string `json:"accepted,omitempty"`
	// Gates lists the unmet gates of a refused release, on 409.
	Gates []release.Gate `json:"gates,omitempty"`
	cause error
}

func (p *problem) Error() string {
	if p.cause != nil {
		return p.Detail + ": " + p.cause.Error()
	}
	return p.Detail
}

func (p *problem) Unwrap() error { return p.cause }

func newProblem(status int, detail string) *problem {
	return &problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

func errBadRequest(detail string) error    { return newProblem(http.StatusBadRequest, detail) }
func errNotFound(detail string) error      { return newProblem(http.StatusNotFound, detail) }
func errForbidden(detail string) error     { return newProblem(http.StatusForbidden, detail) }
func errUnprocessable(detail string) error { return newProblem(http.StatusUnprocessableEntity, detail) }

// errUnauthenticated is returned before any handler runs.
var errUnauthenticated = &problem{Type: "about:blank", Title: "Unauthorized", Status: http.StatusUnauthorized,
	Detail: "sign in first: send a session cookie or an Authorization: Bearer API token"}

// toProblem maps an error to what the user is told. Errors not known here
// are internal: the user gets a generic sentence and the log gets the cause.
func toProblem(err error) (*problem, bool) {
	var p *problem
	if errors.As(err, &p) {
		return p, false
	}
	status, detail := http.StatusInternalServerError, "something went wrong on our side; it has been logged: try again, and if it keeps happening tell your administrator"
	internal := true
	switch {
	case errors.Is(err, release.ErrInvalid):
		status, detail, internal = http.StatusUnprocessableEntity, err.Error(), false
	case errors.Is(err, release.ErrNotFound):
		status, detail, internal = http.StatusNotFound, err.Error(), false
	case errors.Is(err, release.ErrConflict):
		status, detail, internal = http.StatusConflict, err.Error(), false
	case errors.Is(err, release.ErrForbidden):
		status, detail, internal = http.StatusForbidden, err.Error(), false
	case errors.Is(err, release.ErrLinkExpired):
		status, detail, internal = http.StatusGone, err.Error(), false
	case errors.Is(err, release.ErrNotReady):
		status, detail, internal = http.StatusServiceUnavailable, err.Error(), false
	case errors.Is(err, release.ErrUnavailable):
		status, detail, internal = http.StatusServiceUnavailable, "storage is unavailable for a moment: try again", true
	case errors.Is(err, document.ErrUnavailable):
		status, detail, internal = http.StatusServiceUnavailable, "document storage is unavailable just now and nothing was saved: try again in a few minutes", true
	case errors.Is(err, document.ErrInvalid), errors.Is(err, casefile.ErrInvalid), errors.Is(err, user.ErrInvalid):
		status, detail, internal = http.StatusUnprocessableEntity, err.Error(), false
	case errors.Is(err, document.ErrNotFound):
		status, detail, internal = http.StatusNotFound, "there is no such document", false
	case errors.Is(err, casefile.ErrNotFound):
		status, detail, internal = http.StatusNotFound, "there is no such case", false
	case errors.Is(err, user.ErrNotFound):
		status, detail, internal = http.StatusNotFound, "there is no such user", false
	case errors.Is(err, casefile.ErrConflict), errors.Is(err, user.ErrConflict):
		status, detail, internal = http.StatusConflict, err.Error(), false
	case errors.Is(err, user.ErrBadCredentials):
		status, detail, internal = http.StatusUnauthorized, user.ErrBadCredentials.Error(), false
	}
	p = newProblem(status, detail)
	p.cause = err
	return p, internal
}

func writeProblem(w http.ResponseWriter, r *http.Request, p *problem) {
	if p.Instance == "" {
		p.Instance = r.URL.Path
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="releasegate"`)
	}
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// decodeJSON reads a small JSON body strictly (unknown fields are an error,
// so a typo is not silently ignored).
func decodeJSON(r *http.Request, v any) error {
	dec := jsonDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		return errBadRequest("the request body is not the JSON expected: " + err.Error())
	}
	return nil
}

func jsonDecoder(r io.Reader) *json.Decoder {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	return dec
}
