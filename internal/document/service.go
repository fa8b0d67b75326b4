package document

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/pdf/ingest"
	"github.com/releasegate/releasegate/internal/store"
	"github.com/releasegate/releasegate/internal/user"
)

// Service uploads, ingests and serves documents.
type Service struct {
	db      *store.DB
	blobs   blob.Store
	audit   *audit.Log
	limits  ingest.Limits
	scratch string // parent of per-task scratch directories
	log     *slog.Logger
	now     func() time.Time
}

// Config is what a Service needs besides its backends.
type Config struct {
	Limits  ingest.Limits
	Scratch string // "" means os.TempDir()
}

// NewService returns a Service.
func NewService(db *store.DB, blobs blob.Store, log *audit.Log, logger *slog.Logger, cfg Config) *Service {
	if cfg.Scratch == "" {
		cfg.Scratch = os.TempDir()
	}
	return &Service{db: db, blobs: blobs, audit: log, limits: cfg.Limits, scratch: cfg.Scratch, log: logger, now: time.Now}
}

// Upload is a file received over HTTP and spooled to local disk.
type Upload struct {
	Filename string
	Kind     ingest.Kind
	File     *blob.Spooled
}

// Create stores the original as received and records the document with its
// receipt, in state received (or rejected straight away when the supplied
// password does not open it). Blobs are written before the record, so no
// record ever points at nothing; if the record cannot be written the blobs
// it would have named are removed (the sweeper catches any that a crash
// leaves).
func (s *Service) Create(ctx context.Context, a audit.Actor, caseID string, r Receipt, up Upload) (Document, error) {
	now := s.now().UTC()
	if err := r.Validate(now); err != nil {
		return Document{}, err
	}
	d := Document{ID: store.NewID(), CaseID: caseID, State: Received, Filename: cleanFilename(up.Filename), MediaType: string(up.Kind),
		OriginalKey: up.File.Key, OriginalSize: up.File.Size, Receipt: r, UploadedBy: a.ID, CreatedAt: now, UpdatedAt: now,
		TextPages: []int{}, ImagePages: []int{}}
	d.Receipt.Password = ""
	if err := s.putSpooled(ctx, up.File); err != nil {
		return Document{}, err
	}
	var working *blob.Spooled
	if r.Password != "" && up.Kind == ingest.KindPDF {
		w, info, err := s.decrypt(ctx, up.File, r.Password)
		switch {
		case errors.Is(err, ingest.ErrWrongPassword), errors.Is(err, ingest.ErrDamaged), errors.Is(err, ingest.ErrTooLarge), errors.Is(err, ingest.ErrTooManyPages):
			d.State, d.RejectReason = Rejected, ingest.Reason(err)
		case err != nil:
			s.dropOrphans(ctx, up.File.Key)
			return Document{}, err
		default:
			defer w.Remove()
			if err := s.putSpooled(ctx, w); err != nil {
				s.dropOrphans(ctx, up.File.Key)
				return Document{}, err
			}
			working, d.WorkingKey, d.Encrypted = w, w.Key, info.Encrypted
		}
	}
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := registerBlob(ctx, tx, up.File.Key, up.File.Size, string(up.Kind), now); err != nil {
			return err
		}
		var workingKey any
		if working != nil {
			if err := registerBlob(ctx, tx, working.Key, working.Size, string(ingest.KindPDF), now); err != nil {
				return err
			}
			workingKey = string(working.Key)
		}
		_, err := tx.Exec(ctx, `INSERT INTO documents (id, case_id, state, reject_reason, filename, media_type, original_key, original_size, working_key,
			author_name, author_role, author_org, received_on, received_how, restrictions, encrypted, uploaded_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.CaseID, string(d.State), d.RejectReason, d.Filename, d.MediaType, string(d.OriginalKey), d.OriginalSize, workingKey,
			r.AuthorName, r.AuthorRole, r.AuthorOrg, r.ReceivedOn, r.ReceivedHow, r.Restrictions, d.Encrypted, a.ID, now, now)
		if err != nil {
			return fmt.Errorf("insert document: %w", err)
		}
		e := a.Entry("document.upload", audit.OK)
		e.CaseID, e.DocumentID = caseID, d.ID
		e.Detail = map[string]string{"sha256": d.SHA256(), "size": fmt.Sprint(d.OriginalSize), "media_type": d.MediaType, "state": string(d.State)}
		return s.audit.AppendTx(ctx, tx, e)
	})
	if err != nil {
		keys := []blob.Key{up.File.Key}
		if working != nil {
			keys = append(keys, working.Key)
		}
		s.dropOrphans(ctx, keys...)
		return Document{}, err
	}
	return d, nil
}

// registerBlob records that an object is referenced by the records.
func registerBlob(ctx context.Context, tx *store.Tx, key blob.Key, size int64, mediaType string, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO blobs (blob_key, size, media_type, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (blob_key) DO NOTHING`,
		string(key), size, mediaType, now)
	if err != nil {
		return fmt.Errorf("register blob: %w", err)
	}
	return nil
}

