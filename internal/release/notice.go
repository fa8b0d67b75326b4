package release

// The outbox: every letter and notice the service writes, until it has
// gone. A consent request's letters (request.go) are consent_messages
// rows, beside the author's links they carry; every other letter is a
// notices row:
//
//   - family_notification (family:notify): the letter telling the family
//     that a document was shared (DESIGN.md §2 rule 7). Families have no
//     email address in the records, so it is kept for the social worker
//     to post, and stays with the release too (its family-letter route).
//   - legal_route (legal:route): the notice asking Legal Services to
//     approve a redaction set on a Care Order case (rule 5), once per set
//     and approved version: emailed to RG_LEGAL_EMAIL when SMTP is
//     configured, otherwise kept for Legal Services to read in the outbox.
//
// Both tables have the same states and are sent by the same code: an
// email is claimed ("sending") before it goes to the server and marked
// sent after, so a worker killed in between leaves it "unknown" for a
// person to check rather than sending it twice; a letter with no email to
// go by is "kept" until a person sends it and says so (sent_by_hand).

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/casefile"
	"github.com/releasegate/releasegate/internal/document"
	"github.com/releasegate/releasegate/internal/letter"
	rgmail "github.com/releasegate/releasegate/internal/mail"
	"github.com/releasegate/releasegate/internal/store"
)

// MessageState is where a letter or email stands.
type MessageState string

// Message states. The outbox lists every state but sent and sent_by_hand.
const (
	MessagePending    MessageState = "pending"      // waiting for the SMTP server
	MessageSending    MessageState = "sending"      // claimed by a worker
	MessageSent       MessageState = "sent"         // accepted by the SMTP server
	MessageKept       MessageState = "kept"         // no SMTP or no address: a person sends it
	MessageFailed     MessageState = "failed"       // the SMTP server refused it for good
	MessageUnknown    MessageState = "unknown"      // a worker stopped mid-send: check before sending again
	MessageSentByHand MessageState = "sent_by_hand" // a person sent or posted it
)

// unsentStates are the states the outbox lists.
var unsentStates = []MessageState{MessagePending, MessageSending, MessageKept, MessageFailed, MessageUnknown}

// sendingStale is how long a claimed message may stay "sending" before a
// later attempt decides its worker died mid-send.
const sendingStale = 10 * time.Minute

// LegalServices is how a notice to Legal Services is addressed.
const LegalServices = "Legal Services"

// box is the table a message is kept in.
type box uint8

const (
	consentBox box = iota // consent_messages: a consent request's letters
	noticeBox             // notices: every other letter
)

func (b box) table() string {
	if b == noticeBox {
		return "notices"
	}
	return "consent_messages"
}

// action starts the names of its audit actions (notice.send).
func (b box) action() string {
	if b == noticeBox {
		return "notice"
	}
	return "consent_message"
}

func (b box) where(ctx context.Context, q store.Querier, where string, args ...any) ([]Message, error) {
	if b == noticeBox {
		return noticesWhere(ctx, q, where, args...)
	}
	return messagesWhere(ctx, q, where, args...)
}

// Message is a letter or email in the outbox: a consent request's (the
// request itself, a reminder — Seq is its number — or the notice to a
// manager), with RequestID; or a notice, with the release or the
// redaction set it is about.
type Message struct {
	ID              string      `json:"id"`
	RequestID       string      `json:"consent_request_id,omitempty"`
	CaseID          string      `json:"case_id"`
	DocumentID      string      `json:"document_id"`
	Kind            letter.Kind `json:"kind"`
	Seq             int         `json:"seq,omitempty"`
	RecipientUserID string      `json:"recipient_user_id,omitempty"`
	// ReleaseID is the release a family letter tells of.
	ReleaseID string `json:"release_id,omitempty"`
	// RedactionSetID and VersionSHA256 are the set and the version a
	// notice to Legal Services asks them to approve.
	RedactionSetID string       `json:"redaction_set_id,omitempty"`
	VersionSHA256  string       `json:"version_sha256,omitempty"`
	ToName         string       `json:"to_name"`
	ToEmail        string       `json:"to_email,omitempty"`
	Subject        string       `json:"subject"`
	Body           string       `json:"body"`
	State          MessageState `json:"state"`
	Attempts       int          `json:"attempts"`
	LastError      string       `json:"last_error,omitempty"`
	CreatedAt      time.Time    `json:"created_at"`
	SentAt         *time.Time   `json:"sent_at,omitempty"`
	SentBy         string       `json:"sent_by,omitempty"`
	LetterSHA256   string       `json:"letter_sha256"`
	box            box
	letterKey      blob.Key
	claimedAt      *time.Time
}

