package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/letter"
	"github.com/releasegate/releasegate/internal/pdf/stamp"
	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/user"
)

// Delivery states.
const (
	DeliveryPending   = "pending"   // the stamped file is being made
	DeliveryDelivered = "delivered" // the recipient's link works
	DeliveryFailed    = "failed"    // the version could not be stamped: see Error
)

// LinkTTL is how long a recipient's download link works.
const LinkTTL = 14 * 24 * time.Hour

// Errors of a recipient's link.
var (
	ErrLinkExpired = errors.New("link expired")
	ErrNotReady    = errors.New("not ready yet") // the stamped file is being made
)

// Delivery is how a release reaches its recipient.
type Delivery struct {
	State          string     `json:"state"`
	Error          string     `json:"error,omitempty"`
	LinkExpiresAt  time.Time  `json:"link_expires_at"`
	Downloads      int        `json:"downloads"`
	NotifyFamily   bool       `json:"notify_family"`
	FamilyLetter   bool       `json:"family_letter"` // rendered, ready to send
	DeliveredAt    *time.Time `json:"delivered_at,omitempty"`
	stampedKey     blob.Key
	familyLetterKy blob.Key
}

// Link is a recipient's download link, shown once: only the SHA-256 of
// its token is stored.
type Link struct {
	URL       string    `json:"url"` // a path: the server's origin goes in front
	ExpiresAt time.Time `json:"expires_at"`
}

// newLink makes a token and returns the link and the token's hash.
func newLink(now time.Time) (Link, string, error) {
	tok, hash, err := newLinkToken()
	if err != nil {
		return Link{}, "", err
	}
	return Link{URL: "/download/v1/" + tok, ExpiresAt: now.Add(LinkTTL)}, hash, nil
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// insertDelivery records a new release's delivery, in its transaction.
func insertDelivery(ctx context.Context, tx *store.Tx, r *Release, now time.Time) error {
	link, hash, err := newLink(now)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO deliveries (release_id, state, link_hash, link_expires_at, notify_family, family_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		r.ID, DeliveryPending, hash, link.ExpiresAt, r.FamilyInformed, r.FamilyName, now); err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	r.Download = &link
	r.Delivery = &Delivery{State: DeliveryPending, LinkExpiresAt: link.ExpiresAt, NotifyFamily: r.FamilyInformed}
	return nil
}

// GetRelease reads one release with its delivery.
func (s *Service) GetRelease(ctx context.Context, id string) (Release, error) {
	rs, err := s.queryReleases(ctx, `WHERE r.id = ?`, id)
	return only(rs, err, "release")
}

// Deliver makes a release's stamped file: every page of the approved
// version carries the release reference, the recipient, the date and the
// author's restrictions. Done once: a second run finds it delivered.
func (s *Service) Deliver(ctx context.Context, releaseID string) error {
	r, err := s.GetRelease(ctx, releaseID)
	if err != nil {
		return err
	}
	if r.Delivery.State != DeliveryPending {
		return nil
	}
	st, err := s.GetSet(ctx, r.RedactionSetID)
	if err != nil {
		return err
	}
	if st.VersionSHA256 != r.VersionSHA256 {
		return s.failDelivery(ctx, r, "the approved version is no longer the set's version")
	}
	version, err := s.read(ctx, st.versionKey)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		loc = time.UTC
	}
	out, err := stamp.Apply(ctx, version, stamp.Footer{
		Reference:    r.Reference,
		Recipient:    strings.Join([]string{r.Recipient.Name, r.Recipient.Role, r.Recipient.Organisation}, ", "),
		Date:         r.ReleasedAt.In(loc),
		Restrictions: r.Restrictions,
	})
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return s.failDelivery(ctx, r, err.Error())
	}
	sum := sha256.Sum256(out)
	key := blob.KeyOf(sum)
	if err := s.blobs.Put(ctx, key, bytes.NewReader(out), int64(len(out))); err != nil {
		return fmt.Errorf("%w: store stamped file: %w", ErrUnavailable, err)
	}
	now := s.now().UTC()
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := registerBlob(ctx, tx, Evidence{Key: key, Size: int64(len(out)), MediaType: "application/pdf"}, now); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE deliveries SET state = ?, stamped_key = ?, delivered_at = ? WHERE release_id = ? AND state = ?`,
			DeliveryDelivered, string(key), now, r.ID, DeliveryPending)
		if err != nil {
			return fmt.Errorf("record delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // delivered meanwhile
		}
		return s.auditRelease(ctx, tx, systemActor(), r, "release.deliver", audit.OK, map[string]string{"stamped_sha256": keyHex(key)})
	})
}

func (s *Service) failDelivery(ctx context.Context, r Release, why string) error {
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE deliveries SET state = ?, error = ? WHERE release_id = ? AND state = ?`,
			DeliveryFailed, truncate(why, 500), r.ID, DeliveryPending)
		if err != nil {
			return fmt.Errorf("record delivery failure: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.auditRelease(ctx, tx, systemActor(), r, "release.deliver", audit.Failed, nil)
	})
}

