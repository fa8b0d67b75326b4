package release

// Asking the author (DESIGN.md §2 rule 1): a social worker asks the author
// of a document for written consent; the worker sends the letter (by SMTP,
// or into the outbox for a person to send), chases an unanswered request
// after a number of working days, and tells the case's manager after the
// last reminder. The author answers without an account, through a
// single-use link, having seen each audience's version as it would be
// released; the answer is recorded as a consent whose evidence holds the
// answer and the SHA-256 of every version the author was shown.
//
// Every letter is a consent_messages row, unique per request, kind and
// number, so running a task twice sends once. The outbox (notice.go)
// sends it: claimed ("sending") before it goes to the server and marked
// sent after, so a worker killed in between leaves the message "unknown"
// in the outbox for a person to check, rather than sending it twice.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/letter"
	rgmail "github.com/releasegate/releasegate/internal/mail"
	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/user"
)

// ErrLinkUsed means an author's link was used to answer already, or its
// request was cancelled: it will not work again (410).
var ErrLinkUsed = errors.New("link no longer works")

// RequestState is where a consent request stands.
type RequestState string

// Request states. A request is expired when its links pass their expiry
// unanswered.
const (
	RequestRequested RequestState = "requested"
	RequestAnswered  RequestState = "answered"
	RequestExpired   RequestState = "expired"
	RequestCancelled RequestState = "cancelled"
)

// RequestConfig is how the service's letters go out: consent requests,
// sent and chased, and the notices of notice.go. Zero fields take the
// defaults.
type RequestConfig struct {
	// Mail sends emails; nil keeps every letter in the outbox for a
	// person to send.
	Mail rgmail.Sender
	// LegalEmail is where notices to Legal Services (legal:route) are
	// emailed; without it, or without Mail, they wait in the outbox.
	LegalEmail string
	// BaseURL starts the author's link ("https://releasegate.example.gov.uk");
	// default http://127.0.0.1:8080.
	BaseURL string
	// ReplyTo is where authors write back when a request names no address.
	ReplyTo string
	// LinkDays is how many days an author's link works, to the end of the
	// last day (UK time); default 14.
	LinkDays int
	// ChaseAfter is the working days (England and Wales) after a letter
	// before the next reminder, or the manager's notice after the last;
	// default 3.
	ChaseAfter int
	// Reminders is how many reminders go before the manager is told;
	// default 2.
	Reminders int
}

func (c RequestConfig) withDefaults() RequestConfig {
	if c.BaseURL == "" {
		c.BaseURL = "http://127.0.0.1:8080"
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.LinkDays <= 0 {
		c.LinkDays = 14
	}
	if c.ChaseAfter <= 0 {
		c.ChaseAfter = 3
	}
	if c.Reminders <= 0 {
		c.Reminders = 2
	}
	return c
}

// ConfigureRequests sets how consent requests are sent and chased.
func (s *Service) ConfigureRequests(c RequestConfig) { s.requests = c.withDefaults() }

func (s *Service) requestConfig() RequestConfig { return s.requests.withDefaults() }

// Author is a document's author as a request addresses them.
type Author struct {
	Person
	// Email is optional: without it the letter waits in the outbox to be
	// posted.
	Email string `json:"email,omitempty"`
}

// RequestInput is what a social worker asks the author.
type RequestInput struct {
	Author    Author     `json:"author"`
	Audiences []Audience `json:"audiences"`
	// ProposedRedactions says what is proposed to be removed and why,
	// one item a line; the letter lists them.
	ProposedRedactions string `json:"proposed_redactions"`
	// DueOn is the date an answer is asked for (YYYY-MM-DD), no later
	// than the link's last day, which it defaults to.
	DueOn string `json:"due_on"`
	// ReplyTo is where the author writes back (the social worker's or the
	// team's address); default the service's RG_CONSENT_REPLY_TO.
	ReplyTo string `json:"reply_to"`
	// DocumentTitle and DocumentType name the document in the letter
	// ("Attendance report 4471", "police report"); default the file name
	// and "report".
	DocumentTitle string `json:"document_title"`
	DocumentType  string `json:"document_type"`
}

// Request is a request to a document's author for consent.
type Request struct {
	ID                 string       `json:"id"`
	DocumentID         string       `json:"document_id"`
	CaseID             string       `json:"case_id"`
	State              RequestState `json:"state"`
	Author             Author       `json:"author"`
	Audiences          []Audience   `json:"audiences"`
	ProposedRedactions string       `json:"proposed_redactions,omitempty"`
	DocumentTitle      string       `json:"document_title"`
	DocumentType       string       `json:"document_type"`
	DueOn              string       `json:"due_on"`
	ReplyTo            string       `json:"reply_to"`
	RequestedBy        string       `json:"requested_by"`
	RequestedByName    string       `json:"requested_by_name"`
	Team               string       `json:"team,omitempty"`
	RequestedAt        time.Time    `json:"requested_at"`
	LinkExpiresAt      time.Time    `json:"link_expires_at"`
	SentAt             *time.Time   `json:"sent_at,omitempty"`
	RemindersSent      int          `json:"reminders_sent"`
	LastReminderAt     *time.Time   `json:"last_reminder_at,omitempty"`
	ManagerNotifiedAt  *time.Time   `json:"manager_notified_at,omitempty"`
	AnsweredAt         *time.Time   `json:"answered_at,omitempty"`
	ConsentID          string       `json:"consent_id,omitempty"`
	ClosedAt           *time.Time   `json:"closed_at,omitempty"`
	ClosedReason       string       `json:"closed_reason,omitempty"`
	stored             RequestState // the state as recorded; State also sees expiry
}

var emailRE = regexp.MustCompile(`^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$`)

// checkEmail accepts a bare address ("a@b.example"), nothing more.
func checkEmail(field, v string) error {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 || !emailRE.MatchString(v) {
		return fmt.Errorf("%w: %s must be an email address such as sam.jones@example.gov.uk", ErrInvalid, field)
	}
	return nil
}

func (in *RequestInput) validate(today string, expires time.Time, defaultReplyTo string) error {
	for _, f := range []*string{&in.Author.Name, &in.Author.Role, &in.Author.Organisation, &in.Author.Email, &in.DueOn, &in.ReplyTo,
		&in.DocumentTitle, &in.DocumentType} {
		*f = strings.TrimSpace(*f)
	}
	in.ProposedRedactions = strings.TrimSpace(in.ProposedRedactions)
	if err := in.Author.check("author"); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    string
		max  int
	}{{"author.name", in.Author.Name, 200}, {"author.role", in.Author.Role, 200}, {"author.organisation", in.Author.Organisation, 200},
		{"document_title", in.DocumentTitle, 200}, {"document_type", in.DocumentType, 100}, {"proposed_redactions", in.ProposedRedactions, 4000}} {
		if utf8.RuneCountInString(f.v) > f.max {
			return fmt.Errorf("%w: %s can have at most %d characters", ErrInvalid, f.name, f.max)
		}
	}
	if in.Author.Email != "" {
		if err := checkEmail("author.email", in.Author.Email); err != nil {
			return err
		}
	}
	if len(in.Audiences) == 0 {
		return fmt.Errorf("%w: say which audiences to ask the author about: family, professional, court", ErrInvalid)
	}
	if err := checkAudiences("audiences", in.Audiences); err != nil {
		return err
	}
	last := expires.In(ukLocation()).Format(time.DateOnly)
	if in.DueOn == "" {
		in.DueOn = last
	}
	if err := checkDate("due_on", in.DueOn, true); err != nil {
		return err
	}
	if in.DueOn < today {
		return fmt.Errorf("%w: due_on is in the past", ErrInvalid)
	}
	if in.DueOn > last {
		return fmt.Errorf("%w: due_on is after the author's link stops working (%s): choose an earlier date", ErrInvalid, last)
	}
	if in.ReplyTo == "" {
		if a, err := mail.ParseAddress(defaultReplyTo); err == nil {
			in.ReplyTo = a.Address
		}
	}
	if in.ReplyTo == "" {
		return fmt.Errorf("%w: give reply_to: the address the author can write back to (yours or your team's)", ErrInvalid)
	}
	return checkEmail("reply_to", in.ReplyTo)
}

