// Package apptest starts a whole releasegate — HTTP server and worker — on
// either the embedded backends or the real ones the test script started
// (PostgreSQL, Redis, MinIO), and gives tests a small API client.
package apptest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/releasegate/releasegate/internal/app"
	"github.com/releasegate/releasegate/internal/config"
	"github.com/releasegate/releasegate/internal/store/storetest"
	"github.com/releasegate/releasegate/internal/user"
	"github.com/releasegate/releasegate/worker"
)

// Mode picks the backends.
type Mode string

// Modes.
const (
	Embedded Mode = "embedded" // SQLite, directory, in-process queue
	Real     Mode = "real"     // PostgreSQL, MinIO, Redis
)

// Modes lists Embedded, and Real when the test script set up the servers
// (failing rather than skipping when RG_TEST_REQUIRE_BACKENDS=1).
func Modes(t testing.TB) []Mode {
	ms := []Mode{Embedded}
	if RealAvailable() {
		ms = append(ms, Real)
	} else if os.Getenv("RG_TEST_REQUIRE_BACKENDS") == "1" {
		t.Fatal("RG_TEST_REQUIRE_BACKENDS=1 but RG_TEST_DATABASE_URL, RG_TEST_REDIS_URL or RG_TEST_S3_ENDPOINT is not set")
	}
	return ms
}

// Each runs f once per mode as a subtest.
func Each(t *testing.T, f func(t *testing.T, mode Mode)) {
	for _, m := range Modes(t) {
		t.Run(string(m), func(t *testing.T) { f(t, m) })
	}
}

// RealAvailable reports whether the real backends are configured.
func RealAvailable() bool {
	return os.Getenv("RG_TEST_DATABASE_URL") != "" && os.Getenv("RG_TEST_REDIS_URL") != "" && os.Getenv("RG_TEST_S3_ENDPOINT") != ""
}

// Options tune Start.
type Options struct {
	NoWorker    bool // start no worker (tests that run their own)
	Config      func(*config.Config)
	WorkerTweak func(*worker.Config)
}

// Env is a running releasegate.
type Env struct {
	T      testing.TB
	Mode   Mode
	App    *app.App
	Config config.Config
	URL    string
	// RedisDB is the Redis database index this Env uses (Real mode).
	RedisDB int
	cancel  context.CancelFunc
	done    chan struct{}
}

// Config returns a configuration for mode with fresh, private resources:
// a new data directory; in Real mode a new PostgreSQL database, a new
// bucket and a Redis database index no other test is using.
func NewConfig(t testing.TB, mode Mode) (config.Config, int) {
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.Addr = "127.0.0.1:0"
	cfg.LogLevel = "warn"
	redisDB := -1
	if mode == Real {
		cfg.DatabaseURL = storetest.PostgresURL(t)
		redisDB = claimRedisDB(t)
		u, err := url.Parse(os.Getenv("RG_TEST_REDIS_URL"))
		if err != nil {
			t.Fatal(err)
		}
		u.Path = "/" + strconv.Itoa(redisDB)
		cfg.RedisURL = u.String()
		cfg.S3Endpoint = os.Getenv("RG_TEST_S3_ENDPOINT")
		cfg.S3AccessKey = os.Getenv("RG_TEST_S3_ACCESS_KEY")
		cfg.S3SecretKey = os.Getenv("RG_TEST_S3_SECRET_KEY")
		cfg.S3UseTLS = false
		var b [5]byte
		_, _ = rand.Read(b[:])
		cfg.S3Bucket = "rgtest-" + hex.EncodeToString(b[:])
	}
	return cfg, redisDB
}

// claimRedisDB reserves a Redis database index for this test, across the
// test processes of every package, with SETNX on database 0.
func claimRedisDB(t testing.TB) int {
	u := os.Getenv("RG_TEST_REDIS_URL")
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	opt.DB = 0
	c := redis.NewClient(opt)
	defer c.Close()
	ctx := context.Background()
	n, err := c.ConfigGet(ctx, "databases").Result()
	if err != nil {
		t.Fatal(err)
	}
	max, _ := strconv.Atoi(n["databases"])
	for db := 1; db < max; db++ {
		key := "rgtest:claim:" + strconv.Itoa(db)
		ok, err := c.SetNX(ctx, key, os.Getpid(), time.Hour).Result()
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			t.Cleanup(func() {
				c := redis.NewClient(opt)
				defer c.Close()
				o2 := *opt
				o2.DB = db
				c2 := redis.NewClient(&o2)
				defer c2.Close()
				c2.FlushDB(context.Background())
				c.Del(context.Background(), key)
			})
			return db
		}
	}
	t.Fatalf("all %d Redis databases are claimed", max)
	return 0
}