func systemActor() audit.Actor {
	return audit.Actor{ID: user.System.ID, Role: string(user.System.Role)}
}

func (s *Service) auditRelease(ctx context.Context, tx *store.Tx, a audit.Actor, r Release, action, outcome string, extra map[string]string) error {
	e := a.Entry(action, outcome)
	e.CaseID, e.DocumentID = r.CaseID, r.DocumentID
	e.Detail = map[string]string{"release_id": r.ID, "reference": r.Reference}
	for k, v := range extra {
		e.Detail[k] = v
	}
	return s.audit.AppendTx(ctx, tx, e)
}

// Contact is what a family letter tells the family to use.
type Contact struct {
	Email      string // the team's address (RG_CONTACT_EMAIL)
	Complaints string // how to complain (RG_COMPLAINTS_CONTACT)
}

// SetContact sets the contact details family letters give.
func (s *Service) SetContact(c Contact) { s.contact = c }

// NotifyFamily renders the letter telling the family about a release,
// unless an exemption was recorded. The letter is kept with the release
// and in the outbox, for the social worker to post (families have no
// email address in the records) and record as sent; done once.
func (s *Service) NotifyFamily(ctx context.Context, releaseID string) error {
	r, err := s.GetRelease(ctx, releaseID)
	if err != nil {
		return err
	}
	if !r.Delivery.NotifyFamily || r.Delivery.FamilyLetter {
		return nil
	}
	c, err := s.cases.Get(ctx, r.CaseID)
	if err != nil {
		return err
	}
	worker, err := s.displayName(ctx, r.ReleasedBy)
	if err != nil {
		return err
	}
	name := nonBlank(r.FamilyName, "parent or carer")
	uk := ukLocation()
	l, err := letter.Render(letter.FamilyNotification, letter.Data{
		"FamilyName":            name,
		"DocumentDescription":   documentDescription(r.authorOrg),
		"RecipientRole":         r.Recipient.Role,
		"RecipientOrganisation": r.Recipient.Organisation,
		"Purpose":               r.Purpose,
		"CaseReference":         c.ChildRef,
		"SocialWorkerName":      worker,
		"SocialWorkerEmail":     nonBlank(s.contact.Email, "the address on our last letter to you"),
		"TeamName":              nonBlank(c.Team, "Children's Services"),
		"ComplaintsContact":     nonBlank(s.contact.Complaints, "the council's complaints team"),
		"SharedOn":              r.ReleasedAt.In(uk),
	}, s.now().In(uk))
	if err != nil {
		return fmt.Errorf("render family letter: %w", err)
	}
	ev, err := s.putLetter(ctx, l.PDF)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	m := Message{ID: store.NewID(), CaseID: r.CaseID, DocumentID: r.DocumentID, Kind: letter.FamilyNotification, ReleaseID: r.ID,
		ToName: name, Subject: l.Subject, Body: l.Text, State: MessageKept, CreatedAt: now, box: noticeBox, letterKey: ev.Key,
		LetterSHA256: keyHex(ev.Key)}
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := registerBlob(ctx, tx, ev, now); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE deliveries SET family_letter_key = ? WHERE release_id = ? AND family_letter_key IS NULL`, string(ev.Key), r.ID)
		if err != nil {
			return fmt.Errorf("record family letter: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // made meanwhile
		}
		if _, err := insertNotice(ctx, tx, m, r.ID); err != nil {
			return err
		}
		if err := s.auditMessage(ctx, tx, systemActor(), m, "create", audit.OK, nil); err != nil {
			return err
		}
		return s.auditRelease(ctx, tx, systemActor(), r, "family.notify", audit.OK, nil)
	})
}

func documentDescription(org string) string {
	if strings.TrimSpace(org) == "" {
		return "a report written about your family"
	}
	return "a report from " + org
}

func nonBlank(v, otherwise string) string {
	if strings.TrimSpace(v) == "" {
		return otherwise
	}
	return v
}

// Download opens a release's stamped file for its recipient, by the
// token of their link; every use is audited.
func (s *Service) Download(ctx context.Context, token string) (io.ReadCloser, int64, Release, error) {
	var id string
	err := s.db.QueryRow(ctx, `SELECT release_id FROM deliveries WHERE link_hash = ?`, hashToken(token)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, Release{}, fmt.Errorf("%w: this download link is not known: ask the sender for a new one", ErrNotFound)
	}
	if err != nil {
		return nil, 0, Release{}, fmt.Errorf("look up download link: %w", err)
	}
	r, err := s.GetRelease(ctx, id)
	if err != nil {
		return nil, 0, Release{}, err
	}
	recipient := audit.Actor{ID: "recipient:" + r.ID, Role: "recipient"}
	deny := func(why error) (io.ReadCloser, int64, Release, error) {
		if err := s.db.Tx(ctx, func(tx *store.Tx) error {
			return s.auditRelease(ctx, tx, recipient, r, "release.download", audit.Denied, nil)
		}); err != nil {
			return nil, 0, Release{}, err
		}
		return nil, 0, Release{}, why
	}
	switch {
	case !s.now().Before(r.Delivery.LinkExpiresAt):
		return deny(fmt.Errorf("%w: this download link expired on %s: ask the sender for a new one", ErrLinkExpired, r.Delivery.LinkExpiresAt.Format(time.DateOnly)))
	case r.Delivery.State == DeliveryPending:
		return nil, 0, Release{}, fmt.Errorf("%w: the file is still being prepared: try again in a minute", ErrNotReady)
	case r.Delivery.State != DeliveryDelivered:
		return deny(fmt.Errorf("%w: this file could not be prepared: ask the sender", ErrConflict))
	}
	rc, size, err := s.blobs.Open(ctx, r.Delivery.stampedKey)
	if err != nil {
		return nil, 0, Release{}, fmt.Errorf("%w: open stamped file: %w", ErrUnavailable, err)
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET downloads = downloads + 1 WHERE release_id = ?`, r.ID); err != nil {
			return fmt.Errorf("count download: %w", err)
		}
		return s.auditRelease(ctx, tx, recipient, r, "release.download", audit.OK, nil)
	})
	if err != nil {
		rc.Close()
		return nil, 0, Release{}, err
	}
	return rc, size, r, nil
}

