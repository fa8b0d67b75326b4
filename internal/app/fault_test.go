package app_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/releasegate/releasegate/internal/app"
	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/audit"
	"github.com/releasegate/releasegate/internal/config"
	"github.com/releasegate/releasegate/internal/pdf/ingest/ingesttest"
	"github.com/releasegate/releasegate/internal/user"
	"github.com/releasegate/releasegate/worker"
)

// workerMain runs this test binary as a stand-alone worker process
// ("releasegate worker"), configured from RG_* like production, so a test
// can SIGKILL it mid-task.
func workerMain() {
	cfg, err := config.FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx, stop := signalContext()
	defer stop()
	log := newStderrLogger()
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	wc := worker.DefaultConfig()
	wc.Concurrency, wc.StuckAfter, wc.ReconcileEvery = 2, time.Second, 2*time.Second
	w := worker.New(a.Docs, a.Releases, a.DB, a.Blobs, a.Queue, a.Metrics, log, wc)
	if err := w.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func startWorkerProcess(t *testing.T, cfg config.Config) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "RG_TEST_RUN_WORKER=1",
		"RG_DATA_DIR="+cfg.DataDir, "RG_DATABASE_URL="+cfg.DatabaseURL, "RG_REDIS_URL="+cfg.RedisURL,
		"RG_S3_ENDPOINT="+cfg.S3Endpoint, "RG_S3_BUCKET="+cfg.S3Bucket, "RG_S3_ACCESS_KEY="+cfg.S3AccessKey,
		"RG_S3_SECRET_KEY="+cfg.S3SecretKey, "RG_S3_USE_TLS=false", "RG_LOG_LEVEL=warn")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

func uploadMany(t *testing.T, sw *apptest.Client, caseID string, n, pages int) []string {
	t.Helper()
	pdf := ingesttest.TextPDF(t, pages)
	ids := make([]string, n)
	for i := range ids {
		// Distinct bytes per document: a trailing comment changes the hash.
		data := append(append([]byte{}, pdf...), []byte(fmt.Sprintf("%% copy %d\n", i))...)
		r := sw.Upload(caseID, fmt.Sprintf("report-%02d.pdf", i), data, apptest.Receipt())
		if r.Status != http.StatusAccepted {
			t.Fatalf("upload %d: %d %s", i, r.Status, r.Body)
		}
		ids[i] = r.Map(t)["id"].(string)
	}
	return ids
}

// assertReadyOnce: every document is ready, and became ready exactly once.
func assertReadyOnce(t *testing.T, env *apptest.Env, ids []string) {
	t.Helper()
	ctx := context.Background()
	for _, id := range ids {
		d, err := env.App.Docs.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.State != "ready" {
			t.Errorf("%s: %s %s", id, d.State, d.RejectReason)
		}
		es, err := env.App.Audit.List(ctx, audit.Filter{DocumentID: id, Action: "document.ready"})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 {
			t.Errorf("%s became ready %d times", id, len(es))
		}
	}
	if _, brk, err := env.App.Audit.Verify(ctx); err != nil || brk != nil {
		t.Fatalf("audit chain: %v %v", brk, err)
	}
}

func waitAll(t *testing.T, env *apptest.Env, ids []string, state string, atLeast int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute) // hang guard only
	for {
		n := countState(t, env, ids, state)
		if n >= atLeast {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d documents %s", n, len(ids), state)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestWorkerKilledMidIngest: a worker process is SIGKILLed while 50
// documents ingest; a new worker finishes them, each exactly once.
func TestWorkerKilledMidIngest(t *testing.T) {
	if !apptest.RealAvailable() {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatal("real backends required")
		}
		t.Skip("needs the real backends (make test): the embedded queue lives and dies with its process")
	}
	env := apptest.Start(t, apptest.Real, apptest.Options{NoWorker: true})
	sw := env.User("sam", user.SocialWorker)
	caseID := sw.NewCase("LA-0200", "none")
	ids := uploadMany(t, sw, caseID, 50, 200)
	w1 := startWorkerProcess(t, env.Config)
	waitAll(t, env, ids, "ready", 1)
	if err := w1.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = w1.Wait()
	ready := countState(t, env, ids, "ready")
	t.Logf("worker killed with %d of %d ready", ready, len(ids))
	if ready == len(ids) {
		t.Fatal("every document was ready before the kill: the test proved nothing")
	}
	startWorkerProcess(t, env.Config)
	waitAll(t, env, ids, "ready", len(ids))
	assertReadyOnce(t, env, ids)
}

func countState(t *testing.T, env *apptest.Env, ids []string, state string) int {
	n := 0
	for _, id := range ids {
		d, err := env.App.Docs.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if string(d.State) == state {
			n++
		}
	}
	return n
}

// TestQueueFlushed: the queue is emptied mid-run; the reconciler finds the
// documents the records say are unfinished and brings each to ready once.
func TestQueueFlushed(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		env := apptest.Start(t, mode, apptest.Options{WorkerTweak: func(c *worker.Config) { c.Concurrency = 1 }})
		sw := env.User("sam", user.SocialWorker)
		caseID := sw.NewCase("LA-0201", "none")
		ids := uploadMany(t, sw, caseID, 30, 100)
		waitAll(t, env, ids, "ready", 1)
		flush(t, env)
		if n := countState(t, env, ids, "ready"); n == len(ids) {
			t.Fatal("every document was ready before the flush: the test proved nothing")
		}
		waitAll(t, env, ids, "ready", len(ids))
		assertReadyOnce(t, env, ids)
	})
}

