package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/user"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// login starts a browser session (POST /api/v1/session).
func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u, err := s.users.CheckPassword(r.Context(), req.Username, req.Password)
	if errors.Is(err, user.ErrBadCredentials) {
		e := audit.Actor{ID: "anonymous", Role: "", RequestID: RequestID(r.Context())}.Entry("session.create", audit.Denied)
		if aerr := s.audit.Append(r.Context(), e); aerr != nil {
			return aerr
		}
		return err
	}
	if err != nil {
		return err
	}
	secret, exp, err := s.users.NewSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	e := audit.Actor{ID: u.ID, Role: string(u.Role), RequestID: RequestID(r.Context())}.Entry("session.create", audit.OK)
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", Expires: exp, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	writeJSON(w, http.StatusCreated, map[string]any{"user": u, "expires_at": exp})
	return nil
}

// logout ends the browser session (DELETE /api/v1/session).
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.users.EndSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1, HttpOnly: true,
		Secure: s.cfg.SecureCookies, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// me returns the signed-in user.
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, currentUser(r))
	return nil
}

type passwordChange struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// changePassword sets a new password given the current one.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req passwordChange
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u := currentUser(r)
	if _, err := s.users.CheckPassword(r.Context(), u.Username, req.Current); err != nil {
		return err
	}
	if err := s.users.SetPassword(r.Context(), u.ID, req.New); err != nil {
		return err
	}
	if err := s.audit.Append(r.Context(), actor(r).Entry("user.password", audit.OK)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
