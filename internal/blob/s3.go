package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says how to reach the bucket. It mirrors the RG_S3_* settings.
type S3Config struct {
	// Endpoint is host[:port] without a scheme, e.g. "minio.internal:9000".
	Endpoint string
	// Bucket holds every object of this installation; NewS3 creates it.
	Bucket string
	// AccessKey and SecretKey are the credentials; never logged.
	AccessKey string
	SecretKey string
	// Region is optional; empty lets the client discover the bucket's region.
	Region string
	// UseTLS selects https.
	UseTLS bool
	// MaxRetries bounds attempts per request (default 3), so an outage is
	// reported as ErrUnavailable within about a second instead of the
	// client's default of ten backed-off attempts; queued work has its own
	// retry with backoff above this.
	MaxRetries int
	// Logger receives start-up notes (never credentials); nil discards them.
	Logger *slog.Logger
}

// defaultMaxRetries is used when S3Config.MaxRetries is zero.
const defaultMaxRetries = 3

// dialTimeout bounds connecting to the endpoint, so a black-holed address
// fails like a refused one rather than after the system's TCP timeout.
const dialTimeout = 5 * time.Second

// S3 is a Store in an S3 bucket (MinIO in production) through minio-go.
// Object names are the keys themselves.
type S3 struct {
	client *minio.Client
	bucket string
	log    *slog.Logger
}

// NewS3 connects to the endpoint, creates the bucket if it is missing and
// enables versioning where the server supports it, so an object removed or
// replaced by mistake outside releasegate can be recovered. Failures to reach
// the server match ErrUnavailable, letting a supervisor retry start-up.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	s, err := newS3(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.ensureBucket(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// newS3 builds the client without touching the network.
func newS3(cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("new s3 store: endpoint and bucket are required")
	}
	if strings.Contains(cfg.Endpoint, "://") {
		return nil, fmt.Errorf("new s3 store: endpoint %q must be host:port without a scheme (use UseTLS for https)", cfg.Endpoint)
	}
	tr, err := minio.DefaultTransport(cfg.UseTLS)
	if err != nil {
		return nil, fmt.Errorf("new s3 store: %w", err)
	}
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	retries := cfg.MaxRetries
	if retries <= 0 {
		retries = defaultMaxRetries
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:     cfg.UseTLS,
		Region:     cfg.Region,
		Transport:  tr,
		MaxRetries: retries,
	})
	if err != nil {
		return nil, fmt.Errorf("new s3 store: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &S3{client: client, bucket: cfg.Bucket, log: log}, nil
}

// ensureBucket creates the bucket if needed and turns versioning on.
func (s *S3) ensureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("check bucket %s: %w", s.bucket, classify(err))
	}
	if !ok {
		err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{})
		if code := minio.ToErrorResponse(err).Code; err != nil && code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
			return fmt.Errorf("make bucket %s: %w", s.bucket, classify(err))
		}
	}
	vc, err := s.client.GetBucketVersioning(ctx, s.bucket)
	if err == nil && vc.Enabled() {
		return nil
	}
	if err == nil {
		err = s.client.EnableVersioning(ctx, s.bucket)
	}
	if err != nil {
		if notSupported(err) {
			s.log.InfoContext(ctx, "s3 bucket versioning not supported by the server; continuing without it", "bucket", s.bucket)
			return nil
		}
		return fmt.Errorf("enable versioning on %s: %w", s.bucket, classify(err))
	}
	return nil
}

// notSupported recognises a server that lacks an optional feature (MinIO in
// its old filesystem mode, some S3-compatible appliances).
func notSupported(err error) bool {
	resp := minio.ToErrorResponse(err)
	switch resp.Code {
	case "NotImplemented", "XNotImplemented", "NotSupported", "XMinioNotImplemented":
		return true
	}
	return resp.StatusCode == http.StatusNotImplemented
}

// Put implements Store. It skips the upload when the key already exists.
// Otherwise it streams the body with its real size while a verifier hashes
// what the client reads, holding back the last bytes until the digest and
// length are confirmed: a wrong stream makes the upload fail before the
// server can commit it. Should the client still report success for a stream
// that was not fully verified, the new object version is removed.
func (s *S3) Put(ctx context.Context, key Key, r io.Reader, size int64) error {
	if err := key.Validate(); err != nil {
		return fmt.Errorf("put object: %w", err)
	}
	if size < 0 {
		return fmt.Errorf("put object %s: negative size %d: %w", key, size, ErrSizeMismatch)
	}
	info, err := s.Stat(ctx, key)
	switch {
	case err == nil && info.Size != size:
		return fmt.Errorf("put object %s: stored object has %d bytes, caller declared %d: %w", key, info.Size, size, ErrSizeMismatch)
	case err == nil:
		return nil
	case !errors.Is(err, ErrNotFound):
		return fmt.Errorf("put object: %w", err)
	}
	v := newVerifier(r, key, size)
	if size == 0 {
		// The client sends no body for an empty object and never reads
		// it, so verify (that the stream is really empty) up front.
		if _, err := io.Copy(io.Discard, v); err != nil {
			return fmt.Errorf("put object %s: %w", key, err)
		}
	}
	up, err := s.client.PutObject(ctx, s.bucket, string(key), v, size, minio.PutObjectOptions{
		ContentType: "application/octet-stream",
	})
	if err != nil {
		if verr := v.Failure(); verr != nil {
			return fmt.Errorf("put object %s: %w", key, verr)
		}
		return fmt.Errorf("put object %s: %w", key, classify(err))
	}
	if !v.Verified() {
		rerr := s.client.RemoveObject(ctx, s.bucket, string(key), minio.RemoveObjectOptions{VersionID: up.VersionID})
		verr := v.Failure()
		if verr == nil {
			verr = fmt.Errorf("upload of %s ended unverified: %w", key, ErrDigestMismatch)
		}
		if rerr != nil {
			return fmt.Errorf("put object %s: %w (and remove it: %w)", key, verr, classify(rerr))
		}
		return fmt.Errorf("put object %s: %w", key, verr)
	}
	return nil
}

