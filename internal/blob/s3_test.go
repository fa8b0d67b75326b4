package blob_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/blob/blobtest"
)

// s3Env returns the MinIO set up by scripts/backends.sh. Without it the test
// is skipped, unless RG_TEST_REQUIRE_BACKENDS=1 (CI), where a silent skip
// would hide an untested backend.
func s3Env(t *testing.T) blob.S3Config {
	t.Helper()
	cfg := blob.S3Config{
		Endpoint:  os.Getenv("RG_TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("RG_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("RG_TEST_S3_SECRET_KEY"),
	}
	if cfg.Endpoint == "" || cfg.AccessKey == "" || cfg.SecretKey == "" {
		requireOrSkip(t, "RG_TEST_S3_ENDPOINT, RG_TEST_S3_ACCESS_KEY and RG_TEST_S3_SECRET_KEY are not set (run under scripts/backends.sh)")
	}
	return cfg
}

// requireOrSkip skips, or fails when the run demands every backend.
func requireOrSkip(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
		t.Fatalf("RG_TEST_REQUIRE_BACKENDS=1 but %s", why)
	}
	t.Skip(why)
}

// randomBucket names a fresh bucket so tests never share state.
func randomBucket(t *testing.T) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "rgtest-" + hex.EncodeToString(b[:])
}

// newBucketStore creates an S3 store on a fresh bucket, removed (with every
// object version) when the test ends.
func newBucketStore(t *testing.T, cfg blob.S3Config) (*blob.S3, string) {
	t.Helper()
	cfg.Bucket = randomBucket(t)
	st, err := blob.NewS3(t.Context(), cfg)
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")})
		if err != nil {
			t.Errorf("clean up bucket: %v", err)
			return
		}
		if err := c.RemoveBucketWithOptions(ctx, cfg.Bucket, minio.RemoveBucketOptions{ForceDelete: true}); err != nil {
			t.Errorf("clean up bucket %s: %v", cfg.Bucket, err)
		}
	})
	return st, cfg.Bucket
}

func TestS3(t *testing.T) {
	cfg := s3Env(t)
	blobtest.Run(t, func(t *testing.T) blob.Store {
		st, _ := newBucketStore(t, cfg)
		return st
	})
}

