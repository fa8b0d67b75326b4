// Package audit keeps the tamper-evident log of who did what: every view,
// download, upload, change and refusal is one row, and each row carries the
// SHA-256 of the row before it, so an edited or deleted row breaks the chain
// from that point on. Rows are appended inside the caller's transaction, so
// an action and its audit entry commit or fail together.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/store"
)

// Outcomes of an audited action.
const (
	OK     = "ok"     // the action happened
	Denied = "denied" // refused: not authenticated, not allowed, not allocated
	Failed = "failed" // attempted and failed (for example a rejected upload)
)

// genesis is the prev_hash of the first row.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one audited action. Detail holds non-sensitive facts only (ids,
// states, sizes, reasons); never document text, names from documents,
// passwords or tokens.
type Entry struct {
	Seq        int64             `json:"seq"`
	At         time.Time         `json:"at"`
	ActorID    string            `json:"actor_id"` // user id, or "system" for the worker
	ActorRole  string            `json:"actor_role"`
	Action     string            `json:"action"` // noun.verb: "document.upload", "document.view", "case.update"
	Outcome    string            `json:"outcome"`
	CaseID     string            `json:"case_id,omitempty"`
	DocumentID string            `json:"document_id,omitempty"`
	Detail     map[string]string `json:"detail,omitempty"`
	RequestID  string            `json:"request_id,omitempty"`
	PrevHash   string            `json:"prev_hash"`
	Hash       string            `json:"hash"`
}

// Log appends to and reads the audit chain.
type Log struct {
	db  *store.DB
	now func() time.Time
}

// New returns a Log on db.
func New(db *store.DB) *Log { return &Log{db: db, now: time.Now} }

// Append writes e in its own transaction.
func (l *Log) Append(ctx context.Context, e Entry) error {
	return l.db.Tx(ctx, func(tx *store.Tx) error { return l.AppendTx(ctx, tx, e) })
}

// AppendTx writes e inside tx, after the newest row. Appends are serialised
// by a table lock (PostgreSQL) or SQLite's single writer, so the chain has
// one order.
func (l *Log) AppendTx(ctx context.Context, tx *store.Tx, e Entry) error {
	if err := tx.LockTable(ctx, "audit_log"); err != nil {
		return err
	}
	var seq int64
	prev := genesis
	err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read audit head: %w", err)
	}
	e.Seq = seq + 1
	e.At = l.now().UTC().Truncate(time.Microsecond)
	e.PrevHash = prev
	if e.Outcome == "" {
		e.Outcome = OK
	}
	e.Hash = e.digest()
	detail, err := encodeDetail(e.Detail)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log
		(seq, at, actor_id, actor_role, action, outcome, case_id, document_id, detail, request_id, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At, e.ActorID, e.ActorRole, e.Action, e.Outcome, e.CaseID, e.DocumentID, detail, e.RequestID, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// digest is SHA-256 over the previous hash and every field of the row, each
// length-prefixed so no two rows can serialise alike.
func (e *Entry) digest() string {
	h := sha256.New()
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	field(e.PrevHash)
	field(strconv.FormatInt(e.Seq, 10))
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(e.ActorID)
	field(e.ActorRole)
	field(e.Action)
	field(e.Outcome)
	field(e.CaseID)
	field(e.DocumentID)
	d, _ := encodeDetail(e.Detail)
	field(d)
	field(e.RequestID)
	return hex.EncodeToString(h.Sum(nil))
}

// encodeDetail is deterministic: encoding/json sorts map keys.
func encodeDetail(d map[string]string) (string, error) {
	if len(d) == 0 {
		return "", nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encode audit detail: %w", err)
	}
	return string(b), nil
}

// Filter selects audit rows.
type Filter struct {
	DocumentID string
	CaseID     string
	ActorID    string
	Action     string
	AfterSeq   int64
	Limit      int
}

// List returns rows matching f in chain order.
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.DocumentID != "" {
		add("document_id = ?", f.DocumentID)
	}
	if f.CaseID != "" {
		add("case_id = ?", f.CaseID)
	}
	if f.ActorID != "" {
		add("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.AfterSeq > 0 {
		add("seq > ?", f.AfterSeq)
	}
	q := `SELECT seq, at, actor_id, actor_role, action, outcome, case_id, document_id, detail, request_id, prev_hash, hash FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq"
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := l.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scan(rows *sql.Rows) (Entry, error) {
	var e Entry
	var detail string
	if err := rows.Scan(&e.Seq, &e.At, &e.ActorID, &e.ActorRole, &e.Action, &e.Outcome, &e.CaseID, &e.DocumentID, &detail, &e.RequestID, &e.PrevHash, &e.Hash); err != nil {
		return e, fmt.Errorf("scan audit: %w", err)
	}
	e.At = e.At.UTC()
	if detail != "" {
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			// A row whose detail no longer parses has been tampered with;
			// keep the raw text so Verify reports the broken hash.
			e.Detail = map[string]string{"unparseable": detail}
		}
	}
	return e, nil
}

// Break describes the first row where the chain does not hold.
type Break struct {
	Seq    int64
	Reason string
}

// Error makes a Break usable as an error.
func (b *Break) Error() string {
	return fmt.Sprintf("audit chain broken at row %d: %s", b.Seq, b.Reason)
}

// Verify walks the whole chain in order and returns the number of rows
// checked and the first break, or nil when every row's hash is right and
// links to the row before it.
func (l *Log) Verify(ctx context.Context) (int64, *Break, error) {
	rows, err := l.db.Query(ctx, `SELECT seq, at, actor_id, actor_role, action, outcome, case_id, document_id, detail, request_id, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, nil, fmt.Errorf("read audit: %w", err)
	}
	defer rows.Close()
	prev, want := genesis, int64(1)
	var n int64
	for rows.Next() {
		var e Entry
		var detail string
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorID, &e.ActorRole, &e.Action, &e.Outcome, &e.CaseID, &e.DocumentID, &detail, &e.RequestID, &e.PrevHash, &e.Hash); err != nil {
			return n, nil, fmt.Errorf("scan audit: %w", err)
		}
		n++
		switch {
		case e.Seq != want:
			return n, &Break{Seq: want, Reason: fmt.Sprintf("row %d is missing (next row is %d)", want, e.Seq)}, nil
		case e.PrevHash != prev:
			return n, &Break{Seq: e.Seq, Reason: "does not link to the row before it"}, nil
		}
		if detail != "" {
			if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
				return n, &Break{Seq: e.Seq, Reason: "detail is not valid JSON"}, nil
			}
			if d, _ := encodeDetail(e.Detail); d != detail {
				return n, &Break{Seq: e.Seq, Reason: "detail has been rewritten"}, nil
			}
		}
		if e.digest() != e.Hash {
			return n, &Break{Seq: e.Seq, Reason: "contents do not match its hash"}, nil
		}
		prev = e.Hash
		want++
	}
	return n, nil, rows.Err()
}

// Actor is who an audited action is done by, and the request it came in.
type Actor struct {
	ID        string
	Role      string
	RequestID string
}

// Entry starts an entry for an action by a.
func (a Actor) Entry(action, outcome string) Entry {
	return Entry{ActorID: a.ID, ActorRole: a.Role, RequestID: a.RequestID, Action: action, Outcome: outcome}
}
