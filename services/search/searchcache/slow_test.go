package searchcache

import (
	"testing"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
	"github.com/sas-platform/sas/services/search/index"
)

// TestSlowCallKeepsCacheUp: a get that runs out of time while the cache
// otherwise answers is computed alone; the next searches still use the cache.
func TestSlowCallKeepsCacheUp(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store cache.Cache) {
		fl := &flaky{Cache: store}
		f := newFixture(t, fl, Config{OpTimeout: 200 * time.Millisecond, Retry: time.Minute})
		want, _ := f.search(at(nantes))
		fl.slowGet.Store(true)
		got, out := f.search(at(nantes))
		wantOutcome(t, "slow get", out, OutcomeBypass)
		wantEqual(t, want, got)
		fl.slowGet.Store(false)
		_, out = f.search(at(nantes))
		wantOutcome(t, "next search", out, OutcomeHit)
	})
}

// TestSlowForRetryGoesDown: a cache that does nothing but time out for Retry
// is bypassed like a failing one, and probed again.
func TestSlowForRetryGoesDown(t *testing.T) {
	fl := &flaky{Cache: newRedis(t)}
	f := newFixture(t, fl, Config{OpTimeout: 50 * time.Millisecond, Retry: time.Second})
	f.search(at(nantes))
	fl.slowGet.Store(true)
	_, out := f.search(at(nantes))
	wantOutcome(t, "first slow get", out, OutcomeBypass)
	if !f.c.health.up.Load() {
		t.Fatal("down after one slow get, while the cache answered a moment ago")
	}
	time.Sleep(1100 * time.Millisecond)
	f.search(at(nantes))
	if f.c.health.up.Load() {
		t.Fatal("still up after Retry of nothing but slow calls")
	}
	fl.calls()
	_, out = f.search(at(nantes))
	wantOutcome(t, "within Retry", out, OutcomeBypass)
	if ops := fl.calls(); len(ops) != 0 {
		t.Errorf("calls to a cache that is down: %v", ops)
	}
}

// TestSlowSetLandingLate: a write that timed out lands after a change of
// its cells was invalidated; the entry it left is taken out again, so that
// a search after settle has the change.
func TestSlowSetLandingLate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store cache.Cache) {
		fl := &flaky{Cache: store, landed: make(chan struct{})}
		f := newFixture(t, fl, Config{OpTimeout: 200 * time.Millisecond, Retry: time.Minute})
		fl.slowSet.Store(true)
		_, out := f.search(at(nantes)) // its set times out, then lands
		wantOutcome(t, "miss", out, OutcomeMiss)
		fl.slowSet.Store(false)
		f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("new", "p2", "s2", 2*time.Hour)) })
		<-fl.landed
		if !f.c.health.up.Load() {
			t.Fatal("down after a slow write")
		}
		time.Sleep(settle + 100*time.Millisecond)
		res, _ := f.search(at(nantes))
		if !slotNames(res)["slots/new"] {
			t.Errorf("stale answer after settle: new slot missing from %v", slotNames(res))
		}
	})
}