// Start runs a releasegate for the test and stops it at cleanup.
func Start(t testing.TB, mode Mode, opts Options) *Env {
	t.Helper()
	cfg, redisDB := NewConfig(t, mode)
	if opts.Config != nil {
		opts.Config(&cfg)
	}
	log := slog.New(slog.NewJSONHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	wc := worker.DefaultConfig()
	wc.StuckAfter, wc.ReconcileEvery, wc.Concurrency = time.Second, 2*time.Second, 4
	if opts.WorkerTweak != nil {
		opts.WorkerTweak(&wc)
	}
	a.Worker = worker.New(a.Docs, a.Releases, a.DB, a.Blobs, a.Queue, a.Metrics, log, wc)
	srv := httptest.NewServer(a.Web.Handler())
	e := &Env{T: t, Mode: mode, App: a, Config: cfg, URL: srv.URL, RedisDB: redisDB, cancel: cancel, done: make(chan struct{})}
	if opts.NoWorker {
		close(e.done)
	} else {
		go func() {
			defer close(e.done)
			if err := a.Worker.Run(ctx); err != nil {
				t.Errorf("worker: %v", err)
			}
		}()
	}
	t.Cleanup(func() {
		srv.Close()
		cancel()
		<-e.done
		a.Close()
	})
	return e
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// User creates an account with role (and team) and returns a client
// authenticated as it with an API token.
func (e *Env) User(name string, role user.Role) *Client {
	e.T.Helper()
	ctx := context.Background()
	u, _, err := e.App.Users.Create(ctx, user.NewUser{Username: name, Role: role, Team: "north"})
	if err != nil {
		e.T.Fatal(err)
	}
	_, secret, err := e.App.Users.NewToken(ctx, u.ID, "test", 0)
	if err != nil {
		e.T.Fatal(err)
	}
	return &Client{T: e.T, Base: e.URL, Token: secret, User: u}
}

// Anonymous is a client without credentials.
func (e *Env) Anonymous() *Client { return &Client{T: e.T, Base: e.URL} }

// Client calls the API.
type Client struct {
	T     testing.TB
	Base  string
	Token string
	User  user.User
}

// Response is a decoded API answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as an object.
func (r *Response) Map(t testing.TB) map[string]any {
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Do sends a request with an optional JSON body.
func (c *Client) Do(method, path string, body any) *Response {
	c.T.Helper()
	return c.DoWith(method, path, body, nil)
}

// DoWith is Do with extra request headers.
func (c *Client) DoWith(method, path string, body any, header http.Header) *Response {
	c.T.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.T.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.Base+path, rd)
	if err != nil {
		c.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	return c.send(req)
}

func (c *Client) send(req *http.Request) *Response {
	c.T.Helper()
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.T.Fatal(err)
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Receipt is a valid upload receipt.
func Receipt() map[string]any {
	return map[string]any{
		"author_name": "DC Jane Example", "author_role": "Detective Constable", "author_organisation": "Example Constabulary",
		"date_received": "2026-11-20", "how_received": "secure_email", "restrictions": "not to be shared with the alleged perpetrator",
	}
}

// Upload sends a document to a case.
func (c *Client) Upload(caseID, filename string, data []byte, receipt map[string]any) *Response {
	c.T.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if receipt != nil {
		mb, _ := json.Marshal(receipt)
		part, _ := mw.CreateFormField("metadata")
		part.Write(mb)
	}
	if data != nil {
		part, _ := mw.CreateFormFile("file", filename)
		part.Write(data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.Base+"/api/v1/cases/"+caseID+"/documents", &buf)
	if err != nil {
		c.T.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req)
}

// NewCase opens a case and returns its id.
func (c *Client) NewCase(ref, status string) string {
	c.T.Helper()
	r := c.Do(http.MethodPost, "/api/v1/cases", map[string]any{"child_ref": ref, "legal_status": status})
	if r.Status != http.StatusCreated {
		c.T.Fatalf("create case: %d %s", r.Status, r.Body)
	}
	return r.Map(c.T)["id"].(string)
}

// WaitDocument polls until the document leaves received/ingesting.
func (c *Client) WaitDocument(id string, timeout time.Duration) map[string]any {
	c.T.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r := c.Do(http.MethodGet, "/api/v1/documents/"+id, nil)
		if r.Status != http.StatusOK {
			c.T.Fatalf("get document: %d %s", r.Status, r.Body)
		}
		m := r.Map(c.T)
		if st := m["state"]; st == "ready" || st == "rejected" {
			return m
		}
		if time.Now().After(deadline) {
			c.T.Fatalf("document %s still %v after %s", id, m["state"], timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
