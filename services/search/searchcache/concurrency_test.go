package searchcache

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
	"github.com/sas-platform/sas/services/search/index"
)

// TestConcurrent runs searches, changes and cache failures at once, then
// checks that once the cache is back no answer differs from the index's.
func TestConcurrent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store cache.Cache) { concurrent(t, store, 0) })
	t.Run("redis+near", func(t *testing.T) { concurrent(t, newRedis(t), DefaultNear) })
}

// concurrent is TestConcurrent over store, with near bytes of the
// process's own answers in front of it.
func concurrent(t *testing.T, store cache.Cache, near int64) {
	fl := &flaky{Cache: store}
	f := newFixture(t, fl, Config{Retry: time.Millisecond, Near: near})
	points := []index.Point{nantes, east(0.7), east(1.4), east(2.1)}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for n := 0; !stop.Load(); n++ {
				if _, out, err := f.c.Search(context.Background(), at(points[(i+n)%len(points)]), now, f.compute); err != nil {
					t.Errorf("search: %v (%s)", err, out)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for n := 0; !stop.Load(); n++ {
			fl.failing.Store(n%7 == 3)
			time.Sleep(100 * time.Microsecond) // pace the failures, not a synchronisation
		}
	})
	for n := range 300 {
		f.apply(func(w *index.Writer) {
			w.PutSlot(slotMsg(fmt.Sprint("c", n%10), fmt.Sprint("p", 1+n%6), fmt.Sprint("s", 1+n%6), time.Duration(n%5+1)*time.Hour))
		})
	}
	stop.Store(true)
	wg.Wait()
	fl.failing.Store(false)
	for _, p := range points {
		res, out := f.search(at(p))
		for out == OutcomeBypass {
			waitFor(t, "Retry", func() bool { return !time.Now().Before(f.c.health.retryAtNow()) })
			res, out = f.search(at(p))
		}
		norm, _, when := Normalize(at(p), now)
		want, err := f.ix.Search(context.Background(), norm, when)
		if err != nil {
			t.Fatal(err)
		}
		wantEqual(t, want, res)
	}
}