// Open implements Store.
func (s *S3) Open(ctx context.Context, key Key) (io.ReadCloser, int64, error) {
	if err := key.Validate(); err != nil {
		return nil, 0, fmt.Errorf("open object: %w", err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, string(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, fmt.Errorf("open object %s: %w", key, classify(err))
	}
	// GetObject is lazy; Stat sends the request and surfaces NoSuchKey.
	oi, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, 0, fmt.Errorf("open object %s: %w", key, classify(err))
	}
	rc := verifiedReadCloser{verifier: newVerifier(classifyingReader{obj}, key, oi.Size), c: obj}
	return rc, oi.Size, nil
}

// classifyingReader maps a connection dropped mid-download to ErrUnavailable.
type classifyingReader struct{ r io.Reader }

// Read implements io.Reader.
func (c classifyingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		err = classify(err)
	}
	return n, err
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, key Key) (Info, error) {
	if err := key.Validate(); err != nil {
		return Info{}, fmt.Errorf("stat object: %w", err)
	}
	oi, err := s.client.StatObject(ctx, s.bucket, string(key), minio.StatObjectOptions{})
	if err != nil {
		return Info{}, fmt.Errorf("stat object %s: %w", key, classify(err))
	}
	return Info{Key: key, Size: oi.Size, Modified: oi.LastModified}, nil
}

// Delete implements Store. Retention means the data must really go, so on a
// versioned bucket every version (and delete marker) of the key is removed,
// not merely hidden behind a new delete marker.
func (s *S3) Delete(ctx context.Context, key Key) error {
	if err := key.Validate(); err != nil {
		return fmt.Errorf("delete object: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var versions []string
	for oi := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: string(key), WithVersions: true}) {
		if oi.Err != nil {
			if notSupported(oi.Err) {
				versions = nil
				break
			}
			return fmt.Errorf("delete object %s: list versions: %w", key, classify(oi.Err))
		}
		if oi.Key == string(key) {
			versions = append(versions, oi.VersionID)
		}
	}
	if len(versions) == 0 {
		// Unversioned server, or nothing there: a plain delete is
		// idempotent either way.
		versions = []string{""}
	}
	for _, id := range versions {
		if err := s.client.RemoveObject(ctx, s.bucket, string(key), minio.RemoveObjectOptions{VersionID: id}); err != nil {
			if minio.ToErrorResponse(err).Code == "NoSuchVersion" {
				continue
			}
			return fmt.Errorf("delete object %s: %w", key, classify(err))
		}
	}
	return nil
}

// Walk implements Store. Objects whose names are not keys (put there by
// another tool) are skipped.
func (s *S3) Walk(ctx context.Context, fn func(Info) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the lister goroutine if fn fails
	for oi := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: keyPrefix, Recursive: true}) {
		if oi.Err != nil {
			return fmt.Errorf("walk objects: %w", classify(oi.Err))
		}
		key, err := ParseKey(oi.Key)
		if err != nil {
			continue
		}
		if err := fn(Info{Key: key, Size: oi.Size, Modified: oi.LastModified}); err != nil {
			return fmt.Errorf("walk objects: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("walk objects: %w", err)
	}
	return nil
}

// Ping implements Store: the bucket must answer and exist.
func (s *S3) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("ping bucket %s: %w", s.bucket, classify(err))
	}
	if !ok {
		return fmt.Errorf("ping bucket %s: bucket missing: %w", s.bucket, ErrUnavailable)
	}
	return nil
}

// unavailableCode reports whether an S3 error code means "try again later"
// or "the storage is not set up", which the HTTP layer answers with 503.
func unavailableCode(code string) bool {
	switch code {
	case "NoSuchBucket", "ServiceUnavailable", "SlowDown", "InternalError", "RequestTimeout",
		"XMinioServerNotInitialized", "XMinioStorageFull", "XMinioReadQuorum", "XMinioWriteQuorum":
		return true
	}
	return false
}

// classify maps a minio-go error onto the package's sentinels while keeping
// the original in the chain for the log.
func classify(err error) error {
	if err == nil {
		return nil
	}
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == "NoSuchKey" || resp.Code == "NoSuchVersion":
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case unavailableCode(resp.Code) || resp.StatusCode >= 500:
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	case resp.Code != "":
		return err
	case errors.Is(err, context.Canceled):
		return err
	case isNetwork(err):
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

// isNetwork recognises transport failures: refused or reset connections,
// timeouts (including the caller's deadline), DNS failures and connections
// dropped mid-response.
func isNetwork(err error) bool {
	var ne net.Error
	var ue *url.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &ne),
		errors.As(err, &ue):
		return true
	}
	return minio.IsNetworkOrHostDown(err, false)
}
