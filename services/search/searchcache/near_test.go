package searchcache

import (
	"context"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/sas-platform/sas/services/search/index"
)

// TestNearSkipsRedis checks that a process answers its own answers again
// without calling the shared cache, and another replica's from it.
func TestNearSkipsRedis(t *testing.T) {
	store := newRedis(t)
	fl := &flaky{Cache: store}
	f := newFixture(t, fl, Config{Near: DefaultNear})
	first, out := f.search(at(nantes))
	wantOutcome(t, "first search", out, OutcomeMiss)
	fl.calls()
	second, out := f.search(at(nantes))
	wantOutcome(t, "second search", out, OutcomeNear)
	if calls := fl.calls(); len(calls) != 0 {
		t.Errorf("a near hit called the shared cache: %v", calls)
	}
	wantEqual(t, first, second)

	// Another replica, over the same Redis: the answer is shared, but not
	// kept near, since it was not computed there.
	other := newFixture(t, store, Config{Near: DefaultNear})
	for i := range 2 {
		res, out := other.search(at(nantes))
		wantOutcome(t, "other replica's search", out, OutcomeHit)
		wantEqual(t, first, res)
		if i == 1 && other.computes.Load() != 0 {
			t.Errorf("other replica computed %d times, want 0", other.computes.Load())
		}
	}
}

// TestNearWhileDown checks that the process's own answers serve while the
// shared cache fails, and that invalidations reach them all the same.
func TestNearWhileDown(t *testing.T) {
	fl := &flaky{Cache: newRedis(t)}
	f := newFixture(t, fl, Config{Near: DefaultNear, Retry: time.Hour})
	f.search(at(nantes))
	fl.failing.Store(true)
	_, out := f.search(at(nantes))
	wantOutcome(t, "failing, an answer computed before", out, OutcomeNear)
	f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("new", "p2", "s2", 2*time.Hour)) })
	res, out := f.search(at(nantes))
	wantOutcome(t, "failing, after a change", out, OutcomeBypass)
	wantSlot(t, res, "slots/new")
	res, out = f.search(at(nantes))
	wantOutcome(t, "failing, the answer computed while failing", out, OutcomeNear)
	wantSlot(t, res, "slots/new")
}

// TestNearExpires checks that an answer kept near expires with its TTL, on
// the searches' clock, while the shared cache still holds it.
func TestNearExpires(t *testing.T) {
	f := newFixture(t, newRedis(t), Config{Near: DefaultNear, TTL: time.Second})
	f.search(at(nantes))
	_, out, err := f.c.Search(context.Background(), at(nantes), now.Add(500*time.Millisecond), f.compute)
	if err != nil || out != OutcomeNear {
		t.Fatalf("search within the TTL = %s, %v; want near", out, err)
	}
	_, out, err = f.c.Search(context.Background(), at(nantes), now.Add(2*time.Second), f.compute)
	if err != nil || out != OutcomeHit {
		t.Fatalf("search past the TTL, same minute = %s, %v; want a hit from Redis", out, err)
	}
}

// TestNearBound checks that the answers kept near stay within Config.Near,
// the last one kept.
func TestNearBound(t *testing.T) {
	first := newFixture(t, newRedis(t), Config{Near: DefaultNear})
	res, _ := first.search(at(nantes))
	size := int64(proto.Size(res))
	limit := 6 * size
	f := newFixture(t, newRedis(t), Config{Near: limit})
	for km := range 20 {
		f.search(at(east(0.3 * float64(km))))
		f.c.near.mu.Lock()
		used, n := f.c.near.size, len(f.c.near.entries)
		f.c.near.mu.Unlock()
		if used > limit || n == 0 {
			t.Fatalf("after %d answers: %d bytes in %d entries, limit %d", km+1, used, n, limit)
		}
	}
	_, out := f.search(at(east(0.3 * 19)))
	wantOutcome(t, "last answer again", out, OutcomeNear)
}

// TestNearVersions checks that a change makes stale the entries covering its
// cells, and those only (cells that share a version aside).
func TestNearVersions(t *testing.T) {
	var n near
	n.init(1 << 20)
	a := []index.Cell{{Lat: 472, Lon: -16}, {Lat: 472, Lon: -15}}
	b := []index.Cell{{Lat: 457, Lon: 48}}
	if n.slot(a[0]) == n.slot(b[0]) || n.slot(a[1]) == n.slot(b[0]) {
		t.Fatal("test cells share a version")
	}
	keep := func(key string, cells []index.Cell) {
		vers, epoch := n.snapshot(cells)
		n.put(key, &nearEntry{b: []byte(key), cells: cells, vers: vers, epoch: epoch, expires: now.Add(time.Minute)}, now)
	}
	keep("a", a)
	keep("b", b)
	n.bump(a[1:], false)
	if n.get("a", now) != nil {
		t.Error("entry a kept after a change in its cells")
	}
	if got := n.get("b", now); !slices.Equal(got, []byte("b")) {
		t.Errorf("entry b = %q after a change elsewhere", got)
	}
	n.bump(nil, true)
	if n.get("b", now) != nil {
		t.Error("entry b kept after a change of all")
	}
	if n.size != 0 || len(n.entries) != 0 {
		t.Errorf("%d bytes in %d entries after all went stale", n.size, len(n.entries))
	}
}