func flush(t *testing.T, env *apptest.Env) {
	t.Helper()
	if env.Mode == apptest.Embedded {
		env.App.Queue.FlushAll()
		return
	}
	opt, err := redis.ParseURL(env.Config.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}

// TestStorageDown: object storage stops during uploads; uploads get 503
// with a clear message and leave no record; after a restart they work.
func TestStorageDown(t *testing.T) {
	bin := os.Getenv("RG_TEST_MINIO_BIN")
	if bin == "" || !apptest.RealAvailable() {
		if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
			t.Fatal("RG_TEST_MINIO_BIN is not set")
		}
		t.Skip("needs MinIO (make test)")
	}
	m := startMinIO(t, bin)
	env := apptest.Start(t, apptest.Real, apptest.Options{Config: func(c *config.Config) {
		c.S3Endpoint, c.S3AccessKey, c.S3SecretKey = m.addr, m.user, m.pass
	}})
	sw := env.User("sam", user.SocialWorker)
	caseID := sw.NewCase("LA-0202", "none")
	before := uploadMany(t, sw, caseID, 1, 2)

	m.stop(t)
	pdf := ingesttest.TextPDF(t, 2)
	r := sw.Upload(caseID, "while-down.pdf", append(append([]byte{}, pdf...), "% down\n"...), apptest.Receipt())
	if r.Status != http.StatusServiceUnavailable || !strings.Contains(string(r.Body), "storage is unavailable") || r.Header.Get("Retry-After") == "" {
		t.Fatalf("upload with storage down: %d %s", r.Status, r.Body)
	}
	ds, err := env.App.Docs.ListByCase(context.Background(), caseID)
	if err != nil || len(ds) != len(before) {
		t.Fatalf("documents after failed upload: %d (err %v), want %d", len(ds), err, len(before))
	}
	if res, err := http.Get(env.URL + "/readyz"); err != nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with storage down: %v %v", res.StatusCode, err)
	}

	m.start(t)
	after := uploadMany(t, sw, caseID, 3, 2)
	all := append(before, after...)
	waitAll(t, env, all, "ready", len(all))
	assertReadyOnce(t, env, all)
	assertNoOrphans(t, env)
}

type minioProc struct {
	bin, dir, addr, user, pass string
	mu                         sync.Mutex
	cmd                        *exec.Cmd
}

func startMinIO(t *testing.T, bin string) *minioProc {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	m := &minioProc{bin: bin, dir: filepath.Join(t.TempDir(), "minio"), addr: addr, user: "faulttest", pass: "faulttest-secret-key"}
	m.start(t)
	t.Cleanup(func() { m.stop(t) })
	return m
}

func (m *minioProc) start(t *testing.T) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	cmd := exec.Command(m.bin, "server", m.dir, "--address", m.addr, "--console-address", "127.0.0.1:0", "--quiet")
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+m.user, "MINIO_ROOT_PASSWORD="+m.pass, "MINIO_BROWSER=off", "MINIO_UPDATE=off")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	m.cmd = cmd
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get("http://" + m.addr + "/minio/health/ready")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("minio did not start on %s", m.addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (m *minioProc) stop(t *testing.T) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cmd == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	_ = m.cmd.Wait()
	m.cmd = nil
}