// CreateRequest records a request to the author of a ready document; the
// caller enqueues the consent:request task that sends it. A document has
// one open request at a time.
func (s *Service) CreateRequest(ctx context.Context, a audit.Actor, by user.User, documentID string, in RequestInput) (Request, error) {
	d, err := s.readyDocument(ctx, documentID)
	if err != nil {
		return Request{}, err
	}
	c, err := s.cases.Get(ctx, d.CaseID)
	if err != nil {
		return Request{}, err
	}
	cfg := s.requestConfig()
	now := s.now().UTC()
	expires := endOfUKDay(now, cfg.LinkDays).UTC()
	if err := in.validate(s.today(), expires, cfg.ReplyTo); err != nil {
		return Request{}, err
	}
	r := Request{ID: store.NewID(), DocumentID: d.ID, CaseID: d.CaseID, State: RequestRequested, stored: RequestRequested, Author: in.Author,
		Audiences: in.Audiences, ProposedRedactions: in.ProposedRedactions, DocumentTitle: nonBlank(in.DocumentTitle, d.Filename),
		DocumentType: nonBlank(in.DocumentType, "report"), DueOn: in.DueOn, ReplyTo: in.ReplyTo, RequestedBy: by.ID,
		RequestedByName: nonBlank(by.DisplayName, by.Username), Team: nonBlank(c.Team, by.Team), RequestedAt: now, LinkExpiresAt: expires}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		// The document's row is the lock that keeps two requests from
		// opening at once (SQLite's writer lock does it already).
		var id string
		if err := tx.QueryRow(ctx, `SELECT id FROM documents WHERE id = ?`+tx.ForUpdate(), d.ID).Scan(&id); err != nil {
			return fmt.Errorf("lock document: %w", err)
		}
		var open int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM consent_requests WHERE document_id = ? AND state = ? AND link_expires_at > ?`,
			d.ID, string(RequestRequested), now).Scan(&open); err != nil {
			return fmt.Errorf("count open requests: %w", err)
		}
		if open > 0 {
			return fmt.Errorf("%w: the author has already been asked and has not answered yet: cancel that request before asking again", ErrConflict)
		}
		_, err := tx.Exec(ctx, `INSERT INTO consent_requests (id, document_id, case_id, state, author_name, author_role, author_org, author_email,
			audiences, proposed_redactions, document_title, document_type, due_on, reply_to, requested_by, requested_by_name, team, requested_at,
			link_expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.DocumentID, r.CaseID, string(r.State), r.Author.Name, r.Author.Role, r.Author.Organisation, r.Author.Email,
			jsonText(r.Audiences), r.ProposedRedactions, r.DocumentTitle, r.DocumentType, r.DueOn, r.ReplyTo, r.RequestedBy, r.RequestedByName,
			r.Team, now, expires)
		if err != nil {
			return fmt.Errorf("insert consent request: %w", err)
		}
		e := a.Entry("consent_request.create", audit.OK)
		e.CaseID, e.DocumentID = r.CaseID, r.DocumentID
		e.Detail = map[string]string{"consent_request_id": r.ID, "audiences": strings.Join(audStrings(r.Audiences), ","), "due_on": r.DueOn,
			"link_expires_at": expires.Format(time.RFC3339), "by_email": fmt.Sprint(r.Author.Email != "")}
		return s.audit.AppendTx(ctx, tx, e)
	})
	return r, err
}

const requestCols = `id, document_id, case_id, state, author_name, author_role, author_org, author_email, audiences, proposed_redactions,
	document_title, document_type, due_on, reply_to, requested_by, requested_by_name, team, requested_at, link_expires_at, sent_at,
	reminders_sent, last_reminder_at, manager_notified_at, answered_at, consent_id, closed_at, closed_reason`