// NewLink replaces a release's download link (the old one stops working).
func (s *Service) NewLink(ctx context.Context, a audit.Actor, r Release) (Link, error) {
	now := s.now().UTC()
	link, hash, err := newLink(now)
	if err != nil {
		return Link{}, err
	}
	err = s.db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE deliveries SET link_hash = ?, link_expires_at = ? WHERE release_id = ?`, hash, link.ExpiresAt, r.ID); err != nil {
			return fmt.Errorf("replace download link: %w", err)
		}
		return s.auditRelease(ctx, tx, a, r, "release.link", audit.OK, nil)
	})
	return link, err
}

// OpenStamped opens a release's stamped file (staff; audited by the caller).
func (s *Service) OpenStamped(ctx context.Context, r Release) (io.ReadCloser, int64, error) {
	if r.Delivery == nil || r.Delivery.State != DeliveryDelivered {
		return nil, 0, fmt.Errorf("%w: the stamped file is not ready (delivery %s)", ErrConflict, r.Delivery.State)
	}
	return s.blobs.Open(ctx, r.Delivery.stampedKey)
}

// OpenFamilyLetter opens the letter to the family (audited by the caller).
func (s *Service) OpenFamilyLetter(ctx context.Context, r Release) (io.ReadCloser, int64, error) {
	if r.Delivery == nil || !r.Delivery.FamilyLetter {
		return nil, 0, fmt.Errorf("%w: there is no letter to the family for this release", ErrNotFound)
	}
	return s.blobs.Open(ctx, r.Delivery.familyLetterKy)
}

// PendingDelivery is work the reconciler hands back to the worker.
type PendingDelivery struct {
	ReleaseID string
	Deliver   bool // the stamped file is not made
	Notify    bool // the family letter is not rendered
}

// PendingDeliveries lists releases whose delivery or family letter is not
// done, oldest first.
func (s *Service) PendingDeliveries(ctx context.Context, limit int) ([]PendingDelivery, error) {
	rows, err := s.db.Query(ctx, `SELECT release_id, state, notify_family AND family_letter_key IS NULL FROM deliveries
		WHERE state = ? OR (notify_family AND family_letter_key IS NULL) ORDER BY created_at LIMIT ?`, DeliveryPending, limit)
	if err != nil {
		return nil, fmt.Errorf("list pending deliveries: %w", err)
	}
	defer rows.Close()
	var out []PendingDelivery
	for rows.Next() {
		var p PendingDelivery
		var state string
		if err := rows.Scan(&p.ReleaseID, &state, &p.Notify); err != nil {
			return nil, fmt.Errorf("read pending delivery: %w", err)
		}
		p.Deliver = state == DeliveryPending
		out = append(out, p)
	}
	return out, rows.Err()
}
