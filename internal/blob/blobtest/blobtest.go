// Package blobtest is the behaviour suite every blob.Store must pass, so the
// embedded directory and the S3 backend are held to one contract.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/releasegate/releasegate/internal/blob"
)

// LargeSize is the size of the object streamed through the store to show
// memory stays bounded; it is generated on the fly, never held in memory.
const LargeSize = 64 << 20

// MaxHeapGrowth is how far the heap may grow while LargeSize bytes stream
// through a store. It sits well below LargeSize so a store that buffers the
// whole object fails, and above the part buffer an S3 multipart upload needs
// (16 MiB) plus garbage awaiting collection.
const MaxHeapGrowth = 48 << 20

// Run runs the suite against fresh stores from newStore, which is called
// once per subtest and must return an empty store cleaned up via t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) blob.Store) {
	// Not parallel: it measures the heap, which parallel siblings would
	// disturb. Parallel subtests start only after this one finishes.
	t.Run("LargeObjectStreamsWithBoundedMemory", func(t *testing.T) { testLarge(t, newStore(t)) })

	tests := []struct {
		name string
		fn   func(t *testing.T, st blob.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"PutExistingIsNoop", testPutExisting},
		{"DigestMismatchLeavesNothing", testDigestMismatch},
		{"SizeMismatchLeavesNothing", testSizeMismatch},
		{"NotFound", testNotFound},
		{"Walk", testWalk},
		{"WalkStopsOnError", testWalkStops},
		{"Delete", testDelete},
		{"ConcurrentPutSameKey", testConcurrentPut},
		{"InvalidKeyRejected", testInvalidKey},
		{"CanceledPutLeavesNothing", testCanceledPut},
		{"Ping", testPing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newStore(t))
		})
	}
}

// data returns n reproducible pseudo-random bytes; seed tells objects apart.
func data(n int, seed uint64) []byte {
	b := make([]byte, n)
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	_, _ = rand.NewChaCha8(s).Read(b)
	return b
}

// keyOf is the content address of b.
func keyOf(b []byte) blob.Key { return blob.KeyOf(sha256.Sum256(b)) }

// put stores b under its own key or fails the test.
func put(t *testing.T, st blob.Store, b []byte) blob.Key {
	t.Helper()
	k := keyOf(b)
	if err := st.Put(t.Context(), k, bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatalf("Put(%d bytes): %v", len(b), err)
	}
	return k
}