func requestsWhere(ctx context.Context, q store.Querier, now time.Time, where string, args ...any) ([]Request, error) {
	where, lock := splitLock(where)
	rows, err := q.Query(ctx, `SELECT `+requestCols+` FROM consent_requests WHERE `+where+` ORDER BY requested_at DESC, id`+lock, args...)
	if err != nil {
		return nil, fmt.Errorf("list consent requests: %w", err)
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		var r Request
		var audiences string
		var sent, lastReminder, notified, answered, closed sql.NullTime
		var consentID sql.NullString
		if err := rows.Scan(&r.ID, &r.DocumentID, &r.CaseID, &r.stored, &r.Author.Name, &r.Author.Role, &r.Author.Organisation, &r.Author.Email,
			&audiences, &r.ProposedRedactions, &r.DocumentTitle, &r.DocumentType, &r.DueOn, &r.ReplyTo, &r.RequestedBy, &r.RequestedByName,
			&r.Team, &r.RequestedAt, &r.LinkExpiresAt, &sent, &r.RemindersSent, &lastReminder, &notified, &answered, &consentID, &closed,
			&r.ClosedReason); err != nil {
			return nil, fmt.Errorf("read consent request: %w", err)
		}
		if err := fromJSON(audiences, &r.Audiences); err != nil {
			return nil, fmt.Errorf("consent request %s: %w", r.ID, err)
		}
		r.RequestedAt, r.LinkExpiresAt = r.RequestedAt.UTC(), r.LinkExpiresAt.UTC()
		r.SentAt, r.LastReminderAt, r.ManagerNotifiedAt = timePtr(sent), timePtr(lastReminder), timePtr(notified)
		r.AnsweredAt, r.ClosedAt, r.ConsentID = timePtr(answered), timePtr(closed), consentID.String
		r.State = r.stored
		if r.stored == RequestRequested && !now.Before(r.LinkExpiresAt) {
			r.State = RequestExpired
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetRequest returns a consent request.
func (s *Service) GetRequest(ctx context.Context, id string) (Request, error) {
	if !store.ValidID(id) {
		return Request{}, fmt.Errorf("%w: there is no such consent request", ErrNotFound)
	}
	rs, err := requestsWhere(ctx, s.db, s.now().UTC(), "id = ?", id)
	return only(rs, err, "consent request")
}

// Requests lists a document's consent requests, newest first.
func (s *Service) Requests(ctx context.Context, documentID string) ([]Request, error) {
	return requestsWhere(ctx, s.db, s.now().UTC(), "document_id = ?", documentID)
}

// CancelRequest withdraws an open request: its links stop working and it
// is no longer chased.
func (s *Service) CancelRequest(ctx context.Context, a audit.Actor, documentID, id, reason string) (Request, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Request{}, fmt.Errorf("%w: say why the request is cancelled", ErrInvalid)
	}
	r, err := s.GetRequest(ctx, id)
	if err != nil {
		return Request{}, err
	}
	if r.DocumentID != documentID {
		return Request{}, fmt.Errorf("%w: this document has no consent request %s", ErrNotFound, id)
	}
	now := s.now().UTC()
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE consent_requests SET state = ?, closed_at = ?, closed_by = ?, closed_reason = ? WHERE id = ? AND state = ?`,
			string(RequestCancelled), now, a.ID, reason, r.ID, string(RequestRequested))
		if err != nil {
			return fmt.Errorf("cancel consent request: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: the request is %s already", ErrConflict, r.stored)
		}
		e := a.Entry("consent_request.cancel", audit.OK)
		e.CaseID, e.DocumentID = r.CaseID, r.DocumentID
		e.Detail = map[string]string{"consent_request_id": r.ID}
		return s.audit.AppendTx(ctx, tx, e)
	})
	if err != nil {
		return Request{}, err
	}
	return s.GetRequest(ctx, id)
}

// SendRequest sends a request's letter (the consent:request task): by
// email when SMTP is configured and the author has an address, otherwise
// into the outbox. Running it again does nothing once the letter exists
// and is sent or kept; an email that failed for a passing reason is tried
// again.
func (s *Service) SendRequest(ctx context.Context, id string) error {
	r, err := s.GetRequest(ctx, id)
	if err != nil {
		return err
	}
	if r.stored != RequestRequested {
		return nil // cancelled or answered before it went
	}
	return s.sendAuthorLetter(ctx, r, letter.ConsentRequest, 0)
}

// UnsentRequests lists open requests older than age whose letter has not
// gone (a lost task, or an email still failing), for the reconciler.
func (s *Service) UnsentRequests(ctx context.Context, age time.Duration, limit int) ([]string, error) {
	now := s.now().UTC()
	rows, err := s.db.Query(ctx, `SELECT id FROM consent_requests WHERE state = ? AND sent_at IS NULL AND requested_at < ? AND link_expires_at > ?
		ORDER BY requested_at LIMIT ?`, string(RequestRequested), now.Add(-age), now, limit)
	if err != nil {
		return nil, fmt.Errorf("unsent consent requests: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// sendAuthorLetter makes (once) and delivers letter kind number seq of r,
// with a new link for the author in it.
func (s *Service) sendAuthorLetter(ctx context.Context, r Request, kind letter.Kind, seq int) error {
	m, found, err := s.message(ctx, r.ID, kind, seq, "")
	if err != nil {
		return err
	}
	if !found {
		if m, err = s.newAuthorLetter(ctx, r, kind, seq); err != nil {
			return err
		}
	}
	return s.deliver(ctx, m, r.ReplyTo)
}

func (s *Service) newAuthorLetter(ctx context.Context, r Request, kind letter.Kind, seq int) (Message, error) {
	cfg := s.requestConfig()
	now := s.now().UTC()
	raw, hash, err := newLinkToken()
	if err != nil {
		return Message{}, err
	}
	data, err := s.authorLetterData(ctx, r, cfg.BaseURL+"/author/v1/"+raw)
	if err != nil {
		return Message{}, err
	}
	if kind == letter.ConsentChase {
		data["ReminderNumber"] = seq
		data["RequestedOn"] = r.SentAt.In(ukLocation())
	}
	l, err := letter.Render(kind, data, now.In(ukLocation()))
	if err != nil {
		return Message{}, fmt.Errorf("render %s: %w", kind, err)
	}
	ev, err := s.putLetter(ctx, l.PDF)
	if err != nil {
		return Message{}, err
	}
	m := Message{ID: store.NewID(), RequestID: r.ID, CaseID: r.CaseID, DocumentID: r.DocumentID, Kind: kind, Seq: seq,
		ToName: r.Author.Name, ToEmail: r.Author.Email, Subject: l.Subject, Body: l.Text, State: MessagePending, CreatedAt: now,
		letterKey: ev.Key, LetterSHA256: keyHex(ev.Key)}
	if cfg.Mail == nil || r.Author.Email == "" {
		m.State = MessageKept
	}
	inserted := false
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := registerBlob(ctx, tx, ev, now); err != nil {
			return err
		}
		if inserted, err = insertMessage(ctx, tx, m); err != nil || !inserted {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO consent_links (token_hash, request_id, message_id, created_at) VALUES (?, ?, ?, ?)`,
			hash, r.ID, m.ID, now); err != nil {
			return fmt.Errorf("insert author link: %w", err)
		}
		if m.State == MessageKept {
			if err := delivered(ctx, tx, m, now); err != nil {
				return err
			}
		}
		return s.auditMessage(ctx, tx, systemActor(), m, "create", audit.OK, nil)
	})
	if err != nil {
		return Message{}, err
	}
	if !inserted { // another worker made it first: theirs is the letter
		m, _, err = s.message(ctx, r.ID, kind, seq, "")
	}
	return m, err
}

