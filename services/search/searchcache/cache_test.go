package searchcache

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/search/index"
)

// wantOutcome fails t unless got is want.
func wantOutcome(t testing.TB, what string, got, want Outcome) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: outcome %s, want %s", what, got, want)
	}
}

// wantEqual fails t unless a and b are equal as their receivers see them:
// a hit keeps its results encoded, to be decoded by whoever receives it.
func wantEqual(t testing.TB, a, b *searchv1.SearchSlotsResponse) {
	t.Helper()
	a, b = received(a), received(b)
	if !proto.Equal(a, b) {
		t.Fatalf("answers differ:\n%s\n---\n%s", prototext.Format(a), prototext.Format(b))
	}
}

func TestHit(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		first, out := f.search(at(nantes))
		wantOutcome(t, "first search", out, OutcomeMiss)
		if n := len(received(first).GetResults()); n != 6 {
			t.Fatalf("first search found %d results, want 6", n)
		}
		if len(first.GetResults()) != 0 || len(first.ProtoReflect().GetUnknown()) == 0 {
			t.Errorf("a miss answers with %d decoded results, want them kept encoded, as stored", len(first.GetResults()))
		}
		second, out := f.search(at(nantes))
		wantOutcome(t, "second search", out, f.hit)
		wantEqual(t, first, second)
		norm, _, when := Normalize(at(nantes), now)
		direct, err := f.ix.Search(context.Background(), norm, when)
		if err != nil {
			t.Fatal(err)
		}
		wantEqual(t, first, direct)
		if n := f.computes.Load(); n != 1 {
			t.Errorf("%d computations, want 1", n)
		}
	})
}

func TestNearbyShare(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		c := index.Point{Lat: snap(nantes.Lat, 90), Lon: snap(nantes.Lon, 180)}
		a, b := index.Point{Lat: c.Lat - 0.00045, Lon: c.Lon}, index.Point{Lat: c.Lat + 0.00045, Lon: c.Lon}
		if d := index.Distance(a, b); d < 99 || d > 101 {
			t.Fatalf("points %.0f m apart, want 100", d)
		}
		first, out := f.search(at(a))
		wantOutcome(t, "first regulator", out, OutcomeMiss)
		second, out := f.search(at(b))
		wantOutcome(t, "second regulator, 100 m away", out, f.hit)
		wantEqual(t, first, second)
		if got := first.GetCentre(); got.GetLatitude() != c.Lat || got.GetLongitude() != c.Lon {
			t.Errorf("centre %v, want the cell's centre %v", got, c)
		}
		_, out = f.search(at(east(1)))
		wantOutcome(t, "a regulator 1 km away", out, OutcomeMiss)
	})
}

func TestSharedKeys(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		first := at(nantes)
		first.RadiusMeters, first.Specialties = 4_200, []string{"SM54", "SM26"}
		f.search(first)
		second := at(nantes)
		second.RadiusMeters, second.Specialties = 5_000, []string{" SM26", "SM54", "SM54"}
		_, out := f.search(second)
		wantOutcome(t, "same radius bucket and specialties", out, f.hit)
		byName := &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_CommuneName{CommuneName: "NANTES"}}
		f.search(byName)
		byName.Location = &searchv1.SearchSlotsRequest_CommuneName{CommuneName: "  nantes"}
		_, out = f.search(byName)
		wantOutcome(t, "commune name in other case", out, f.hit)
	})
}

func TestSlotInvalidation(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		f.search(at(nantes))
		f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("new", "p2", "s2", 2*time.Hour)) })
		res, out := f.search(at(nantes))
		wantOutcome(t, "search after a new slot", out, OutcomeMiss)
		wantSlot(t, res, "slots/new")
		f.apply(func(w *index.Writer) { w.DeleteSlot("slots/new") })
		res, out = f.search(at(nantes))
		wantOutcome(t, "search after the slot went", out, OutcomeMiss)
		if slotNames(res)["slots/new"] {
			t.Errorf("deleted slot still in %v", slotNames(res))
		}
	})
}

func TestOptOut(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		f.search(at(nantes))
		f.apply(func(w *index.Writer) {
			p := proMsg("p3", "s3")
			p.OptedOut = true
			w.PutProfessional(p)
		})
		res, out := f.search(at(nantes))
		wantOutcome(t, "search after an opt-out", out, OutcomeMiss)
		if professionals(res)["professionals/p3"] {
			t.Errorf("opted-out professional still found: %v", professionals(res))
		}
	})
}

func TestInvalidationElsewhere(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		f.search(at(nantes))
		lyon := index.Point{Lat: 45.76, Lon: 4.84}
		f.apply(func(w *index.Writer) {
			w.PutSite(siteMsg("lyon", lyon))
			w.PutProfessional(proMsg("p9", "lyon"))
			w.PutSlot(slotMsg("lyon", "p9", "lyon", time.Hour))
		})
		_, out := f.search(at(nantes))
		wantOutcome(t, "search after a change 500 km away", out, f.hit)
	})
}

func TestInvalidateAll(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		f.search(at(nantes))
		f.c.InvalidateAll(context.Background())
		_, out := f.search(at(nantes))
		wantOutcome(t, "search after InvalidateAll", out, OutcomeMiss)
	})
}