// read returns the object's bytes and the size Open reported.
func read(t *testing.T, st blob.Store, k blob.Key) ([]byte, int64) {
	t.Helper()
	rc, size, err := st.Open(t.Context(), k)
	if err != nil {
		t.Fatalf("Open(%s): %v", k, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", k, err)
	}
	return b, size
}

// listed returns every object Walk reports, by key.
func listed(t *testing.T, st blob.Store) map[blob.Key]blob.Info {
	t.Helper()
	got := map[blob.Key]blob.Info{}
	err := st.Walk(t.Context(), func(i blob.Info) error {
		if _, dup := got[i.Key]; dup {
			t.Errorf("Walk reported %s twice", i.Key)
		}
		got[i.Key] = i
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return got
}

// assertGone checks that nothing at all is stored under k.
func assertGone(t *testing.T, st blob.Store, k blob.Key) {
	t.Helper()
	if _, err := st.Stat(t.Context(), k); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after failure: err = %v, want ErrNotFound", err)
	}
	if rc, _, err := st.Open(t.Context(), k); !errors.Is(err, blob.ErrNotFound) {
		if rc != nil {
			rc.Close()
		}
		t.Errorf("Open after failure: err = %v, want ErrNotFound", err)
	}
	if l := listed(t, st); len(l) != 0 {
		t.Errorf("Walk after failure lists %d objects, want none", len(l))
	}
}

func testRoundTrip(t *testing.T, st blob.Store) {
	for i, n := range []int{0, 1, 1023, 1<<20 + 7} {
		b := data(n, uint64(i))
		before := time.Now()
		k := put(t, st, b)
		info, err := st.Stat(t.Context(), k)
		if err != nil {
			t.Fatalf("Stat(%d bytes): %v", n, err)
		}
		if info.Key != k || info.Size != int64(n) {
			t.Errorf("Stat = {%s %d}, want {%s %d}", info.Key, info.Size, k, n)
		}
		// Generous: an S3 server's clock may differ a little from ours.
		if d := info.Modified.Sub(before); d < -time.Hour || d > time.Hour {
			t.Errorf("Stat(%d bytes).Modified = %v, not near now (%v)", n, info.Modified, before)
		}
		got, size := read(t, st, k)
		if size != int64(n) || !bytes.Equal(got, b) {
			t.Errorf("Open(%d bytes) gave %d bytes (size %d), content equal: %v", n, len(got), size, bytes.Equal(got, b))
		}
	}
}

// unreadable fails the test if Put reads it: re-putting an existing key must
// not consume the stream.
type unreadable struct{ t *testing.T }

func (u unreadable) Read([]byte) (int, error) {
	u.t.Error("Put read the body of an object that already exists")
	return 0, errors.New("must not be read")
}

func testPutExisting(t *testing.T, st blob.Store) {
	b := data(4096, 1)
	k := put(t, st, b)
	first, err := st.Stat(t.Context(), k)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Put(t.Context(), k, bytes.NewReader(b), int64(len(b))); err != nil {
		t.Fatalf("second Put: %v", err)
	}
	if err := st.Put(t.Context(), k, unreadable{t}, int64(len(b))); err != nil {
		t.Fatalf("third Put: %v", err)
	}
	if err := st.Put(t.Context(), k, bytes.NewReader(b), int64(len(b))+1); !errors.Is(err, blob.ErrSizeMismatch) {
		t.Errorf("Put of existing key with another size: err = %v, want ErrSizeMismatch", err)
	}
	after, err := st.Stat(t.Context(), k)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size != first.Size || !after.Modified.Equal(first.Modified) {
		t.Errorf("re-put changed the object: %+v, then %+v", first, after)
	}
	if got, _ := read(t, st, k); !bytes.Equal(got, b) {
		t.Error("content changed after re-put")
	}
	if l := listed(t, st); len(l) != 1 {
		t.Errorf("Walk lists %d objects, want 1", len(l))
	}
}

func testDigestMismatch(t *testing.T, st blob.Store) {
	want := data(100_000, 2)
	// Above the 16 MiB an S3 client sends in one request, so the upload is
	// multipart and must be aborted rather than completed.
	big := data(17<<20+5, 5)
	tests := []struct {
		name string
		want []byte
		body []byte
	}{
		{"OtherContent", want, data(100_000, 3)},
		{"FirstByteFlipped", want, flip(want, 0)},
		{"LastByteFlipped", want, flip(want, len(want)-1)},
		{"LastByteFlippedLarge", big, flip(big, len(big)-1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := keyOf(tt.want)
			err := st.Put(t.Context(), k, bytes.NewReader(tt.body), int64(len(tt.body)))
			if !errors.Is(err, blob.ErrDigestMismatch) {
				t.Fatalf("Put: err = %v, want ErrDigestMismatch", err)
			}
			assertGone(t, st, k)
		})
	}
}

// flip returns a copy of b with one byte changed.
func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x01
	return c
}

func testSizeMismatch(t *testing.T, st blob.Store) {
	b := data(300_000, 4)
	tests := []struct {
		name     string
		body     []byte
		declared int64
		key      blob.Key
	}{
		// The stream ends before the declared size.
		{"Short", b, int64(len(b)) + 10, keyOf(b)},
		// The declared prefix is right, but more bytes follow it.
		{"LongByOne", b, int64(len(b)) - 1, keyOf(b[:len(b)-1])},
		{"Long", b, 1000, keyOf(b[:1000])},
		{"EmptyDeclaredButNot", b, 0, keyOf(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := st.Put(t.Context(), tt.key, bytes.NewReader(tt.body), tt.declared)
			if !errors.Is(err, blob.ErrSizeMismatch) {
				t.Fatalf("Put: err = %v, want ErrSizeMismatch", err)
			}
			assertGone(t, st, tt.key)
		})
	}
	k := keyOf(b)
	if err := st.Put(t.Context(), k, bytes.NewReader(b), -1); !errors.Is(err, blob.ErrSizeMismatch) {
		t.Errorf("Put with size -1: err = %v, want ErrSizeMismatch", err)
	}
}

func testNotFound(t *testing.T, st blob.Store) {
	k := keyOf([]byte("never stored"))
	if _, err := st.Stat(t.Context(), k); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat: err = %v, want ErrNotFound", err)
	}
	if _, _, err := st.Open(t.Context(), k); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open: err = %v, want ErrNotFound", err)
	}
	if err := st.Delete(t.Context(), k); err != nil {
		t.Errorf("Delete of a missing key: %v, want success", err)
	}
}