// authorLetterData fills the fields the consent request and reminder
// letters share.
func (s *Service) authorLetterData(ctx context.Context, r Request, link string) (letter.Data, error) {
	d, err := s.docs.Get(ctx, r.DocumentID)
	if err != nil {
		return nil, err
	}
	c, err := s.cases.Get(ctx, r.CaseID)
	if err != nil {
		return nil, err
	}
	uk := ukLocation()
	received, err := time.ParseInLocation(time.DateOnly, d.Receipt.ReceivedOn, uk)
	if err != nil {
		return nil, fmt.Errorf("document %s: date received %q: %w", d.ID, d.Receipt.ReceivedOn, err)
	}
	due, err := time.ParseInLocation(time.DateOnly, r.DueOn, uk)
	if err != nil {
		return nil, fmt.Errorf("consent request %s: due date %q: %w", r.ID, r.DueOn, err)
	}
	return letter.Data{
		"AuthorName":        r.Author.Name,
		"DocumentTitle":     r.DocumentTitle,
		"DocumentType":      r.DocumentType,
		"CaseReference":     c.ChildRef,
		"ConsentLink":       link,
		"SocialWorkerName":  r.RequestedByName,
		"SocialWorkerEmail": r.ReplyTo,
		"TeamName":          nonBlank(r.Team, "Children's Services"),
		"ReceivedOn":        received,
		"LinkExpires":       r.LinkExpiresAt.In(uk),
		"DueOn":             due,
		"Audiences":         audStrings(r.Audiences),
		"RedactionReasons":  proposedLines(r.ProposedRedactions),
	}, nil
}

// proposedLines splits what is proposed for redaction into the letter's
// list, one item a line, bullets dropped.
func proposedLines(s string) []string {
	out := []string{}
	for l := range strings.SplitSeq(s, "\n") {
		l = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), "-*•"))
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func newLinkToken() (raw, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("make link token: %w", err)
	}
	raw = base64.RawURLEncoding.EncodeToString(b)
	return raw, hashToken(raw), nil
}