func (s *Service) putSpooled(ctx context.Context, sp *blob.Spooled) error {
	f, err := sp.Open()
	if err != nil {
		return fmt.Errorf("reopen spooled upload: %w", err)
	}
	defer f.Close()
	if err := s.blobs.Put(ctx, sp.Key, f, sp.Size); err != nil {
		if errors.Is(err, blob.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return fmt.Errorf("store blob: %w", err)
	}
	return nil
}

// dropOrphans removes objects that no record names, after a failed write.
// Best effort: the periodic sweeper removes whatever this misses.
func (s *Service) dropOrphans(ctx context.Context, keys ...blob.Key) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for _, k := range keys {
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM blobs WHERE blob_key = ?`, string(k)).Scan(&n); err != nil || n > 0 {
			continue
		}
		if err := s.blobs.Delete(ctx, k); err != nil && !errors.Is(err, blob.ErrNotFound) {
			s.log.WarnContext(ctx, "remove orphan blob", "blob", string(k), "err", err)
		}
	}
}

// decrypt makes the decrypted working copy of an encrypted PDF upload.
func (s *Service) decrypt(ctx context.Context, sp *blob.Spooled, password string) (*blob.Spooled, ingest.Info, error) {
	dir, err := os.MkdirTemp(s.scratch, "decrypt-*")
	if err != nil {
		return nil, ingest.Info{}, fmt.Errorf("make scratch directory: %w", err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "working.pdf")
	info, err := ingest.Inspect(ctx, sp.Path, out, password, s.limits)
	if err != nil {
		return nil, info, err
	}
	w, err := spoolFile(out, s.scratch)
	return w, info, err
}

// spoolFile re-spools a local file (a working copy ingest wrote) so it can
// be stored under its content address.
func spoolFile(path, dir string) (*blob.Spooled, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open working copy: %w", err)
	}
	defer f.Close()
	return blob.Spool(context.Background(), dir, f, math.MaxInt64-1)
}

// Ingest takes a document from received to ready, or to rejected with a
// reason a social worker can act on. It is idempotent: a document already
// ready or rejected is left alone, and the final transition happens once.
// It returns an error wrapping ErrRejected for permanent outcomes and other
// errors for transient failures worth retrying.
func (s *Service) Ingest(ctx context.Context, id string) (err error) {
	d, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if d.State == Ready || d.State == Rejected {
		return nil
	}
	if _, err := s.db.Exec(ctx, `UPDATE documents SET state = 'ingesting', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state IN ('received', 'ingesting')`,
		s.now().UTC(), id); err != nil {
		return fmt.Errorf("mark ingesting: %w", err)
	}
	dir, err := os.MkdirTemp(s.scratch, "ingest-*")
	if err != nil {
		return fmt.Errorf("make scratch directory: %w", err)
	}
	defer os.RemoveAll(dir)

	src := d.OriginalKey
	if d.WorkingKey != "" {
		src = d.WorkingKey
	}
	in := filepath.Join(dir, "in")
	head, err := s.download(ctx, src, in)
	if err != nil {
		return err
	}
	out := filepath.Join(dir, "working.pdf")
	var info ingest.Info
	switch kind := ingest.Sniff(head); kind {
	case ingest.KindPDF:
		info, err = ingest.Inspect(ctx, in, out, "", s.limits)
	case ingest.KindJPEG, ingest.KindPNG, ingest.KindTIFF:
		info, err = ingest.FromImage(ctx, in, out, s.limits)
	default:
		err = fmt.Errorf("%w: sniffed %q", ingest.ErrUnsupported, kind)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if permanent(err) {
			return s.reject(ctx, d, ingest.Reason(err), err)
		}
		return fmt.Errorf("inspect: %w", err)
	}
	info.Encrypted = info.Encrypted || d.Encrypted
	w, err := spoolFile(out, dir)
	if err != nil {
		return err
	}
	defer w.Remove()
	if err := s.putSpooled(ctx, w); err != nil {
		return err
	}
	return s.ready(ctx, d, w, info)
}

// permanent reports whether an ingest error is about the file itself.
func permanent(err error) bool {
	for _, e := range []error{ingest.ErrPasswordRequired, ingest.ErrWrongPassword, ingest.ErrDamaged, ingest.ErrTooManyPages, ingest.ErrTooLarge, ingest.ErrUnsupported} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func (s *Service) download(ctx context.Context, key blob.Key, path string) ([]byte, error) {
	rc, size, err := s.blobs.Open(ctx, key)
	if err != nil {
		if errors.Is(err, blob.ErrNotFound) {
			return nil, fmt.Errorf("original %s is missing from storage: %w", key, err)
		}
		return nil, fmt.Errorf("%w: open blob: %w", ErrUnavailable, err)
	}
	defer rc.Close()
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create scratch file: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), rc)
	if err != nil {
		return nil, fmt.Errorf("%w: read blob: %w", ErrUnavailable, err)
	}
	if n != size || blob.KeyOf([32]byte(h.Sum(nil))) != key {
		return nil, fmt.Errorf("blob %s does not match its address", key)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind scratch file: %w", err)
	}
	head := make([]byte, 1024)
	k, _ := io.ReadFull(f, head)
	return head[:k], nil
}

func (s *Service) ready(ctx context.Context, d Document, w *blob.Spooled, info ingest.Info) error {
	now := s.now().UTC()
	textPages, _ := json.Marshal(nonNil(info.TextPages))
	imagePages, _ := json.Marshal(nonNil(info.ImagePages))
	return s.db.Tx(ctx, func(tx *store.Tx) error {
		if err := registerBlob(ctx, tx, w.Key, w.Size, string(ingest.KindPDF), now); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE documents SET state = 'ready', working_key = ?, pages = ?, pdf_version = ?, producer = ?, encrypted = ?, from_image = ?,
			text_pages = ?, image_pages = ?, updated_at = ?, ingested_at = ? WHERE id = ? AND state IN ('received', 'ingesting')`,
			string(w.Key), info.Pages, info.Version, truncate(info.Producer, 200), info.Encrypted, info.FromImage, string(textPages), string(imagePages), now, now, d.ID)
		if err != nil {
			return fmt.Errorf("mark ready: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another delivery finished first
		}
		e := systemActor().Entry("document.ready", audit.OK)
		e.CaseID, e.DocumentID = d.CaseID, d.ID
		e.Detail = map[string]string{"pages": fmt.Sprint(info.Pages), "working_sha256": hexKey(w.Key)}
		return s.audit.AppendTx(ctx, tx, e)
	})
}

