package document

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/store"
)

// State is where a document is in ingest (DESIGN.md section 3).
type State string

// States.
const (
	Received  State = "received"
	Ingesting State = "ingesting"
	Ready     State = "ready"
	Rejected  State = "rejected"
)

// HowReceived lists the ways a report reaches the team.
var HowReceived = []string{"secure_email", "email", "post", "by_hand", "portal", "fax", "other"}

// Receipt is the record made on upload: who wrote the document, when and
// how it came, and what its author allows to be done with it.
type Receipt struct {
	AuthorName   string `json:"author_name"`
	AuthorRole   string `json:"author_role"`
	AuthorOrg    string `json:"author_organisation"`
	ReceivedOn   string `json:"date_received"` // YYYY-MM-DD
	ReceivedHow  string `json:"how_received"`
	Restrictions string `json:"restrictions"`
	// Password opens an encrypted PDF. It is used once, at upload, to make
	// the decrypted working copy, and never stored or logged.
	Password string `json:"password,omitempty"`
}

// Validate checks the receipt and names every field to fix.
func (r *Receipt) Validate(now time.Time) error {
	var probs []string
	trim := func(s *string, name string, max int, required bool) {
		*s = strings.TrimSpace(*s)
		switch {
		case required && *s == "":
			probs = append(probs, name+" is required")
		case utf8.RuneCountInString(*s) > max:
			probs = append(probs, fmt.Sprintf("%s can have at most %d characters", name, max))
		case !utf8.ValidString(*s):
			probs = append(probs, name+" is not valid text")
		}
	}
	trim(&r.AuthorName, "author_name", 200, true)
	trim(&r.AuthorRole, "author_role", 200, true)
	trim(&r.AuthorOrg, "author_organisation", 200, true)
	trim(&r.ReceivedOn, "date_received", 10, true)
	trim(&r.ReceivedHow, "how_received", 40, true)
	trim(&r.Restrictions, "restrictions", 4000, false)
	if r.ReceivedOn != "" {
		d, err := time.Parse(time.DateOnly, r.ReceivedOn)
		switch {
		case err != nil:
			probs = append(probs, "date_received must be a date like 2026-11-23")
		case d.After(now.Add(24 * time.Hour)):
			probs = append(probs, "date_received cannot be in the future")
		}
	}
	if r.ReceivedHow != "" && !contains(HowReceived, r.ReceivedHow) {
		probs = append(probs, "how_received must be one of "+strings.Join(HowReceived, ", "))
	}
	if len(r.Password) > 1024 {
		probs = append(probs, "password can have at most 1024 bytes")
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Document is a third-party report and what ingest learnt about it.
type Document struct {
	ID           string     `json:"id"`
	CaseID       string     `json:"case_id"`
	State        State      `json:"state"`
	RejectReason string     `json:"reject_reason,omitempty"`
	Filename     string     `json:"filename"`
	MediaType    string     `json:"media_type"`
	OriginalKey  blob.Key   `json:"-"`
	OriginalSize int64      `json:"original_size"`
	WorkingKey   blob.Key   `json:"-"`
	Receipt      Receipt    `json:"receipt"`
	Pages        int        `json:"pages"`
	PDFVersion   string     `json:"pdf_version,omitempty"`
	Producer     string     `json:"producer,omitempty"`
	Encrypted    bool       `json:"encrypted"`
	FromImage    bool       `json:"from_image"`
	TextPages    []int      `json:"text_pages"`
	ImagePages   []int      `json:"image_pages"`
	Attempts     int        `json:"ingest_attempts"`
	UploadedBy   string     `json:"uploaded_by"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	IngestedAt   *time.Time `json:"ingested_at,omitempty"`
}

// SHA256 is the hex digest of the original as received.
func (d *Document) SHA256() string { return hexKey(d.OriginalKey) }

const docCols = `id, case_id, state, reject_reason, filename, media_type, original_key, original_size, working_key,
	author_name, author_role, author_org, received_on, received_how, restrictions,
	pages, pdf_version, producer, encrypted, from_image, text_pages, image_pages, attempts, uploaded_by, created_at, updated_at, ingested_at`

func scanDoc(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var state, orig, textPages, imagePages string
	var working sql.NullString
	var ingested sql.NullTime
	err := row.Scan(&d.ID, &d.CaseID, &state, &d.RejectReason, &d.Filename, &d.MediaType, &orig, &d.OriginalSize, &working,
		&d.Receipt.AuthorName, &d.Receipt.AuthorRole, &d.Receipt.AuthorOrg, &d.Receipt.ReceivedOn, &d.Receipt.ReceivedHow, &d.Receipt.Restrictions,
		&d.Pages, &d.PDFVersion, &d.Producer, &d.Encrypted, &d.FromImage, &textPages, &imagePages, &d.Attempts, &d.UploadedBy, &d.CreatedAt, &d.UpdatedAt, &ingested)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("scan document: %w", err)
	}
	d.State, d.OriginalKey = State(state), blob.Key(orig)
	if working.Valid {
		d.WorkingKey = blob.Key(working.String)
	}
	if ingested.Valid {
		t := ingested.Time.UTC()
		d.IngestedAt = &t
	}
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	if err := json.Unmarshal([]byte(textPages), &d.TextPages); err != nil {
		return d, fmt.Errorf("decode text_pages: %w", err)
	}
	if err := json.Unmarshal([]byte(imagePages), &d.ImagePages); err != nil {
		return d, fmt.Errorf("decode image_pages: %w", err)
	}
	return d, nil
}

// Get returns a document.
func (s *Service) Get(ctx context.Context, id string) (Document, error) {
	if !store.ValidID(id) {
		return Document{}, ErrNotFound
	}
	return scanDoc(s.db.QueryRow(ctx, `SELECT `+docCols+` FROM documents WHERE id = ?`, id))
}

// ListByCase returns a case's documents, newest first.
func (s *Service) ListByCase(ctx context.Context, caseID string) ([]Document, error) {
	rows, err := s.db.Query(ctx, `SELECT `+docCols+` FROM documents WHERE case_id = ? ORDER BY created_at DESC, id DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("list documents: %w", err)
	}
	defer rows.Close()
	out := []Document{}
	for rows.Next() {
		d, err := scanDoc(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Stuck returns documents still received or ingesting whose last change is
// older than age: work a flushed queue or a killed worker left behind.
func (s *Service) Stuck(ctx context.Context, age time.Duration, limit int) ([]string, error) {
	rows, err := s.db.Query(ctx, `SELECT id FROM documents WHERE state IN ('received', 'ingesting') AND updated_at < ? ORDER BY updated_at LIMIT ?`,
		s.now().UTC().Add(-age), limit)
	if err != nil {
		return nil, fmt.Errorf("list stuck documents: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("scan document id: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// CountByState returns how many documents are in each state (for metrics
// and tests).
func (s *Service) CountByState(ctx context.Context) (map[State]int, error) {
	rows, err := s.db.Query(ctx, `SELECT state, COUNT(*) FROM documents GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count documents: %w", err)
	}
	defer rows.Close()
	out := map[State]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("scan count: %w", err)
		}
		out[State(st)] = n
	}
	return out, rows.Err()
}