// insertMessage adds m unless the request already has its kind and
// number for the same recipient; it reports whether it did.
func insertMessage(ctx context.Context, tx *store.Tx, m Message) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO consent_messages (id, request_id, case_id, document_id, kind, seq, recipient_user, to_name, to_email,
		subject, body, letter_key, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (request_id, kind, seq, recipient_user) DO NOTHING`,
		m.ID, m.RequestID, m.CaseID, m.DocumentID, string(m.Kind), m.Seq, m.RecipientUserID, m.ToName, m.ToEmail, m.Subject, m.Body,
		string(m.letterKey), string(m.State), m.CreatedAt)
	if err != nil {
		return false, fmt.Errorf("insert consent message: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// delivered records on the request that its letter went (or was put in
// the outbox for a person to send), in the transaction that says so; the
// next reminder is counted from here. The outbox calls it for every
// message it sends; a notice (notice.go) has no request to tell.
func delivered(ctx context.Context, tx *store.Tx, m Message, at time.Time) error {
	var err error
	switch m.Kind {
	case letter.ConsentRequest:
		_, err = tx.Exec(ctx, `UPDATE consent_requests SET sent_at = ? WHERE id = ? AND sent_at IS NULL`, at, m.RequestID)
	case letter.ConsentChase:
		_, err = tx.Exec(ctx, `UPDATE consent_requests SET reminders_sent = ?, last_reminder_at = ? WHERE id = ? AND reminders_sent < ?`,
			m.Seq, at, m.RequestID, m.Seq)
	}
	if err != nil {
		return fmt.Errorf("record letter sent: %w", err)
	}
	return nil
}

const messageCols = `id, request_id, case_id, document_id, kind, seq, recipient_user, to_name, to_email, subject, body, letter_key, state,
	attempts, last_error, created_at, claimed_at, sent_at, sent_by`

func messagesWhere(ctx context.Context, q store.Querier, where string, args ...any) ([]Message, error) {
	where, lock := splitLock(where)
	rows, err := q.Query(ctx, `SELECT `+messageCols+` FROM consent_messages WHERE `+where+` ORDER BY created_at, id`+lock, args...)
	if err != nil {
		return nil, fmt.Errorf("list consent messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var key string
		var claimed, sent sql.NullTime
		if err := rows.Scan(&m.ID, &m.RequestID, &m.CaseID, &m.DocumentID, &m.Kind, &m.Seq, &m.RecipientUserID, &m.ToName, &m.ToEmail, &m.Subject,
			&m.Body, &key, &m.State, &m.Attempts, &m.LastError, &m.CreatedAt, &claimed, &sent, &m.SentBy); err != nil {
			return nil, fmt.Errorf("read consent message: %w", err)
		}
		m.box = consentBox
		m.letterKey, m.LetterSHA256 = blob.Key(key), keyHex(blob.Key(key))
		m.CreatedAt, m.claimedAt, m.SentAt = m.CreatedAt.UTC(), timePtr(claimed), timePtr(sent)
		out = append(out, m)
	}
	return out, rows.Err()
}

// message finds a request's letter of kind and number for a recipient.
func (s *Service) message(ctx context.Context, requestID string, kind letter.Kind, seq int, recipient string) (Message, bool, error) {
	ms, err := messagesWhere(ctx, s.db, "request_id = ? AND kind = ? AND seq = ? AND recipient_user = ?", requestID, string(kind), seq, recipient)
	if err != nil || len(ms) == 0 {
		return Message{}, false, err
	}
	return ms[0], true, nil
}

// RequestMessages lists every letter and email of a request, oldest first.
func (s *Service) RequestMessages(ctx context.Context, requestID string) ([]Message, error) {
	return messagesWhere(ctx, s.db, "request_id = ?", requestID)
}

// ChaseResult counts what a chase did.
type ChaseResult struct {
	Reminders    int // reminders sent or put in the outbox
	ManagersTold int // requests whose managers were told
	Expired      int // requests whose links expired unanswered
}

// Chase is the consent:chase task: for every open request, a reminder
// when ChaseAfter working days have passed since its last letter, up to
// Reminders of them; ChaseAfter working days after the last reminder, or
// when its link expires unanswered if that comes first, a notice to the
// case's managers, once; and a request whose link expired is recorded as
// expired. Running it again at the same time does nothing more.
func (s *Service) Chase(ctx context.Context) (ChaseResult, error) {
	var res ChaseResult
	cfg := s.requestConfig()
	now := s.now().UTC()
	rs, err := requestsWhere(ctx, s.db, now, "state = ?", string(RequestRequested))
	if err != nil {
		return res, err
	}
	var errs []error
	for _, r := range rs {
		if ctx.Err() != nil {
			break
		}
		if r.State == RequestExpired {
			if r.SentAt != nil && r.ManagerNotifiedAt == nil {
				told, err := s.notifyManagers(ctx, r)
				if err != nil {
					errs = append(errs, fmt.Errorf("consent request %s: %w", r.ID, err))
					continue
				}
				res.ManagersTold += told
			}
			expired, err := s.expire(ctx, r)
			if err != nil {
				errs = append(errs, fmt.Errorf("consent request %s: %w", r.ID, err))
			}
			res.Expired += expired
			continue
		}
		if r.SentAt == nil {
			continue // the request's own letter has not gone yet
		}
		last := *r.SentAt
		if r.LastReminderAt != nil {
			last = *r.LastReminderAt
		}
		if now.Before(addWorkingDays(last, cfg.ChaseAfter)) {
			continue
		}
		switch {
		case r.RemindersSent < cfg.Reminders:
			if err := s.sendAuthorLetter(ctx, r, letter.ConsentChase, r.RemindersSent+1); err != nil {
				errs = append(errs, fmt.Errorf("consent request %s: reminder %d: %w", r.ID, r.RemindersSent+1, err))
				continue
			}
			res.Reminders++
		case r.ManagerNotifiedAt == nil:
			told, err := s.notifyManagers(ctx, r)
			if err != nil {
				errs = append(errs, fmt.Errorf("consent request %s: %w", r.ID, err))
				continue
			}
			res.ManagersTold += told
		}
	}
	return res, errors.Join(errs...)
}

// expire records that a request's links expired unanswered.
func (s *Service) expire(ctx context.Context, r Request) (int, error) {
	n := 0
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE consent_requests SET state = ?, closed_at = ?, closed_reason = ? WHERE id = ? AND state = ?`,
			string(RequestExpired), r.LinkExpiresAt, "the author's link expired unanswered", r.ID, string(RequestRequested))
		if err != nil {
			return fmt.Errorf("expire consent request: %w", err)
		}
		if c, _ := res.RowsAffected(); c == 0 {
			return nil
		}
		n = 1
		e := systemActor().Entry("consent_request.expire", audit.OK)
		e.CaseID, e.DocumentID = r.CaseID, r.DocumentID
		e.Detail = map[string]string{"consent_request_id": r.ID, "reminders_sent": fmt.Sprint(r.RemindersSent)}
		return s.audit.AppendTx(ctx, tx, e)
	})
	return n, err
}

// manager is a recipient of the overdue notice.
type manager struct{ id, name string }