func TestS3VersioningAndDeleteRemovesAllVersions(t *testing.T) {
	cfg := s3Env(t)
	st, bucket := newBucketStore(t, cfg)
	c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	vc, err := c.GetBucketVersioning(t.Context(), bucket)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bucket versioning enabled: %v", vc.Enabled())

	b := []byte("health visitor's report")
	k := blob.KeyOf(sha256.Sum256(b))
	if err := st.Put(t.Context(), k, bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatal(err)
	}
	oi, err := c.StatObject(t.Context(), bucket, string(k), minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if oi.ContentType != "application/octet-stream" {
		t.Errorf("content type = %q, want application/octet-stream", oi.ContentType)
	}
	if err := st.Delete(t.Context(), k); err != nil {
		t.Fatal(err)
	}
	// Retention deletes must destroy the data, not hide it behind a marker.
	n := 0
	for v := range c.ListObjects(t.Context(), bucket, minio.ListObjectsOptions{Prefix: string(k), WithVersions: true}) {
		if v.Err != nil {
			t.Fatal(v.Err)
		}
		n++
	}
	if n != 0 {
		t.Errorf("%d versions or markers remain after Delete", n)
	}
}

func TestS3OpenDetectsDamagedObject(t *testing.T) {
	cfg := s3Env(t)
	st, bucket := newBucketStore(t, cfg)
	c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	b := bytes.Repeat([]byte("police disclosure "), 1000)
	k := blob.KeyOf(sha256.Sum256(b))
	bad := bytes.ToUpper(b)
	// Another tool overwrites the object behind releasegate's back.
	if _, err := c.PutObject(t.Context(), bucket, string(k), bytes.NewReader(bad), int64(len(bad)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	rc, _, err := st.Open(t.Context(), k)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, blob.ErrDigestMismatch) {
		t.Errorf("reading a damaged object: err = %v, want ErrDigestMismatch", err)
	}
}

func TestS3FailedMultipartLeavesNoUpload(t *testing.T) {
	cfg := s3Env(t)
	st, bucket := newBucketStore(t, cfg)
	c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	b := bytes.Repeat([]byte("school safeguarding log "), (20<<20)/24)
	k := blob.KeyOf(sha256.Sum256(b))
	bad := bytes.Clone(b)
	bad[len(bad)-1] ^= 1
	if err := st.Put(t.Context(), k, bytes.NewReader(bad), int64(len(bad))); !errors.Is(err, blob.ErrDigestMismatch) {
		t.Fatalf("Put: err = %v, want ErrDigestMismatch", err)
	}
	for u := range c.ListIncompleteUploads(t.Context(), bucket, "", true) {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		t.Errorf("multipart upload %s of %s left behind", u.UploadID, u.Key)
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestS3UnreachableIsUnavailable(t *testing.T) {
	// Generous bound: with the default retries this fails within about a
	// second; reaching the deadline would mean it hangs instead.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err := blob.NewS3(ctx, blob.S3Config{Endpoint: closedPort(t), Bucket: "rg-unreachable", AccessKey: "k", SecretKey: "secret"})
	if !errors.Is(err, blob.ErrUnavailable) {
		t.Errorf("NewS3 on a closed port: err = %v, want ErrUnavailable", err)
	}
	t.Logf("error: %v", err)
	if ctx.Err() != nil {
		t.Error("NewS3 on a closed port hung until the test deadline")
	}
}

func TestNewS3RejectsBadConfig(t *testing.T) {
	for _, cfg := range []blob.S3Config{
		{Bucket: "b"},
		{Endpoint: "127.0.0.1:9000"},
		{Endpoint: "http://127.0.0.1:9000", Bucket: "b"},
	} {
		if _, err := blob.NewS3(t.Context(), cfg); err == nil || errors.Is(err, blob.ErrUnavailable) {
			t.Errorf("NewS3(%+v): err = %v, want a configuration error", cfg, err)
		}
	}
}

// minioServer is a MinIO of the test's own that it may stop and restart,
// started from RG_TEST_MINIO_BIN.
type minioServer struct {
	bin, data, addr, user, pass string
	cmd                         *exec.Cmd
}

func startOwnMinIO(t *testing.T) *minioServer {
	t.Helper()
	bin := os.Getenv("RG_TEST_MINIO_BIN")
	if bin == "" {
		requireOrSkip(t, "RG_TEST_MINIO_BIN is not set (run under scripts/backends.sh)")
	}
	m := &minioServer{bin: bin, data: filepath.Join(t.TempDir(), "minio"), addr: closedPort(t), user: "rgtest", pass: randomBucket(t)}
	m.start(t)
	t.Cleanup(func() { m.stop(t) })
	return m
}

func (m *minioServer) start(t *testing.T) {
	t.Helper()
	m.cmd = exec.Command(m.bin, "server", m.data, "--address", m.addr, "--quiet")
	m.cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+m.user, "MINIO_ROOT_PASSWORD="+m.pass, "MINIO_BROWSER=off", "MINIO_UPDATE=off")
	var logs bytes.Buffer
	m.cmd.Stdout, m.cmd.Stderr = &logs, &logs
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("start minio: %v", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		// Up when it answers an S3 request: its health checks answer
		// before the object layer is, and a request then fails with
		// "Server not initialized yet".
		if m.serves() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	m.stop(t)
	t.Fatalf("minio did not become ready on %s:\n%s", m.addr, logs.String())
}

// serves reports whether the server answers an S3 request.
func (m *minioServer) serves() bool {
	c, err := minio.New(m.addr, &minio.Options{Creds: credentials.NewStaticV4(m.user, m.pass, "")})
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err = c.ListBuckets(ctx)
	return err == nil
}

func (m *minioServer) stop(t *testing.T) {
	t.Helper()
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	_ = m.cmd.Wait()
	m.cmd = nil
}

func TestS3OutageAndRecovery(t *testing.T) {
	m := startOwnMinIO(t)
	st, err := blob.NewS3(t.Context(), blob.S3Config{Endpoint: m.addr, Bucket: "rg-outage", AccessKey: m.user, SecretKey: m.pass})
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	b := bytes.Repeat([]byte("probation report "), 5000)
	k := blob.KeyOf(sha256.Sum256(b))
	if err := st.Put(t.Context(), k, bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatal(err)
	}

	m.stop(t)
	other := []byte("arrives during the outage")
	ok := blob.KeyOf(sha256.Sum256(other))
	ops := map[string]func(ctx context.Context) error{
		"Put":    func(ctx context.Context) error { return st.Put(ctx, ok, bytes.NewReader(other), int64(len(other))) },
		"Open":   func(ctx context.Context) error { _, _, err := st.Open(ctx, k); return err },
		"Stat":   func(ctx context.Context) error { _, err := st.Stat(ctx, k); return err },
		"Delete": func(ctx context.Context) error { return st.Delete(ctx, ok) },
		"Walk":   func(ctx context.Context) error { return st.Walk(ctx, func(blob.Info) error { return nil }) },
		"Ping":   func(ctx context.Context) error { return st.Ping(ctx) },
	}
	for name, op := range ops {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		start := time.Now()
		err := op(ctx)
		t.Logf("%s while MinIO is down failed after %v", name, time.Since(start).Round(time.Millisecond))
		if !errors.Is(err, blob.ErrUnavailable) || errors.Is(err, blob.ErrNotFound) {
			t.Errorf("%s while MinIO is down: err = %v, want ErrUnavailable", name, err)
		}
		if ctx.Err() != nil {
			t.Errorf("%s while MinIO is down hung until the test deadline", name)
		}
		cancel()
	}

	m.start(t)
	rc, size, err := st.Open(t.Context(), k)
	if err != nil {
		t.Fatalf("Open after restart: %v", err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || size != int64(len(b)) || !bytes.Equal(got, b) {
		t.Errorf("after restart read %d bytes (size %d), err %v", len(got), size, err)
	}
	if err := st.Put(t.Context(), ok, bytes.NewReader(other), int64(len(other))); err != nil {
		t.Errorf("Put after restart: %v", err)
	}
}

func TestS3StalledServerHonoursDeadline(t *testing.T) {
	// A server that accepts connections and never answers: only the
	// caller's deadline ends the wait, and that too is an outage.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	_, err = blob.NewS3(ctx, blob.S3Config{Endpoint: l.Addr().String(), Bucket: "rg-stalled", AccessKey: "k", SecretKey: "secret"})
	if !errors.Is(err, blob.ErrUnavailable) {
		t.Errorf("NewS3 against a stalled server: err = %v, want ErrUnavailable", err)
	}
}