// putLetter stores a rendered letter.
func (s *Service) putLetter(ctx context.Context, pdf []byte) (Evidence, error) {
	key := blob.KeyOf(sha256.Sum256(pdf))
	if err := s.blobs.Put(ctx, key, bytes.NewReader(pdf), int64(len(pdf))); err != nil {
		return Evidence{}, fmt.Errorf("%w: store letter: %w", ErrUnavailable, err)
	}
	return Evidence{Key: key, Size: int64(len(pdf)), MediaType: "application/pdf"}, nil
}

// deliver hands a pending email to the SMTP server, at most once: it is
// claimed first, so a second worker, or a retry after a crash mid-send,
// never sends it again. replyTo is where the recipient's answer goes
// ("" for the sender).
func (s *Service) deliver(ctx context.Context, m Message, replyTo string) error {
	now := s.now().UTC()
	table := m.box.table()
	switch m.State {
	case MessagePending:
	case MessageSending:
		if m.claimedAt != nil && now.Sub(*m.claimedAt) < sendingStale {
			return fmt.Errorf("%w: message %s is being sent by another worker", ErrUnavailable, m.ID)
		}
		// Its worker stopped mid-send: the recipient may have it already.
		// A person checks; a consent request's chase goes on as if it went.
		return s.db.Tx(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE `+table+` SET state = ?, last_error = ? WHERE id = ? AND state = ?`, string(MessageUnknown),
				"the worker stopped while sending: check with the recipient before sending again", m.ID, string(MessageSending))
			if err != nil {
				return fmt.Errorf("mark message unknown: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			at := now
			if m.claimedAt != nil {
				at = *m.claimedAt
			}
			if err := delivered(ctx, tx, m, at); err != nil {
				return err
			}
			return s.auditMessage(ctx, tx, systemActor(), m, "send", audit.Failed, map[string]string{"state": string(MessageUnknown)})
		})
	default:
		return nil // sent, kept for a person, or failed for good
	}
	sender := s.requestConfig().Mail
	if sender == nil { // SMTP was switched off since the letter was made
		return s.db.Tx(ctx, func(tx *store.Tx) error {
			res, err := tx.Exec(ctx, `UPDATE `+table+` SET state = ? WHERE id = ? AND state = ?`, string(MessageKept), m.ID, string(MessagePending))
			if err != nil {
				return fmt.Errorf("keep message: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			return delivered(ctx, tx, m, now)
		})
	}
	res, err := s.db.Exec(ctx, `UPDATE `+table+` SET state = ?, claimed_at = ?, attempts = attempts + 1 WHERE id = ? AND state = ?`,
		string(MessageSending), now, m.ID, string(MessagePending))
	if err != nil {
		return fmt.Errorf("claim message: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // another worker has it
	}
	pdf, err := s.read(ctx, m.letterKey)
	if err != nil {
		return s.unclaim(ctx, m, MessagePending, err)
	}
	err = sender.Send(ctx, rgmail.Message{To: rgmail.Address{Name: m.ToName, Email: m.ToEmail}, ReplyTo: replyTo, Subject: m.Subject, Text: m.Body,
		Attachments: []rgmail.Attachment{{Filename: "letter.pdf", ContentType: "application/pdf", Data: pdf}}})
	if err != nil {
		if rgmail.Permanent(err) {
			return s.unclaim(ctx, m, MessageFailed, err)
		}
		return s.unclaim(ctx, m, MessagePending, err)
	}
	sent := s.now().UTC()
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE `+table+` SET state = ?, sent_at = ?, last_error = '' WHERE id = ? AND state = ?`,
			string(MessageSent), sent, m.ID, string(MessageSending))
		if err != nil {
			return fmt.Errorf("mark message sent: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := delivered(ctx, tx, m, sent); err != nil {
			return err
		}
		return s.auditMessage(ctx, tx, systemActor(), m, "send", audit.OK, map[string]string{"state": string(MessageSent)})
	})
}