// notifyManagers puts the overdue notice in the outbox for each manager
// allocated to the case (users have no email addresses here), once per
// request: the request's manager_notified_at is set in the same
// transaction. A case without a manager gets one notice addressed to the
// team manager, which every manager sees in the outbox. It reports 1 when
// it told them, 0 when they had been told already.
func (s *Service) notifyManagers(ctx context.Context, r Request) (int, error) {
	c, err := s.cases.Get(ctx, r.CaseID)
	if err != nil {
		return 0, err
	}
	d, err := s.docs.Get(ctx, r.DocumentID)
	if err != nil {
		return 0, err
	}
	var ms []manager
	for _, al := range c.Allocations {
		if al.Role != user.Manager {
			continue
		}
		var name string
		if err := s.db.QueryRow(ctx, `SELECT display_name FROM users WHERE id = ?`, al.UserID).Scan(&name); err != nil {
			return 0, fmt.Errorf("read manager: %w", err)
		}
		ms = append(ms, manager{id: al.UserID, name: name})
	}
	if len(ms) == 0 {
		ms = []manager{{name: "Team Manager"}}
	}
	uk := ukLocation()
	received, err := time.ParseInLocation(time.DateOnly, d.Receipt.ReceivedOn, uk)
	if err != nil {
		return 0, fmt.Errorf("document %s: date received %q: %w", d.ID, d.Receipt.ReceivedOn, err)
	}
	lastLetter := *r.SentAt
	if r.LastReminderAt != nil {
		lastLetter = *r.LastReminderAt
	}
	now := s.now().UTC()
	var msgs []Message
	var evs []Evidence
	for _, mg := range ms {
		l, err := letter.Render(letter.ConsentOverdueManager, letter.Data{
			"ManagerName":        mg.name,
			"AuthorName":         r.Author.Name,
			"AuthorOrganisation": r.Author.Organisation,
			"SocialWorkerName":   r.RequestedByName,
			"DocumentTitle":      r.DocumentTitle,
			"DocumentType":       r.DocumentType,
			"CaseReference":      c.ChildRef,
			"CaseLink":           s.requestConfig().BaseURL + "/api/v1/documents/" + r.DocumentID,
			"ReceivedOn":         received,
			"RequestedOn":        r.SentAt.In(uk),
			"LastReminderOn":     lastLetter.In(uk),
			"RemindersSent":      r.RemindersSent,
			"Audiences":          audStrings(r.Audiences),
		}, now.In(uk))
		if err != nil {
			return 0, fmt.Errorf("render overdue notice: %w", err)
		}
		ev, err := s.putLetter(ctx, l.PDF)
		if err != nil {
			return 0, err
		}
		evs = append(evs, ev)
		msgs = append(msgs, Message{ID: store.NewID(), RequestID: r.ID, CaseID: r.CaseID, DocumentID: r.DocumentID, Kind: letter.ConsentOverdueManager,
			RecipientUserID: mg.id, ToName: mg.name, Subject: l.Subject, Body: l.Text, State: MessageKept, CreatedAt: now,
			letterKey: ev.Key, LetterSHA256: keyHex(ev.Key)})
	}
	told := 0
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE consent_requests SET manager_notified_at = ? WHERE id = ? AND manager_notified_at IS NULL`, now, r.ID)
		if err != nil {
			return fmt.Errorf("record managers told: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		for i, m := range msgs {
			if err := registerBlob(ctx, tx, evs[i], now); err != nil {
				return err
			}
			if _, err := insertMessage(ctx, tx, m); err != nil {
				return err
			}
		}
		told = 1
		e := systemActor().Entry("consent_request.overdue", audit.OK)
		e.CaseID, e.DocumentID = r.CaseID, r.DocumentID
		e.Detail = map[string]string{"consent_request_id": r.ID, "managers": fmt.Sprint(len(msgs)), "reminders_sent": fmt.Sprint(r.RemindersSent)}
		return s.audit.AppendTx(ctx, tx, e)
	})
	return told, err
}

// The author's side. The token in the link is the author's only
// credential; it is never stored (only its SHA-256), logged or audited:
// the audit names the author by the request's id.

var linkTokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// authorActor is the author of request r in the audit log.
func authorActor(requestID, httpRequestID string) audit.Actor {
	return audit.Actor{ID: "author:" + requestID, Role: "author", RequestID: httpRequestID}
}

// AuthorDocument is what the author is told about their document.
type AuthorDocument struct {
	Title         string `json:"title"`
	Type          string `json:"type"`
	Pages         int    `json:"pages"`
	ReceivedOn    string `json:"date_received"`
	Author        Person `json:"author"` // as recorded on receipt
	Restrictions  string `json:"restrictions,omitempty"`
	CaseReference string `json:"case_reference"`
}

// Preview is the version of the document an audience would receive.
type Preview struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	// URL is where to download it; the HTTP layer fills it in.
	URL   string `json:"url,omitempty"`
	setID string
	key   blob.Key
}

// AudienceAsked is one audience of a request, with its version as it
// would be released, or a note that there is none yet.
type AudienceAsked struct {
	Audience Audience `json:"audience"`
	Preview  *Preview `json:"preview"`
	Note     string   `json:"note,omitempty"`
}

// AskedBy is who asked the author.
type AskedBy struct {
	Name string `json:"name"`
	Team string `json:"team"`
}

// AuthorPage is what the author sees through their link.
type AuthorPage struct {
	State              RequestState    `json:"state"`
	Document           AuthorDocument  `json:"document"`
	AskedBy            AskedBy         `json:"asked_by"`
	ReplyTo            string          `json:"reply_to"`
	Audiences          []AudienceAsked `json:"audiences"`
	ProposedRedactions []string        `json:"proposed_redactions"`
	DueOn              string          `json:"due_on"`
	LinkExpiresAt      time.Time       `json:"link_expires_at"`
	HowToAnswer        string          `json:"how_to_answer"`
}

// openLink finds the request a token belongs to and checks the link still
// works; a refusal is audited.
func (s *Service) openLink(ctx context.Context, token, httpRequestID, action string) (Request, error) {
	var requestID string
	err := sql.ErrNoRows
	if linkTokenRE.MatchString(token) {
		err = s.db.QueryRow(ctx, `SELECT request_id FROM consent_links WHERE token_hash = ?`, hashToken(token)).Scan(&requestID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		e := authorActor("unknown", httpRequestID).Entry(action, audit.Denied)
		e.Detail = map[string]string{"reason": "unknown link"}
		if err := s.audit.Append(ctx, e); err != nil {
			return Request{}, err
		}
		return Request{}, fmt.Errorf("%w: this link is not known: check that you copied the whole link from the letter or email", ErrNotFound)
	}
	if err != nil {
		return Request{}, fmt.Errorf("read author link: %w", err)
	}
	r, err := s.GetRequest(ctx, requestID)
	if err != nil {
		return Request{}, err
	}
	if err := r.usable(); err != nil {
		return Request{}, errors.Join(err, s.auditAuthor(ctx, r, httpRequestID, action, audit.Denied, map[string]string{"reason": string(r.State)}))
	}
	return r, nil
}

// usable says why a request's links no longer work, if they do not.
func (r Request) usable() error {
	switch r.State {
	case RequestAnswered:
		return fmt.Errorf("%w: this link has already been used to answer on %s; to change your answer, write to %s", ErrLinkUsed,
			r.AnsweredAt.In(ukLocation()).Format("2 January 2006"), r.ReplyTo)
	case RequestCancelled:
		return fmt.Errorf("%w: this request has been withdrawn; if you have questions, write to %s", ErrLinkUsed, r.ReplyTo)
	case RequestExpired:
		return fmt.Errorf("%w: this link stopped working at the end of %s; please write to %s, who can send you a new one", ErrLinkExpired,
			r.LinkExpiresAt.In(ukLocation()).Format("2 January 2006"), r.ReplyTo)
	}
	return nil
}

func (s *Service) auditAuthor(ctx context.Context, r Request, httpRequestID, action, outcome string, detail map[string]string) error {
	e := authorActor(r.ID, httpRequestID).Entry(action, outcome)
	e.CaseID, e.DocumentID = r.CaseID, r.DocumentID
	e.Detail = map[string]string{"consent_request_id": r.ID}
	for k, v := range detail {
		e.Detail[k] = v
	}
	return s.audit.Append(ctx, e)
}

// previews finds, for each audience of r, the latest applied redaction
// set's version: what a release to it would send today.
func (s *Service) previews(ctx context.Context, r Request) (map[Audience]*Preview, error) {
	sets, err := s.Sets(ctx, r.DocumentID)
	if err != nil {
		return nil, err
	}
	out := map[Audience]*Preview{}
	for _, a := range r.Audiences {
		for _, st := range sets { // newest first
			if st.Audience == a && st.State == Applied && st.versionKey != "" {
				info, err := s.blobs.Stat(ctx, st.versionKey)
				if err != nil {
					return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
				}
				out[a] = &Preview{SHA256: st.VersionSHA256, Size: info.Size, setID: st.ID, key: st.versionKey}
				break
			}
		}
	}
	return out, nil
}

// AuthorView is what the author sees through the link: the document, and
// for each audience asked the version as it would be released, or a note
// that none is ready yet. Audited as a view by the author.
func (s *Service) AuthorView(ctx context.Context, token, httpRequestID string) (AuthorPage, error) {
	r, err := s.openLink(ctx, token, httpRequestID, "consent_request.view")
	if err != nil {
		return AuthorPage{}, err
	}
	d, err := s.docs.Get(ctx, r.DocumentID)
	if err != nil {
		return AuthorPage{}, err
	}
	c, err := s.cases.Get(ctx, r.CaseID)
	if err != nil {
		return AuthorPage{}, err
	}
	pv, err := s.previews(ctx, r)
	if err != nil {
		return AuthorPage{}, err
	}
	p := AuthorPage{State: r.State, ReplyTo: r.ReplyTo, DueOn: r.DueOn, LinkExpiresAt: r.LinkExpiresAt,
		Document: AuthorDocument{Title: r.DocumentTitle, Type: r.DocumentType, Pages: d.Pages, ReceivedOn: d.Receipt.ReceivedOn,
			Author:       Person{Name: d.Receipt.AuthorName, Role: d.Receipt.AuthorRole, Organisation: d.Receipt.AuthorOrg},
			Restrictions: d.Receipt.Restrictions, CaseReference: c.ChildRef},
		AskedBy:            AskedBy{Name: r.RequestedByName, Team: nonBlank(r.Team, "Children's Services")},
		ProposedRedactions: proposedLines(r.ProposedRedactions),
		HowToAnswer: `POST your answer to this link followed by /answer, as JSON: {"answers": {"family": "granted", "court": "refused"}, ` +
			`"conditions": "…", "condition_terms": ["text that must be removed"], "given_by": {"name": "…", "role": "…", "organisation": "…"}, ` +
			`"previews_seen": {"family": "sha256 of the version you looked at"}}. Answer every audience asked. The link works once.`}
	for _, a := range r.Audiences {
		aa := AudienceAsked{Audience: a, Preview: pv[a]}
		if aa.Preview == nil {
			aa.Note = "no redacted version has been prepared for this audience yet: if you consent, nothing will be shared before it is, and your conditions will apply to it"
		}
		p.Audiences = append(p.Audiences, aa)
	}
	detail := map[string]string{}
	for a, v := range pv {
		detail["preview_"+string(a)] = v.SHA256
	}
	return p, s.auditAuthor(ctx, r, httpRequestID, "consent_request.view", audit.OK, detail)
}

// AuthorPreview streams the version the author would see released to
// audience a, with its SHA-256. Audited as a download by the author.
func (s *Service) AuthorPreview(ctx context.Context, token string, a Audience, httpRequestID string) (io.ReadCloser, int64, string, error) {
	r, err := s.openLink(ctx, token, httpRequestID, "consent_request.preview")
	if err != nil {
		return nil, 0, "", err
	}
	refuse := func(err error) (io.ReadCloser, int64, string, error) {
		return nil, 0, "", errors.Join(err, s.auditAuthor(ctx, r, httpRequestID, "consent_request.preview", audit.Failed,
			map[string]string{"audience": string(a), "reason": errorKind(err)}))
	}
	if !slices.Contains(r.Audiences, a) {
		return refuse(fmt.Errorf("%w: this request does not ask about %q", ErrNotFound, a))
	}
	pv, err := s.previews(ctx, r)
	if err != nil {
		return refuse(err)
	}
	p := pv[a]
	if p == nil {
		return refuse(fmt.Errorf("%w: no redacted version has been prepared for %s yet", ErrNotFound, a))
	}
	rc, n, err := s.blobs.Open(ctx, p.key)
	if err != nil {
		return refuse(fmt.Errorf("%w: %w", ErrUnavailable, err))
	}
	if err := s.auditAuthor(ctx, r, httpRequestID, "consent_request.preview", audit.OK,
		map[string]string{"audience": string(a), "sha256": p.SHA256, "redaction_set_id": p.setID}); err != nil {
		rc.Close()
		return nil, 0, "", err
	}
	return rc, n, p.SHA256, nil
}

// Answer values.
const (
	AnswerGranted = "granted"
	AnswerRefused = "refused"
)

// AnswerInput is the author's answer through the link.
type AnswerInput struct {
	// Answers says, for every audience asked, "granted" or "refused".
	Answers    map[Audience]string `json:"answers"`
	Conditions string              `json:"conditions"`
	// ConditionTerms are text the author requires removed before any
	// release under this consent.
	ConditionTerms []string `json:"condition_terms"`
	GivenBy        Person   `json:"given_by"`
	// ExpiresOn optionally ends the consent (YYYY-MM-DD).
	ExpiresOn string `json:"expires_on,omitempty"`
	// PreviewsSeen optionally names, per audience, the SHA-256 of the
	// version the author looked at; an answer about a version that has
	// since changed is refused, so the evidence says what they saw.
	PreviewsSeen map[Audience]string `json:"previews_seen,omitempty"`
}

// shownPreview is one audience's version in the evidence.
type shownPreview struct {
	Audience       Audience `json:"audience"`
	SHA256         string   `json:"sha256,omitempty"`
	RedactionSetID string   `json:"redaction_set_id,omitempty"`
	NoneYet        bool     `json:"none_yet,omitempty"`
}

// answerEvidence is the stored evidence of the author's written consent.
type answerEvidence struct {
	Type           string         `json:"type"`
	RequestID      string         `json:"consent_request_id"`
	DocumentID     string         `json:"document_id"`
	DocumentSHA256 string         `json:"document_sha256"`
	AudiencesAsked []Audience     `json:"audiences_asked"`
	AnsweredAt     time.Time      `json:"answered_at"`
	Answer         AnswerInput    `json:"answer"`
	PreviewsShown  []shownPreview `json:"previews_shown"`
}

// AnswerRequest records the author's answer as their consent, with
// evidence kind author_answer: a JSON document holding the answer, the
// time, the request's id and the SHA-256 of every version the author was
// shown. The link is used up in the same transaction, conditionally, so
// of two answers at once only one is recorded.
//
// decode reads the answer; it runs once the link is known to work, so that
// every use of a link, even with an unreadable answer, is audited.
func (s *Service) AnswerRequest(ctx context.Context, token, httpRequestID string, decode func(*AnswerInput) error) (Consent, error) {
	r, err := s.openLink(ctx, token, httpRequestID, "consent_request.answer")
	if err != nil {
		return Consent{}, err
	}
	c, err := s.answer(ctx, r, token, httpRequestID, decode)
	if err != nil {
		outcome := audit.Failed
		if errors.Is(err, ErrLinkUsed) {
			outcome = audit.Denied
		}
		return Consent{}, errors.Join(err, s.auditAuthor(ctx, r, httpRequestID, "consent_request.answer", outcome, map[string]string{"reason": errorKind(err)}))
	}
	return c, nil
}

// errorKind names an error for the audit log without its text.
func errorKind(err error) string {
	switch {
	case errors.Is(err, ErrInvalid):
		return "invalid"
	case errors.Is(err, ErrConflict):
		return "conflict"
	case errors.Is(err, ErrLinkUsed):
		return "used"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrUnavailable):
		return "unavailable"
	}
	return "failed"
}

func (s *Service) answer(ctx context.Context, r Request, token, httpRequestID string, decode func(*AnswerInput) error) (Consent, error) {
	var in AnswerInput
	if err := decode(&in); err != nil {
		return Consent{}, err
	}
	ci := ConsentInput{Conditions: strings.TrimSpace(in.Conditions), ConditionTerms: in.ConditionTerms, EvidenceKind: EvidenceAuthorAnswer,
		GivenBy: in.GivenBy, GivenOn: s.today(), ExpiresOn: strings.TrimSpace(in.ExpiresOn)}
	for a := range in.Answers {
		if !slices.Contains(r.Audiences, a) {
			return Consent{}, fmt.Errorf("%w: answers: you were not asked about %q (asked: %s)", ErrInvalid, a, strings.Join(audStrings(r.Audiences), ", "))
		}
	}
	for _, a := range r.Audiences {
		switch in.Answers[a] {
		case AnswerGranted:
			ci.Granted = append(ci.Granted, a)
		case AnswerRefused:
			ci.Refused = append(ci.Refused, a)
		default:
			return Consent{}, fmt.Errorf("%w: answers: say \"granted\" or \"refused\" for %s", ErrInvalid, a)
		}
	}
	if utf8.RuneCountInString(ci.Conditions) > 4000 || len(ci.ConditionTerms) > 100 {
		return Consent{}, fmt.Errorf("%w: conditions can have at most 4000 characters and 100 terms", ErrInvalid)
	}
	if err := ci.check(s.today()); err != nil {
		return Consent{}, err
	}
	pv, err := s.previews(ctx, r)
	if err != nil {
		return Consent{}, err
	}
	var shown []shownPreview
	for _, a := range r.Audiences {
		sp := shownPreview{Audience: a, NoneYet: pv[a] == nil}
		if p := pv[a]; p != nil {
			sp.SHA256, sp.RedactionSetID = p.SHA256, p.setID
		}
		if seen, ok := in.PreviewsSeen[a]; ok && seen != sp.SHA256 {
			return Consent{}, fmt.Errorf("%w: the version for %s has changed since you looked at it: please reload the page, look again and answer", ErrConflict, a)
		}
		shown = append(shown, sp)
	}
	d, err := s.docs.Get(ctx, r.DocumentID)
	if err != nil {
		return Consent{}, err
	}
	now := s.now().UTC()
	in.ConditionTerms = nonNil(ci.ConditionTerms)
	evidence, err := json.MarshalIndent(answerEvidence{Type: "releasegate/author-answer", RequestID: r.ID, DocumentID: d.ID, DocumentSHA256: d.SHA256(),
		AudiencesAsked: r.Audiences, AnsweredAt: now, Answer: in, PreviewsShown: shown}, "", "  ")
	if err != nil {
		return Consent{}, fmt.Errorf("encode answer: %w", err)
	}
	key := blob.KeyOf(sha256.Sum256(evidence))
	if err := s.blobs.Put(ctx, key, bytes.NewReader(evidence), int64(len(evidence))); err != nil {
		return Consent{}, fmt.Errorf("%w: store answer: %w", ErrUnavailable, err)
	}
	ev := Evidence{Key: key, Size: int64(len(evidence)), MediaType: "application/json"}
	c := Consent{ID: store.NewID(), DocumentID: d.ID, Granted: nonNil(ci.Granted), Refused: nonNil(ci.Refused), Conditions: ci.Conditions,
		ConditionTerms: nonNil(ci.ConditionTerms), EvidenceKind: EvidenceAuthorAnswer, GivenBy: ci.GivenBy, GivenOn: ci.GivenOn,
		ExpiresOn: ci.ExpiresOn, RecordedBy: r.RequestedBy, CreatedAt: now, evidenceKey: key, EvidenceSHA256: keyHex(key)}
	c.State = c.state(s.today())
	a := authorActor(r.ID, httpRequestID)
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := s.insertConsent(ctx, tx, a, r.CaseID, c, ev, now); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE consent_requests SET state = ?, answered_at = ?, consent_id = ? WHERE id = ? AND state = ? AND link_expires_at > ?`,
			string(RequestAnswered), now, c.ID, r.ID, string(RequestRequested), now)
		if err != nil {
			return fmt.Errorf("record answer: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: this link has just been used to answer, or has stopped working; write to %s", ErrLinkUsed, r.ReplyTo)
		}
		if _, err := tx.Exec(ctx, `UPDATE consent_links SET used_at = ? WHERE token_hash = ?`, now, hashToken(token)); err != nil {
			return fmt.Errorf("use author link: %w", err)
		}
		e := a.Entry("consent_request.answer", audit.OK)
		e.CaseID, e.DocumentID = r.CaseID, r.DocumentID
		e.Detail = map[string]string{"consent_request_id": r.ID, "consent_id": c.ID, "evidence_sha256": c.EvidenceSHA256}
		return s.audit.AppendTx(ctx, tx, e)
	})
	if err != nil {
		return Consent{}, err
	}
	return c, nil
}
