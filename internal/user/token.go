package user

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/store"
)

// Prefixes make leaked secrets recognisable to secret scanners.
const (
	tokenPrefix   = "rgt_"
	sessionPrefix = "rgs_"
)

// SessionTTL is how long a browser session lasts without signing in again.
const SessionTTL = 12 * time.Hour

func newSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, digest(secret)
}

func digest(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// Token describes an API token (never its secret).
type Token struct {
	ID        string     `json:"id"`
	UserID    string     `json:"user_id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// NewToken issues an API token for a user and returns its secret, which is
// shown once and never stored. ttl 0 means no expiry.
func (s *Store) NewToken(ctx context.Context, userID, name string, ttl time.Duration) (Token, string, error) {
	if _, err := s.Get(ctx, userID); err != nil {
		return Token{}, "", err
	}
	secret, hash := newSecret(tokenPrefix)
	now := s.now().UTC()
	t := Token{ID: store.NewID(), UserID: userID, Name: strings.TrimSpace(name), CreatedAt: now}
	if t.Name == "" {
		t.Name = "api"
	}
	var exp any
	if ttl > 0 {
		e := now.Add(ttl)
		t.ExpiresAt, exp = &e, e
	}
	_, err := s.db.Exec(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.ID, userID, t.Name, hash, now, exp)
	if err != nil {
		return Token{}, "", fmt.Errorf("insert token: %w", err)
	}
	return t, secret, nil
}

// RevokeToken ends a token.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID string) error {
	res, err := s.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`, s.now().UTC(), tokenID, userID)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ByToken authenticates an API token.
func (s *Store) ByToken(ctx context.Context, secret string) (User, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 128 {
		return User{}, ErrBadCredentials
	}
	var userID string
	var exp sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT user_id, expires_at FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`, digest(secret)).Scan(&userID, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("read token: %w", err)
	}
	if exp.Valid && !s.now().Before(exp.Time) {
		return User{}, ErrBadCredentials
	}
	return s.active(ctx, userID)
}

// NewSession starts a browser session and returns its secret for the cookie.
func (s *Store) NewSession(ctx context.Context, userID string) (string, time.Time, error) {
	secret, hash := newSecret(sessionPrefix)
	now := s.now().UTC()
	exp := now.Add(SessionTTL)
	if _, err := s.db.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`, hash, userID, now, exp); err != nil {
		return "", time.Time{}, fmt.Errorf("insert session: %w", err)
	}
	// Expired sessions of this user are cleared while we are here.
	if _, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND expires_at < ?`, userID, now); err != nil {
		return "", time.Time{}, fmt.Errorf("clear sessions: %w", err)
	}
	return secret, exp, nil
}

// BySession authenticates a session cookie.
func (s *Store) BySession(ctx context.Context, secret string) (User, error) {
	if !strings.HasPrefix(secret, sessionPrefix) || len(secret) > 128 {
		return User{}, ErrBadCredentials
	}
	var userID string
	var exp time.Time
	err := s.db.QueryRow(ctx, `SELECT user_id, expires_at FROM sessions WHERE token_hash = ?`, digest(secret)).Scan(&userID, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("read session: %w", err)
	}
	if !s.now().Before(exp) {
		return User{}, ErrBadCredentials
	}
	return s.active(ctx, userID)
}

// EndSession signs a browser session out.
func (s *Store) EndSession(ctx context.Context, secret string) error {
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, digest(secret))
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

func (s *Store) active(ctx context.Context, id string) (User, error) {
	u, err := s.Get(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && u.Disabled) {
		return User{}, ErrBadCredentials
	}
	return u, err
}