// unclaim puts a message whose sending failed back (pending: tried again;
// failed: left in the outbox for a person, counted as gone for a consent
// request's chase) and returns the error to give the task: nil when
// retrying cannot help.
func (s *Service) unclaim(ctx context.Context, m Message, to MessageState, cause error) error {
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE `+m.box.table()+` SET state = ?, last_error = ? WHERE id = ? AND state = ?`,
			string(to), truncate(cause.Error(), 500), m.ID, string(MessageSending))
		if err != nil {
			return fmt.Errorf("release message: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 && to == MessageFailed {
			// Refused for good: it waits in the outbox for a person, and
			// a consent request's chase goes on, so that the manager
			// hears of it in time.
			if err := delivered(ctx, tx, m, s.now().UTC()); err != nil {
				return err
			}
		}
		return s.auditMessage(ctx, tx, systemActor(), m, "send", audit.Failed, map[string]string{"state": string(to)})
	})
	if err != nil {
		return errors.Join(cause, err)
	}
	if to == MessageFailed {
		return nil
	}
	return fmt.Errorf("%w: send %s: %w", ErrUnavailable, m.Kind, cause)
}

// auditMessage appends action (create, send, sent_by_hand) on m, named
// after its table: consent_message.send, notice.send.
func (s *Service) auditMessage(ctx context.Context, tx *store.Tx, a audit.Actor, m Message, action, outcome string, extra map[string]string) error {
	e := a.Entry(m.box.action()+"."+action, outcome)
	e.CaseID, e.DocumentID = m.CaseID, m.DocumentID
	e.Detail = map[string]string{"message_id": m.ID, "kind": string(m.Kind), "state": string(m.State), "letter_sha256": m.LetterSHA256}
	switch m.box {
	case consentBox:
		e.Detail["consent_request_id"], e.Detail["seq"] = m.RequestID, fmt.Sprint(m.Seq)
	case noticeBox:
		for k, v := range map[string]string{"release_id": m.ReleaseID, "redaction_set_id": m.RedactionSetID, "version_sha256": m.VersionSHA256} {
			if v != "" {
				e.Detail[k] = v
			}
		}
	}
	for k, v := range extra {
		e.Detail[k] = v
	}
	return s.audit.AppendTx(ctx, tx, e)
}

const noticeCols = `id, kind, case_id, document_id, release_id, redaction_set_id, version_sha256, to_name, to_email, subject, body, letter_key,
	state, attempts, last_error, created_at, claimed_at, sent_at, sent_by`

func noticesWhere(ctx context.Context, q store.Querier, where string, args ...any) ([]Message, error) {
	where, lock := splitLock(where)
	rows, err := q.Query(ctx, `SELECT `+noticeCols+` FROM notices WHERE `+where+` ORDER BY created_at, id`+lock, args...)
	if err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m := Message{box: noticeBox}
		var key string
		var releaseID, setID sql.NullString
		var claimed, sent sql.NullTime
		if err := rows.Scan(&m.ID, &m.Kind, &m.CaseID, &m.DocumentID, &releaseID, &setID, &m.VersionSHA256, &m.ToName, &m.ToEmail, &m.Subject,
			&m.Body, &key, &m.State, &m.Attempts, &m.LastError, &m.CreatedAt, &claimed, &sent, &m.SentBy); err != nil {
			return nil, fmt.Errorf("read notice: %w", err)
		}
		m.ReleaseID, m.RedactionSetID = releaseID.String, setID.String
		m.letterKey, m.LetterSHA256 = blob.Key(key), keyHex(blob.Key(key))
		m.CreatedAt, m.claimedAt, m.SentAt = m.CreatedAt.UTC(), timePtr(claimed), timePtr(sent)
		out = append(out, m)
	}
	return out, rows.Err()
}

// nullable stores "" as NULL (a foreign key that does not apply).
func nullable(v string) sql.NullString { return sql.NullString{String: v, Valid: v != ""} }

// insertNotice adds m unless a notice of its kind with the same onceKey
// exists; it reports whether it did.
func insertNotice(ctx context.Context, tx *store.Tx, m Message, onceKey string) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO notices (id, kind, once_key, case_id, document_id, release_id, redaction_set_id, version_sha256,
		to_name, to_email, subject, body, letter_key, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, once_key) DO NOTHING`,
		m.ID, string(m.Kind), onceKey, m.CaseID, m.DocumentID, nullable(m.ReleaseID), nullable(m.RedactionSetID), m.VersionSHA256,
		m.ToName, m.ToEmail, m.Subject, m.Body, string(m.letterKey), string(m.State), m.CreatedAt)
	if err != nil {
		return false, fmt.Errorf("insert notice: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// notice finds the notice of kind made once for onceKey.
func (s *Service) notice(ctx context.Context, kind letter.Kind, onceKey string) (Message, bool, error) {
	ms, err := noticesWhere(ctx, s.db, "kind = ? AND once_key = ?", string(kind), onceKey)
	if err != nil || len(ms) == 0 {
		return Message{}, false, err
	}
	return ms[0], true, nil
}

// legalOnceKey makes a legal_route notice once per set and approved
// version.
func legalOnceKey(setID, sha string) string { return setID + ":" + sha }

// findMessage looks id up in both tables; lock is "" or tx.ForUpdate().
func findMessage(ctx context.Context, q store.Querier, id, lock string) (Message, error) {
	if store.ValidID(id) {
		for _, b := range []box{consentBox, noticeBox} {
			ms, err := b.where(ctx, q, "id = ?"+lock, id)
			if err != nil {
				return Message{}, err
			}
			if len(ms) > 0 {
				return ms[0], nil
			}
		}
	}
	return Message{}, fmt.Errorf("%w: there is no such message", ErrNotFound)
}

// GetMessage returns a letter or notice from the outbox, sent or not.
func (s *Service) GetMessage(ctx context.Context, id string) (Message, error) {
	return findMessage(ctx, s.db, id, "")
}

// OutboxFilter selects the outbox.
type OutboxFilter struct {
	// AllocatedTo keeps messages of cases this user is allocated to ("":
	// every case).
	AllocatedTo string
	// Kinds keeps messages of these kinds (empty: every kind).
	Kinds []letter.Kind
}

// Outbox lists the letters and notices not yet sent: kept for a person
// to send, waiting for the SMTP server, refused by it, or of unknown fate.
// Oldest first.
func (s *Service) Outbox(ctx context.Context, f OutboxFilter) ([]Message, error) {
	where := `state IN (?` + strings.Repeat(", ?", len(unsentStates)-1) + `)`
	var args []any
	for _, st := range unsentStates {
		args = append(args, string(st))
	}
	if f.AllocatedTo != "" {
		where += ` AND case_id IN (SELECT case_id FROM case_allocations WHERE user_id = ?)`
		args = append(args, f.AllocatedTo)
	}
	if len(f.Kinds) > 0 {
		where += ` AND kind IN (?` + strings.Repeat(", ?", len(f.Kinds)-1) + `)`
		for _, k := range f.Kinds {
			args = append(args, string(k))
		}
	}
	var out []Message
	for _, b := range []box{consentBox, noticeBox} {
		ms, err := b.where(ctx, s.db, where, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	slices.SortStableFunc(out, func(a, b Message) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// OpenLetter streams a message's letter as a PDF (audited by the caller).
func (s *Service) OpenLetter(ctx context.Context, m Message) (io.ReadCloser, int64, error) {
	rc, n, err := s.blobs.Open(ctx, m.letterKey)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return rc, n, nil
}

// MarkSentByHand records that a person sent, posted or passed on a
// message from the outbox; a consent request's chase counts from now.
func (s *Service) MarkSentByHand(ctx context.Context, a audit.Actor, id string) (Message, error) {
	var m Message
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if m, err = findMessage(ctx, tx, id, tx.ForUpdate()); err != nil {
			return err
		}
		switch m.State {
		case MessageKept, MessagePending, MessageFailed, MessageUnknown:
		case MessageSending:
			return fmt.Errorf("%w: the message is being sent by email right now: look again in a minute", ErrConflict)
		default:
			return fmt.Errorf("%w: the message was sent already", ErrConflict)
		}
		now := s.now().UTC()
		if _, err := tx.Exec(ctx, `UPDATE `+m.box.table()+` SET state = ?, sent_at = ?, sent_by = ? WHERE id = ?`,
			string(MessageSentByHand), now, a.ID, m.ID); err != nil {
			return fmt.Errorf("mark message sent: %w", err)
		}
		if err := delivered(ctx, tx, m, now); err != nil {
			return err
		}
		m.State, m.SentAt, m.SentBy = MessageSentByHand, &now, a.ID
		return s.auditMessage(ctx, tx, a, m, "sent_by_hand", audit.OK, nil)
	})
	return m, err
}

// displayName is a user's name as letters give it.
func (s *Service) displayName(ctx context.Context, id string) (string, error) {
	var name string
	if err := s.db.QueryRow(ctx, `SELECT display_name FROM users WHERE id = ?`, id).Scan(&name); err != nil {
		return "", fmt.Errorf("read user %s: %w", id, err)
	}
	return name, nil
}

// RouteToLegal is the legal:route task: redaction set setID, whose
// manager-approved version is sha, waits for Legal Services on a Care
// Order case (approved on one, or applied before the case became one), so
// Legal Services is told, once per set and version: by email to
// RG_LEGAL_EMAIL when SMTP is configured, otherwise in the outbox. A set
// amended, rejected or approved by Legal Services since, or on a case no
// longer under a Care Order, needs no notice. Running it again sends
// nothing more; an email that failed for a passing reason is tried again.
func (s *Service) RouteToLegal(ctx context.Context, setID, sha string) error {
	m, found, err := s.notice(ctx, letter.LegalRoute, legalOnceKey(setID, sha))
	if err != nil {
		return err
	}
	if !found {
		st, err := s.GetSet(ctx, setID)
		if err != nil {
			return err
		}
		if (st.State != Approved && st.State != Applied) || st.ApprovedSHA256 != sha || st.VersionSHA256 != sha || st.LegalSHA256 == sha {
			return nil
		}
		d, err := s.docs.Get(ctx, st.DocumentID)
		if err != nil {
			return err
		}
		c, err := s.cases.Get(ctx, d.CaseID)
		if err != nil {
			return err
		}
		if !c.LegalStatus.IsCareOrder() {
			return nil
		}
		if m, err = s.newLegalNotice(ctx, st, d, c); err != nil {
			return err
		}
	}
	return s.deliver(ctx, m, "")
}

func (s *Service) newLegalNotice(ctx context.Context, st Set, d document.Document, c casefile.Case) (Message, error) {
	drawnBy, err := s.displayName(ctx, st.DrawnBy)
	if err != nil {
		return Message{}, err
	}
	manager, err := s.displayName(ctx, st.ApprovedBy)
	if err != nil {
		return Message{}, err
	}
	order := "full"
	if c.LegalStatus == casefile.InterimCareOrder {
		order = "interim"
	}
	count := len(st.Marks) + len(st.AppliedTerms)
	if len(st.AppliedTerms) == 0 {
		count = len(st.Marks) + len(st.Terms)
	}
	approvedOn := s.now()
	if st.ApprovedAt != nil {
		approvedOn = *st.ApprovedAt
	}
	cfg := s.requestConfig()
	now := s.now().UTC()
	uk := ukLocation()
	l, err := letter.Render(letter.LegalRoute, letter.Data{
		"DocumentTitle":     d.Filename,
		"DocumentType":      documentType(d.Receipt.AuthorOrg),
		"CaseReference":     c.ChildRef,
		"SocialWorkerName":  drawnBy,
		"TeamName":          nonBlank(c.Team, "Children's Services"),
		"ManagerName":       manager,
		"VersionSHA256":     st.ApprovedSHA256,
		"ReviewLink":        cfg.BaseURL + "/api/v1/redactions/" + st.ID,
		"ManagerApprovedOn": approvedOn.In(uk),
		"RedactionCount":    count,
		"Audience":          string(st.Audience),
		"OrderType":         order,
	}, now.In(uk))
	if err != nil {
		return Message{}, fmt.Errorf("render legal notice: %w", err)
	}
	ev, err := s.putLetter(ctx, l.PDF)
	if err != nil {
		return Message{}, err
	}
	m := Message{ID: store.NewID(), CaseID: c.ID, DocumentID: d.ID, Kind: letter.LegalRoute, RedactionSetID: st.ID, VersionSHA256: st.ApprovedSHA256,
		ToName: LegalServices, ToEmail: cfg.LegalEmail, Subject: l.Subject, Body: l.Text, State: MessagePending, CreatedAt: now,
		box: noticeBox, letterKey: ev.Key, LetterSHA256: keyHex(ev.Key)}
	if cfg.Mail == nil || cfg.LegalEmail == "" {
		m.State = MessageKept
	}
	onceKey := legalOnceKey(st.ID, st.ApprovedSHA256)
	inserted := false
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := registerBlob(ctx, tx, ev, now); err != nil {
			return err
		}
		if inserted, err = insertNotice(ctx, tx, m, onceKey); err != nil || !inserted {
			return err
		}
		return s.auditMessage(ctx, tx, systemActor(), m, "create", audit.OK, map[string]string{"by_email": fmt.Sprint(m.State == MessagePending)})
	})
	if err != nil {
		return Message{}, err
	}
	if !inserted { // another worker made it first: theirs is the notice
		m, _, err = s.notice(ctx, letter.LegalRoute, onceKey)
	}
	return m, err
}

// documentType names a document by its author's organisation for a
// notice ("report from Example Constabulary").
func documentType(org string) string {
	if strings.TrimSpace(org) == "" {
		return "report"
	}
	return "report from " + org
}

// LegalRoute names a redaction set and the version Legal Services is to
// be told of.
type LegalRoute struct {
	SetID         string
	VersionSHA256 string
}

// LegalRoutesDue lists what legal:route has to do, for the reconciler and
// for a case that has just become a Care Order: every redaction set
// waiting for Legal Services on a Care Order case (as LegalQueue lists
// them) with no notice of its approved version, or one whose email still
// waits for the mail server. caseID "" means every case.
func (s *Service) LegalRoutesDue(ctx context.Context, caseID string, limit int) ([]LegalRoute, error) {
	q := `SELECT s.id, s.approved_sha256 FROM redaction_sets s JOIN documents d ON d.id = s.document_id JOIN cases c ON c.id = d.case_id
		WHERE s.state IN (?, ?) AND s.approved_sha256 <> '' AND s.legal_sha256 <> s.approved_sha256 AND c.legal_status IN (?, ?)
		AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.kind = ? AND n.redaction_set_id = s.id AND n.version_sha256 = s.approved_sha256
			AND n.state <> ?)`
	args := []any{string(Approved), string(Applied), string(casefile.CareOrder), string(casefile.InterimCareOrder),
		string(letter.LegalRoute), string(MessagePending)}
	if caseID != "" {
		q += ` AND c.id = ?`
		args = append(args, caseID)
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY s.updated_at, s.id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list sets due to Legal Services: %w", err)
	}
	defer rows.Close()
	var out []LegalRoute
	for rows.Next() {
		var r LegalRoute
		if err := rows.Scan(&r.SetID, &r.VersionSHA256); err != nil {
			return nil, fmt.Errorf("read set due to Legal Services: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
