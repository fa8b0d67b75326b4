package web

import (
	"net/http"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/user"
)

// listUsers lists accounts (administrators only).
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "user.list", user.Admin); err != nil {
		return err
	}
	us, err := s.users.List(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": us})
	return nil
}

type newUserRequest struct {
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Role        user.Role `json:"role"`
	Team        string    `json:"team"`
}

// createUser adds an account with a one-time password, shown once in the
// response (administrators only).
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireRole(r, "user.create", user.Admin); err != nil {
		return err
	}
	var req newUserRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u, pw, err := s.users.Create(r.Context(), user.NewUser{Username: req.Username, DisplayName: req.DisplayName, Role: req.Role, Team: req.Team})
	if err != nil {
		return err
	}
	e := actor(r).Entry("user.create", audit.OK)
	e.Detail = map[string]string{"user_id": u.ID, "role": string(u.Role)}
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": u, "one_time_password": pw})
	return nil
}

type newTokenRequest struct {
	Name      string `json:"name"`
	ExpiresIn string `json:"expires_in"` // Go duration, e.g. "720h"; empty: no expiry
}

// createToken issues an API token for yourself, or for anyone if you are an
// administrator. The secret is in the response and nowhere else.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	target := r.PathValue("user")
	u := currentUser(r)
	if target != u.ID {
		if err := s.requireRole(r, "token.create", user.Admin); err != nil {
			return err
		}
	}
	var req newTokenRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	var ttl time.Duration
	if req.ExpiresIn != "" {
		d, err := time.ParseDuration(req.ExpiresIn)
		if err != nil || d <= 0 {
			return errUnprocessable("expires_in must be a duration such as 720h")
		}
		ttl = d
	}
	t, secret, err := s.users.NewToken(r.Context(), target, req.Name, ttl)
	if err != nil {
		return err
	}
	e := actor(r).Entry("token.create", audit.OK)
	e.Detail = map[string]string{"user_id": target, "token_id": t.ID}
	if err := s.audit.Append(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": secret})
	return nil
}
