// Package user holds local accounts, their roles, password hashes, API
// tokens and browser sessions, and authenticates requests.
//
// Secrets are never stored: passwords as argon2id hashes, tokens and
// session ids as SHA-256 digests of 256 random bits.
package user

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/store"
)

// Role is what a user does in the service (DESIGN.md section 1).
type Role string

// The roles.
const (
	SocialWorker Role = "social_worker"
	Manager      Role = "manager"
	Legal        Role = "legal"
	Admin        Role = "admin"
)

// Roles lists every role, for validation and messages.
var Roles = []Role{SocialWorker, Manager, Legal, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// User is an account.
type User struct {
	ID                 string    `json:"id"`
	Username           string    `json:"username"`
	DisplayName        string    `json:"display_name"`
	Role               Role      `json:"role"`
	Team               string    `json:"team"`
	MustChangePassword bool      `json:"must_change_password"`
	Disabled           bool      `json:"disabled"`
	CreatedAt          time.Time `json:"created_at"`
}

// System is the actor the worker and the reconciler act as in the audit log.
var System = User{ID: "system", Username: "system", DisplayName: "releasegate", Role: "system"}

// Store reads and writes users, tokens and sessions.
type Store struct {
	db  *store.DB
	now func() time.Time
}

// NewStore returns a Store on db.
func NewStore(db *store.DB) *Store { return &Store{db: db, now: time.Now} }

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// NewUser describes an account to create.
type NewUser struct {
	Username    string
	DisplayName string
	Role        Role
	Team        string
	Password    string // empty: generate a one-time password
}

// Create adds a user and returns it with the password that was set (the
// generated one when none was given; the caller shows it once).
func (s *Store) Create(ctx context.Context, n NewUser) (User, string, error) {
	n.Username = strings.ToLower(strings.TrimSpace(n.Username))
	if !usernameRE.MatchString(n.Username) {
		return User{}, "", fmt.Errorf("%w: username must be 2–64 characters of a–z, 0–9, '.', '_' or '-'", ErrInvalid)
	}
	if !n.Role.Valid() {
		return User{}, "", fmt.Errorf("%w: role must be one of %s", ErrInvalid, roleList())
	}
	if strings.TrimSpace(n.DisplayName) == "" {
		n.DisplayName = n.Username
	}
	mustChange := false
	if n.Password == "" {
		n.Password = NewPassword()
		mustChange = true
	} else if err := CheckPasswordStrength(n.Password); err != nil {
		return User{}, "", err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return User{}, "", err
	}
	now := s.now().UTC()
	u := User{ID: store.NewID(), Username: n.Username, DisplayName: strings.TrimSpace(n.DisplayName), Role: n.Role,
		Team: strings.TrimSpace(n.Team), MustChangePassword: mustChange, CreatedAt: now}
	_, err = s.db.Exec(ctx, `INSERT INTO users (id, username, display_name, role, team, password_hash, must_change_password, disabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?)`, u.ID, u.Username, u.DisplayName, string(u.Role), u.Team, hash, mustChange, now, now)
	if store.IsUniqueViolation(err) {
		return User{}, "", fmt.Errorf("%w: username %q is taken", ErrConflict, n.Username)
	}
	if err != nil {
		return User{}, "", fmt.Errorf("insert user: %w", err)
	}
	return u, n.Password, nil
}

func roleList() string {
	var s []string
	for _, r := range Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

const userCols = `id, username, display_name, role, team, must_change_password, disabled, created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var role string
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &role, &u.Team, &u.MustChangePassword, &u.Disabled, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("scan user: %w", err)
	}
	u.Role = Role(role)
	u.CreatedAt = u.CreatedAt.UTC()
	return u, nil
}

// Get returns the user with id.
func (s *Store) Get(ctx context.Context, id string) (User, error) {
	return scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// ByUsername returns the user called name.
func (s *Store) ByUsername(ctx context.Context, name string) (User, error) {
	return scanUser(s.db.QueryRow(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, strings.ToLower(strings.TrimSpace(name))))
}

// List returns every user by username.
func (s *Store) List(ctx context.Context) ([]User, error) {
	rows, err := s.db.Query(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Count returns how many users exist (zero on a fresh install).
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// Bootstrap creates the first administrator when there are no users at all
// and returns its one-time password; created is false when users exist.
func (s *Store) Bootstrap(ctx context.Context) (u User, password string, created bool, err error) {
	n, err := s.Count(ctx)
	if err != nil || n > 0 {
		return User{}, "", false, err
	}
	u, password, err = s.Create(ctx, NewUser{Username: "admin", DisplayName: "Administrator", Role: Admin})
	if errors.Is(err, ErrConflict) { // another process won the race
		return User{}, "", false, nil
	}
	return u, password, err == nil, err
}

// SetPassword replaces a user's password and ends their sessions.
func (s *Store) SetPassword(ctx context.Context, id, password string) error {
	if err := CheckPasswordStrength(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, must_change_password = FALSE, updated_at = ? WHERE id = ?`, hash, s.now().UTC(), id)
		if err != nil {
			return fmt.Errorf("update password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		return nil
	})
}

// CheckPassword verifies a username and password and returns the user.
// Unknown users take as long as wrong passwords.
func (s *Store) CheckPassword(ctx context.Context, username, password string) (User, error) {
	var id, hash string
	var disabled bool
	err := s.db.QueryRow(ctx, `SELECT id, password_hash, disabled FROM users WHERE username = ?`,
		strings.ToLower(strings.TrimSpace(username))).Scan(&id, &hash, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		_ = VerifyPassword(dummyHash(), password)
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, fmt.Errorf("read user: %w", err)
	}
	if VerifyPassword(hash, password) != nil || disabled {
		return User{}, ErrBadCredentials
	}
	return s.Get(ctx, id)
}