func testWalk(t *testing.T, st blob.Store) {
	if l := listed(t, st); len(l) != 0 {
		t.Fatalf("new store lists %d objects", len(l))
	}
	want := map[blob.Key]int64{}
	for i, n := range []int{0, 10, 70_000} {
		b := data(n, uint64(10+i))
		want[put(t, st, b)] = int64(n)
	}
	got := listed(t, st)
	if len(got) != len(want) {
		t.Errorf("Walk lists %d objects, want %d", len(got), len(want))
	}
	for k, n := range want {
		i, ok := got[k]
		switch {
		case !ok:
			t.Errorf("Walk misses %s", k)
		case i.Size != n:
			t.Errorf("Walk: %s has size %d, want %d", k, i.Size, n)
		case i.Modified.IsZero():
			t.Errorf("Walk: %s has no modification time", k)
		}
	}
}

func testWalkStops(t *testing.T, st blob.Store) {
	for i := range 3 {
		put(t, st, data(10, uint64(20+i)))
	}
	stop := errors.New("stop here")
	calls := 0
	err := st.Walk(t.Context(), func(blob.Info) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Walk = %v after %d calls, want the callback's error after 1", err, calls)
	}
}

func testDelete(t *testing.T, st blob.Store) {
	keep := put(t, st, data(500, 30))
	b := data(2000, 31)
	k := put(t, st, b)
	if err := st.Delete(t.Context(), k); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := st.Stat(t.Context(), k); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after Delete: err = %v, want ErrNotFound", err)
	}
	if _, _, err := st.Open(t.Context(), k); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open after Delete: err = %v, want ErrNotFound", err)
	}
	if l := listed(t, st); len(l) != 1 || l[keep].Key != keep {
		t.Errorf("after Delete Walk lists %v, want only %s", l, keep)
	}
	if err := st.Delete(t.Context(), k); err != nil {
		t.Errorf("second Delete: %v", err)
	}
	// The same bytes may legitimately arrive again after a retention delete.
	put(t, st, b)
	if got, _ := read(t, st, k); !bytes.Equal(got, b) {
		t.Error("re-put after Delete gave different content")
	}
}

func testConcurrentPut(t *testing.T, st blob.Store) {
	b := data(1<<20+3, 40)
	k := keyOf(b)
	const writers = 8
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for range writers {
		wg.Go(func() {
			errs <- st.Put(t.Context(), k, bytes.NewReader(b), int64(len(b)))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Put: %v", err)
		}
	}
	if got, size := read(t, st, k); size != int64(len(b)) || !bytes.Equal(got, b) {
		t.Error("content after concurrent puts differs")
	}
	if l := listed(t, st); len(l) != 1 {
		t.Errorf("Walk lists %d objects, want 1", len(l))
	}
}

func testInvalidKey(t *testing.T, st blob.Store) {
	good := string(keyOf([]byte("x")))
	bad := []string{
		"",
		"sha256/../../etc",
		"sha256/../../etc/passwd",
		"sha256/ab/../../../../etc/passwd" + strings.Repeat("0", 40),
		"/etc/passwd",
		"sha256/" + good[7:9] + "/" + strings.Repeat(".", 62),
		"sha256/" + good[7:9] + "\\" + good[10:],
		"sha256/" + good[7:9] + "/" + good[10:] + "/",
		"sha256/" + good[7:9] + "/" + good[10:len(good)-1],
		"sha256/" + good[7:9] + good[10:],
		"SHA256" + good[6:],
		"sha256/" + strings.ToUpper(good[7:]),
		"md5/" + good[7:],
		good + "\n",
		"./" + good,
	}
	for _, s := range bad {
		if _, err := blob.ParseKey(s); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("ParseKey(%q): err = %v, want ErrInvalidKey", s, err)
		}
		k := blob.Key(s)
		if err := st.Put(t.Context(), k, strings.NewReader("x"), 1); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q): err = %v, want ErrInvalidKey", s, err)
		}
		if _, _, err := st.Open(t.Context(), k); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Open(%q): err = %v, want ErrInvalidKey", s, err)
		}
		if _, err := st.Stat(t.Context(), k); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Stat(%q): err = %v, want ErrInvalidKey", s, err)
		}
		if err := st.Delete(t.Context(), k); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q): err = %v, want ErrInvalidKey", s, err)
		}
	}
	if k, err := blob.ParseKey(good); err != nil || k != blob.Key(good) {
		t.Errorf("ParseKey(%q) = %q, %v", good, k, err)
	}
	if l := listed(t, st); len(l) != 0 {
		t.Errorf("invalid keys left %d objects", len(l))
	}
}