// TestChangeWhileComputing applies and invalidates a change while a miss is
// computed from the state before it: the answer stored must not outlive it.
func TestChangeWhileComputing(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		compute := func(ctx context.Context, req *searchv1.SearchSlotsRequest, at time.Time) (*searchv1.SearchSlotsResponse, error) {
			res, err := f.ix.Search(ctx, req, at)
			f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("new", "p2", "s2", 2*time.Hour)) })
			return res, err
		}
		if _, out, err := f.c.Search(context.Background(), at(nantes), now, compute); err != nil || out != OutcomeMiss {
			t.Fatalf("search = %s, %v; want a miss", out, err)
		}
		res, out := f.search(at(nantes))
		wantOutcome(t, "search after the change", out, OutcomeMiss)
		wantSlot(t, res, "slots/new")
	})
}

func TestNotCached(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		doctor := at(nantes)
		doctor.PatientDoctor = "professionals/p1"
		for range 2 {
			res, out := f.search(doctor)
			wantOutcome(t, "patient's doctor", out, OutcomeSkip)
			if res.GetPatientDoctor().GetProfessional().GetName() != "professionals/p1" {
				t.Fatalf("patient's doctor missing: %v", res.GetPatientDoctor())
			}
		}
		bad := at(nantes)
		bad.RadiusMeters = 500
		for range 2 {
			if _, out, err := f.c.Search(context.Background(), bad, now, f.compute); err == nil || out != OutcomeMiss {
				t.Fatalf("bad radius = %s, %v; want a miss and an error", out, err)
			}
		}
		if n := f.computes.Load(); n != 4 {
			t.Errorf("%d computations, want 4: neither is cached", n)
		}
	})
}

// waiting returns how many callers wait for the computation of key.
func (f *flight) waiting(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if cl, ok := f.calls[key]; ok {
		return cl.waiters
	}
	return 0
}

func TestStampede(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		release := make(chan struct{})
		compute := func(ctx context.Context, req *searchv1.SearchSlotsRequest, at time.Time) (*searchv1.SearchSlotsResponse, error) {
			f.computes.Add(1)
			<-release
			return f.ix.Search(ctx, req, at)
		}
		const n = 20
		var wg sync.WaitGroup
		answers, outcomes, errs := make([]*searchv1.SearchSlotsResponse, n), make([]Outcome, n), make([]error, n)
		for i := range n {
			wg.Go(func() { answers[i], outcomes[i], errs[i] = f.c.Search(context.Background(), at(nantes), now, compute) })
		}
		_, key, _ := Normalize(at(nantes), now)
		waitFor(t, "every search waiting for the first", func() bool { return f.c.flight.waiting(key) == n-1 })
		close(release)
		wg.Wait()
		for i := range n {
			if errs[i] != nil || outcomes[i] != OutcomeMiss {
				t.Fatalf("search %d = %s, %v; want a miss", i, outcomes[i], errs[i])
			}
			wantEqual(t, answers[0], answers[i])
		}
		if got := f.computes.Load(); got != 1 {
			t.Errorf("%d computations, want 1", got)
		}
	})
}

// waitFor polls cond until it holds, failing t after ten seconds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestSlotAfterOptOut checks a slot pushed for an opted-out professional
// stays out through the cache.
func TestSlotAfterOptOut(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		f.apply(func(w *index.Writer) {
			p := proMsg("p1", "s1")
			p.OptedOut = true
			w.PutProfessional(p)
		})
		f.search(at(nantes))
		f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("late", "p1", "s1", 3*time.Hour)) })
		res, _ := f.search(at(nantes))
		if professionals(res)["professionals/p1"] || slotNames(res)["slots/late"] {
			t.Errorf("opted-out professional found: %v", professionals(res))
		}
	})
}

// TestLargeDisc checks the invalidation of an entry tagged with 1° squares.
func TestLargeDisc(t *testing.T) {
	forEachSetup(t, Config{}, func(t *testing.T, f *fixture) {
		wide := at(nantes)
		wide.RadiusMeters = 60_000
		res, _ := f.search(wide)
		if n := len(index.Cells(nantes, float64(res.GetRadiusMeters()))); n <= coarseAbove {
			t.Fatalf("%d cells: not a large disc", n)
		}
		f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("new", "p6", "s6", 2*time.Hour)) })
		res, out := f.search(wide)
		wantOutcome(t, "after a change in the disc", out, OutcomeMiss)
		wantSlot(t, res, "slots/new")
		f.apply(func(w *index.Writer) {
			w.PutSite(siteMsg("lyon", index.Point{Lat: 45.76, Lon: 4.84}))
			w.PutProfessional(proMsg("p9", "lyon"))
			w.PutSlot(slotMsg("lyon", "p9", "lyon", time.Hour))
		})
		_, out = f.search(wide)
		wantOutcome(t, "after a change 500 km away", out, f.hit)
	})
}

func TestCellNames(t *testing.T) {
	cells := []index.Cell{{Lat: 472, Lon: -16}, {Lat: 479, Lon: -10}, {Lat: 470, Lon: -9}, {Lat: 480, Lon: 0}}
	if got, want := cellNames(cells, false), []string{"472:-16", "479:-10", "470:-9", "480:0"}; !slices.Equal(got, want) {
		t.Errorf("cellNames = %v, want %v", got, want)
	}
	if got, want := cellNames(cells, true), []string{"d47:-2", "d47:-1", "d48:0"}; !slices.Equal(got, want) {
		t.Errorf("coarse cellNames = %v, want %v", got, want)
	}
}
