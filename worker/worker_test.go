package worker_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/releasegate/releasegate/internal/app/apptest"
	"github.com/releasegate/releasegate/internal/blob"
	"github.com/releasegate/releasegate/internal/queue"
	"github.com/releasegate/releasegate/internal/user"
	"github.com/releasegate/releasegate/worker"
)

func TestMain(m *testing.M) {
	api.DisableConfigDir()
	os.Exit(m.Run())
}

// TestEnqueueIsIdempotent: the queue behaviour the reconciler relies on,
// on the embedded queue and on Redis.
func TestEnqueueIsIdempotent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		env := apptest.Start(t, mode, apptest.Options{NoWorker: true})
		q := env.App.Queue
		ctx := context.Background()
		id := "01a20000-0000-7000-8000-000000000001"
		for i := 0; i < 3; i++ {
			task, err := worker.NewIngestTask(id)
			if err != nil {
				t.Fatal(err)
			}
			if err := worker.Enqueue(ctx, q, task, worker.IngestTaskID(id)); err != nil {
				t.Fatalf("enqueue #%d: %v", i, err)
			}
		}
		depth, err := q.Depth()
		if err != nil {
			t.Fatal(err)
		}
		if depth[queue.Default] != 1 {
			t.Fatalf("depth %v after three enqueues of one document, want 1", depth)
		}
		// A task archived after exhausting its retries is replaced, since
		// the records still say the work is unfinished.
		if err := q.Inspector.ArchiveTask(queue.Default, worker.IngestTaskID(id)); err != nil {
			t.Fatal(err)
		}
		task, _ := worker.NewIngestTask(id)
		if err := worker.Enqueue(ctx, q, task, worker.IngestTaskID(id)); err != nil {
			t.Fatal(err)
		}
		info, err := q.Inspector.GetTaskInfo(queue.Default, worker.IngestTaskID(id))
		if err != nil || info.State != asynq.TaskStatePending {
			t.Fatalf("after re-enqueue of an archived task: %+v %v", info, err)
		}
	})
}

// TestSweepRemovesOnlyOldOrphans.
func TestSweepRemovesOnlyOldOrphans(t *testing.T) {
	apptest.Each(t, func(t *testing.T, mode apptest.Mode) {
		env := apptest.Start(t, mode, apptest.Options{NoWorker: true})
		ctx := context.Background()
		put := func(s string) blob.Key {
			k := blob.KeyOf(sha256.Sum256([]byte(s)))
			if err := env.App.Blobs.Put(ctx, k, strings.NewReader(s), int64(len(s))); err != nil {
				t.Fatal(err)
			}
			return k
		}
		orphan := put("an upload whose record was never written")
		sw := env.User("sam", user.SocialWorker)
		r := sw.Upload(sw.NewCase("LA-0300", "none"), "r.pdf", []byte("%PDF-1.7\n% not really\n"), apptest.Receipt())
		if r.Status != http.StatusAccepted {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		young := worker.New(env.App.Docs, env.App.Releases, env.App.DB, env.App.Blobs, env.App.Queue, env.App.Metrics, env.App.Log, worker.DefaultConfig())
		if n, err := young.Sweep(ctx); err != nil || n != 0 {
			t.Fatalf("sweep within the grace period removed %d (err %v)", n, err)
		}
		cfg := worker.DefaultConfig()
		cfg.OrphanGrace = -time.Minute // everything counts as old
		w := worker.New(env.App.Docs, env.App.Releases, env.App.DB, env.App.Blobs, env.App.Queue, env.App.Metrics, env.App.Log, cfg)
		n, err := w.Sweep(ctx)
		if err != nil || n != 1 {
			t.Fatalf("sweep removed %d (err %v), want the 1 orphan", n, err)
		}
		if _, err := env.App.Blobs.Stat(ctx, orphan); err == nil {
			t.Fatal("orphan still there")
		}
		doc, err := env.App.Docs.Get(ctx, r.Map(t)["id"].(string))
		if err != nil {
			t.Fatal(err)
		}
		rc, _, err := env.App.Blobs.Open(ctx, doc.OriginalKey)
		if err != nil {
			t.Fatalf("a referenced original was swept: %v", err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.HasPrefix(b, []byte("%PDF")) {
			t.Fatal("original damaged")
		}
	})
}

// TestMetrics: latency, task outcomes and queue depth are exported.
func TestMetrics(t *testing.T) {
	env := apptest.Start(t, apptest.Embedded, apptest.Options{})
	sw := env.User("sam", user.SocialWorker)
	r := sw.Upload(sw.NewCase("LA-0301", "none"), "r.pdf", []byte("%PDF-1.7\n% damaged\n"), apptest.Receipt())
	sw.WaitDocument(r.Map(t)["id"].(string), 2*time.Minute)
	res, err := http.Get(env.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`releasegate_http_request_duration_seconds_count{code="202",method="POST",route="/api/v1/cases/{case}/documents"} 1`,
		`releasegate_tasks_total{outcome="rejected",task="document:ingest"} 1`,
		`releasegate_queue_depth{queue="default"}`,
		`releasegate_task_duration_seconds_count{task="document:ingest"} 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