func testCanceledPut(t *testing.T, st blob.Store) {
	b := data(1<<20, 50)
	k := keyOf(b)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := st.Put(ctx, k, bytes.NewReader(b), int64(len(b))); err == nil {
		t.Fatal("Put with a canceled context succeeded")
	}
	assertGone(t, st, k)
}

func testPing(t *testing.T, st blob.Store) {
	if err := st.Ping(t.Context()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// generator streams n pseudo-random bytes without holding them, sampling the
// heap as it is consumed.
type generator struct {
	rng       *rand.ChaCha8
	remaining int64
	peak      *heapPeak
}

func newGenerator(n int64, peak *heapPeak) *generator {
	return &generator{rng: rand.NewChaCha8([32]byte{7}), remaining: n, peak: peak}
}

func (g *generator) Read(p []byte) (int, error) {
	if g.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.remaining {
		p = p[:g.remaining]
	}
	n, _ := g.rng.Read(p)
	g.remaining -= int64(n)
	g.peak.sample(n)
	return n, nil
}

// heapPeak records the largest heap seen (live objects plus garbage not yet
// swept) relative to a baseline taken after a collection.
type heapPeak struct {
	base, max uint64
	since     int
	s         []metrics.Sample
}

func newHeapPeak() *heapPeak {
	runtime.GC()
	h := &heapPeak{s: []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}}
	metrics.Read(h.s)
	h.base = h.s[0].Value.Uint64()
	h.max = h.base
	return h
}

// sample reads the heap about every 256 KiB consumed; a nil heapPeak
// samples nothing.
func (h *heapPeak) sample(n int) {
	if h == nil {
		return
	}
	h.since += n
	if h.since < 256<<10 {
		return
	}
	h.since = 0
	metrics.Read(h.s)
	h.max = max(h.max, h.s[0].Value.Uint64())
}

func (h *heapPeak) growth() uint64 { return h.max - h.base }

// sampling samples the heap as a stream is consumed.
type sampling struct {
	r    io.Reader
	peak *heapPeak
}

func (s sampling) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.peak.sample(n)
	return n, err
}

func testLarge(t *testing.T, st blob.Store) {
	if testing.Short() {
		t.Skip("streams 64 MiB twice; skipped with -short")
	}
	h := sha256.New()
	if _, err := io.Copy(h, newGenerator(LargeSize, nil)); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	h.Sum(sum[:0])
	k := blob.KeyOf(sum)

	putPeak := newHeapPeak()
	if err := st.Put(t.Context(), k, newGenerator(LargeSize, putPeak), LargeSize); err != nil {
		t.Fatalf("Put(64 MiB): %v", err)
	}
	t.Logf("heap growth during Put of %d MiB: %.1f MiB", LargeSize>>20, float64(putPeak.growth())/(1<<20))
	if putPeak.growth() > MaxHeapGrowth {
		t.Errorf("Put grew the heap by %d MiB streaming %d MiB; it must not buffer the object", putPeak.growth()>>20, LargeSize>>20)
	}

	info, err := st.Stat(t.Context(), k)
	if err != nil || info.Size != LargeSize {
		t.Fatalf("Stat = %+v, %v; want size %d", info, err, LargeSize)
	}

	openPeak := newHeapPeak()
	rc, size, err := st.Open(t.Context(), k)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer rc.Close()
	h.Reset()
	n, err := io.Copy(h, sampling{r: rc, peak: openPeak})
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	t.Logf("heap growth during Open of %d MiB: %.1f MiB", LargeSize>>20, float64(openPeak.growth())/(1<<20))
	if size != LargeSize || n != LargeSize || blob.KeyOf([32]byte(h.Sum(nil))) != k {
		t.Errorf("read back %d bytes (size %d), digest matches: %v", n, size, blob.KeyOf([32]byte(h.Sum(nil))) == k)
	}
	if openPeak.growth() > MaxHeapGrowth {
		t.Errorf("Open grew the heap by %d MiB streaming %d MiB", openPeak.growth()>>20, LargeSize>>20)
	}
}