func (s *Service) reject(ctx context.Context, d Document, reason string, cause error) error {
	s.log.InfoContext(ctx, "document rejected", "document_id", d.ID, "err", cause)
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE documents SET state = 'rejected', reject_reason = ?, updated_at = ? WHERE id = ? AND state IN ('received', 'ingesting')`,
			reason, s.now().UTC(), d.ID)
		if err != nil {
			return fmt.Errorf("mark rejected: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		e := systemActor().Entry("document.reject", audit.OK)
		e.CaseID, e.DocumentID = d.CaseID, d.ID
		e.Detail = map[string]string{"reason": reason}
		return s.audit.AppendTx(ctx, tx, e)
	})
	if err != nil {
		return err
	}
	return fmt.Errorf("%w: %s", ErrRejected, reason)
}

// Version names a stored file of a document.
type Version string

// Versions that exist after ingest.
const (
	Original Version = "original" // exactly as received
	Working  Version = "working"  // decrypted (or converted from a scan) PDF
)

// Open streams a version of a document and records the view in the audit
// log. It returns the reader, its size and media type.
func (s *Service) Open(ctx context.Context, a audit.Actor, d Document, v Version) (io.ReadCloser, int64, string, error) {
	key, mediaType := d.OriginalKey, d.MediaType
	switch v {
	case Original, "":
		v = Original
	case Working:
		if d.WorkingKey == "" {
			return nil, 0, "", fmt.Errorf("%w: the working copy is made at ingest; this document has none yet", ErrNotFound)
		}
		key, mediaType = d.WorkingKey, string(ingest.KindPDF)
	default:
		return nil, 0, "", fmt.Errorf("%w: version must be original or working", ErrInvalid)
	}
	rc, size, err := s.blobs.Open(ctx, key)
	if err != nil {
		if errors.Is(err, blob.ErrNotFound) {
			return nil, 0, "", fmt.Errorf("stored file %s is missing: %w", key, err)
		}
		return nil, 0, "", fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	e := a.Entry("document.download", audit.OK)
	e.CaseID, e.DocumentID = d.CaseID, d.ID
	e.Detail = map[string]string{"version": string(v), "sha256": hexKey(key)}
	if err := s.audit.Append(ctx, e); err != nil {
		rc.Close()
		return nil, 0, "", err
	}
	return rc, size, mediaType, nil
}

func systemActor() audit.Actor {
	return audit.Actor{ID: user.System.ID, Role: string(user.System.Role)}
}

func nonNil(p []int) []int {
	if p == nil {
		return []int{}
	}
	return p
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// cleanFilename keeps the base name a browser sent, for display only; it is
// never used as a path.
func cleanFilename(name string) string {
	name = filepath.Base(filepath.Clean("/" + name))
	if name == "/" || name == "." {
		return "document"
	}
	return truncate(name, 255)
}

// hexKey is the SHA-256 a key names, as hex, for audit entries.
func hexKey(k blob.Key) string {
	sum := k.Sum()
	return hex.EncodeToString(sum[:])
}
