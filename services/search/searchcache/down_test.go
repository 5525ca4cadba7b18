package searchcache

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
	"github.com/sas-platform/sas/services/search/index"
)

// TestClosedRedis checks that searches answer, bypassing the cache, when
// Redis is gone.
func TestClosedRedis(t *testing.T) {
	store := newRedis(t)
	f := newFixture(t, store, Config{})
	want, out := f.search(at(nantes))
	wantOutcome(t, "first search", out, OutcomeMiss)
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	got, out := f.search(at(nantes))
	wantOutcome(t, "search with Redis closed", out, OutcomeBypass)
	wantEqual(t, want, got)
	_, out = f.search(at(nantes))
	wantOutcome(t, "next search within Retry", out, OutcomeBypass)
	f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("new", "p2", "s2", 2*time.Hour)) })
	res, out := f.search(at(nantes))
	wantOutcome(t, "search after a change", out, OutcomeBypass)
	wantSlot(t, res, "slots/new")
}

// TestRecovery checks that invalidations sent while the cache failed are
// replayed before it serves a hit again: the entry written before the
// failure is stale.
func TestRecovery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store cache.Cache) {
		fl := &flaky{Cache: store}
		f := newFixture(t, fl, Config{Retry: 5 * time.Millisecond})
		f.search(at(nantes))
		_, out := f.search(at(nantes))
		wantOutcome(t, "before the failure", out, OutcomeHit)

		fl.failing.Store(true)
		_, out = f.search(at(nantes))
		wantOutcome(t, "failing", out, OutcomeBypass)
		f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("new", "p2", "s2", 2*time.Hour)) })
		res, out := f.search(at(nantes))
		wantOutcome(t, "failing, after a change", out, OutcomeBypass)
		wantSlot(t, res, "slots/new")

		fl.failing.Store(false)
		fl.calls()
		for out == OutcomeBypass {
			waitFor(t, "Retry", func() bool { return !time.Now().Before(f.c.health.retryAtNow()) })
			res, out = f.search(at(nantes))
		}
		wantOutcome(t, "first search after recovery", out, OutcomeMiss)
		if !slotNames(res)["slots/new"] {
			t.Errorf("stale answer after recovery: new slot missing from %v", slotNames(res))
		}
		if ops := fl.calls(); !slices.Equal(ops, []string{"invalidate", "get", "set"}) {
			t.Errorf("calls after recovery = %v, want the replay first", ops)
		}
		_, out = f.search(at(nantes))
		wantOutcome(t, "then", out, OutcomeHit)
	})
}

// TestChangeDuringReplay checks that a change kept while the probe replays
// is replayed too, even when it touches the cells being replayed: a search
// admitted before the failure may store its answer between that replay and
// the change. TestConcurrent found this, about once in 500 runs.
func TestChangeDuringReplay(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store cache.Cache) {
		fl := &flaky{Cache: store}
		f := newFixture(t, fl, Config{Retry: 5 * time.Millisecond})
		inGet, getGo := make(chan struct{}), make(chan struct{})
		inSet, setGo := make(chan struct{}), make(chan struct{})
		fl.onGet = func() { close(inGet); <-getGo }
		fl.onSet = func() { close(inSet); <-setGo }
		done := make(chan struct{})
		go func() { // admitted while the cache is up
			defer close(done)
			if _, _, err := f.c.Search(context.Background(), at(nantes), now, f.compute); err != nil {
				t.Errorf("search admitted before the failure: %v", err)
			}
		}()
		<-inGet
		fl.failing.Store(true)
		f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("first", "p2", "s2", 2*time.Hour)) })
		fl.failing.Store(false)
		close(getGo) // a miss: computed after the first change, then stored
		<-inSet

		fl.onInvalidate = func() { // the probe's replay of the first change
			close(setGo)
			<-done
			f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("second", "p2", "s2", 3*time.Hour)) })
		}
		waitFor(t, "Retry", func() bool { return !time.Now().Before(f.c.health.retryAtNow()) })
		for {
			if _, out := f.search(at(east(1))); out != OutcomeBypass {
				break
			}
			waitFor(t, "Retry", func() bool { return !time.Now().Before(f.c.health.retryAtNow()) })
		}
		res, _ := f.search(at(nantes))
		if names := slotNames(res); !names["slots/first"] || !names["slots/second"] {
			t.Errorf("stale answer after recovery: %v, want slots/first and slots/second", names)
		}
	})
}

// retryAtNow returns when the next probe may start.
func (h *health) retryAtNow() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.retryAt
}

// TestFailedProbe checks that a probe failing leaves the cache down, and
// that a ping probes when nothing is to be replayed.
func TestFailedProbe(t *testing.T) {
	fl := &flaky{Cache: newRedis(t)}
	f := newFixture(t, fl, Config{Retry: 5 * time.Millisecond})
	fl.failing.Store(true)
	_, out := f.search(at(nantes))
	wantOutcome(t, "failing", out, OutcomeBypass)
	waitFor(t, "Retry", func() bool { return !time.Now().Before(f.c.health.retryAtNow()) })
	fl.calls()
	_, out = f.search(at(nantes))
	wantOutcome(t, "probe while failing", out, OutcomeBypass)
	if ops := fl.calls(); !slices.Equal(ops, []string{"ping"}) {
		t.Errorf("calls of a probe = %v, want a ping", ops)
	}
	_, out = f.search(at(nantes))
	wantOutcome(t, "right after a failed probe", out, OutcomeBypass)
	if ops := fl.calls(); len(ops) != 0 {
		t.Errorf("calls within Retry = %v, want none", ops)
	}
	fl.failing.Store(false)
	waitFor(t, "Retry", func() bool { return !time.Now().Before(f.c.health.retryAtNow()) })
	_, out = f.search(at(nantes))
	wantOutcome(t, "after recovery", out, OutcomeMiss)
}

// TestTooManyPending checks that beyond maxPending cells, everything is
// invalidated on recovery.
func TestTooManyPending(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store cache.Cache) {
		fl := &flaky{Cache: store}
		f := newFixture(t, fl, Config{Retry: 5 * time.Millisecond})
		f.search(at(nantes))
		fl.failing.Store(true)
		f.search(at(nantes))
		far := make([]index.Cell, 0, maxPending+1)
		for i := range maxPending + 1 {
			far = append(far, index.Cell{Lat: 100, Lon: int16(i)})
		}
		f.c.Invalidate(context.Background(), far)
		fl.failing.Store(false)
		out := OutcomeBypass
		for out == OutcomeBypass {
			waitFor(t, "Retry", func() bool { return !time.Now().Before(f.c.health.retryAtNow()) })
			_, out = f.search(at(nantes))
		}
		wantOutcome(t, "after recovery", out, OutcomeMiss)
	})
}
