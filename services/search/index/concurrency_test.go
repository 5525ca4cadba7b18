package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// feed is a random change feed around Nantes that remembers the last
// message of each name, to build a fresh index from at the end.
type feed struct {
	rng   *rand.Rand
	last  map[string]proto.Message // by name; nil value: deleted
	order []string                 // names in first-seen order
}

func (f *feed) keep(name string, m proto.Message) {
	if _, ok := f.last[name]; !ok {
		f.order = append(f.order, name)
	}
	f.last[name] = m
}

// next applies one random change with w.
func (f *feed) next(w *Writer) {
	r := f.rng
	switch n := r.IntN(100); {
	case n < 45:
		s := slotMsg(fmt.Sprint(r.IntN(3000)), fmt.Sprint(r.IntN(300)), f.slotSite(), r.Float64()*72-2, func(s *availabilityv1.Slot) {
			s.Published = r.IntN(20) != 0
			s.Visibility = commonv1.Visibility(1 + r.IntN(4))
			if r.IntN(10) == 0 {
				s.Status = availabilityv1.Slot_STATUS_BOOKED
			}
			if r.IntN(2) == 0 {
				s.Vendor = fmt.Sprintf("vendors/v%d", r.IntN(3))
			}
		})
		w.PutSlot(s)
		f.keep(s.Name, s)
	case n < 60:
		name := fmt.Sprintf("slots/%d", r.IntN(3000))
		w.DeleteSlot(name)
		f.keep(name, nil)
	case n < 72:
		p := f.professional()
		w.PutProfessional(p)
		f.keep(p.Name, p)
	case n < 82:
		s := siteMsg(fmt.Sprint(r.IntN(100)), Point{nantes.Lat + r.NormFloat64()*0.07, nantes.Lon + r.NormFloat64()*0.1})
		if r.IntN(10) == 0 {
			s.GeocodePrecision = directoryv1.Site_GEOCODE_PRECISION_NONE
		}
		w.PutSite(s)
		f.keep(s.Name, s)
	case n < 90:
		p := participationMsg(fmt.Sprint(r.IntN(300)), func(p *availabilityv1.Participation) {
			p.Participates, p.AcceptsExtraPatients, p.VendorInterfacing = r.IntN(3) == 0, r.IntN(4) == 0, r.IntN(5) != 0
		})
		w.PutParticipation(p)
		f.keep(p.Name, p)
	case n < 97:
		rg := &availabilityv1.Range{Name: fmt.Sprintf("ranges/%d", r.IntN(200)), Professional: fmt.Sprintf("professionals/%d", r.IntN(300)),
			Place: &availabilityv1.PracticePlace{}, StartTime: ts(now.Unix() + r.Int64N(72*3600)), MaxPatients: 3,
			OrientationCount: r.Int32N(4), Published: true}
		rg.EndTime = ts(rg.StartTime.Seconds + 3*3600)
		w.PutRange(rg)
		f.keep(rg.Name, rg)
	default:
		name := fmt.Sprintf("sites/%d", r.IntN(100))
		w.DeleteSite(name)
		f.keep(name, nil)
	}
}

func (f *feed) slotSite() string {
	if f.rng.IntN(3) == 0 {
		return ""
	}
	return fmt.Sprint(f.rng.IntN(100))
}

func (f *feed) professional() *directoryv1.Professional {
	r := f.rng
	sites := []string{fmt.Sprint(r.IntN(100))}
	if r.IntN(3) == 0 {
		sites = append(sites, fmt.Sprint(r.IntN(100)))
	}
	return proMsg(fmt.Sprint(r.IntN(300)), sites, func(p *directoryv1.Professional) {
		p.OptedOut, p.Active = r.IntN(15) == 0, r.IntN(15) != 0
		if r.IntN(3) == 0 {
			p.Profession = "professions/60"
		}
	})
}

// replay applies the last message of every name to w, in first-seen order.
func (f *feed) replay(w *Writer) {
	for _, name := range f.order {
		switch m := f.last[name].(type) {
		case *availabilityv1.Slot:
			w.PutSlot(m)
		case *availabilityv1.Range:
			w.PutRange(m)
		case *directoryv1.Professional:
			w.PutProfessional(m)
		case *directoryv1.Site:
			w.PutSite(m)
		case *availabilityv1.Participation:
			w.PutParticipation(m)
		}
	}
}

// queries are the searches of the test.
var queries = []*searchv1.SearchSlotsRequest{
	{Location: atPoint(nantes)},
	{Location: atPoint(nantes), RadiusMeters: 30_000, PageSize: 100},
	{Location: atPoint(east(5)), Professions: []string{"60"}, AvailableWithin: searchv1.AvailableWithin_AVAILABLE_WITHIN_4_8_HOURS},
	{Location: atPoint(nantes), Mode: searchv1.SearchMode_SEARCH_MODE_EXTRA_PATIENTS, PageSize: 50},
	{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "44000"}, ShuffleSeed: 7},
	{Location: atPoint(nantes), Vendors: []string{"vendors/v1"}, Visibilities: []commonv1.Visibility{commonv1.Visibility_VISIBILITY_CPTS, commonv1.Visibility_VISIBILITY_SNP}},
	{Location: atPoint(nantes), PatientDoctor: "professionals/7"},
}

// TestConcurrentFeedAndSearches applies a random feed while searches run
// (run it with -race), then checks that the index answers like one built
// from the last state of every resource at once.
func TestConcurrentFeedAndSearches(t *testing.T) {
	x := newIndex(t)
	f := &feed{rng: rand.New(rand.NewPCG(1, 2)), last: map[string]proto.Message{}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for n := i; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				res, err := x.Search(context.Background(), queries[n%len(queries)], now)
				if err != nil {
					t.Error(err)
					return
				}
				checkOrder(t, res)
			}
		})
	}
	for i := range 4000 {
		x.Apply(func(w *Writer) {
			for range 1 + i%5 {
				f.next(w)
			}
			if i%500 == 0 {
				w.Prune(now)
			}
		})
	}
	close(stop)
	wg.Wait()

	checkInvariants(t, x)
	checkLinks(t, x)
	y := newIndex(t)
	y.Apply(f.replay)
	for _, q := range queries {
		a, b := mustSearch(t, x, q), mustSearch(t, y, q)
		a.NextPageToken, b.NextPageToken = "", ""
		if !proto.Equal(a, b) {
			t.Errorf("%v: the fed index answers\n%v\na fresh one\n%v", q, prototext.Format(a), prototext.Format(b))
		}
	}
}

// checkOrder checks that participants come first, by distance when not
// shuffled, within the radius, each with availability in free-slots mode.
func checkOrder(t *testing.T, res *searchv1.SearchSlotsResponse) {
	for i, r := range res.Results {
		if r.DistanceMeters > res.RadiusMeters+1 {
			t.Errorf("result at %d m beyond %d", r.DistanceMeters, res.RadiusMeters)
		}
		if i == 0 {
			continue
		}
		prev := res.Results[i-1]
		if !prev.SasParticipant && r.SasParticipant {
			t.Errorf("participant after a non-participant")
		}
		if res.ShuffleSeed == 0 && prev.SasParticipant == r.SasParticipant && prev.DistanceMeters > r.DistanceMeters {
			t.Errorf("%d m after %d m", r.DistanceMeters, prev.DistanceMeters)
		}
	}
	if int(res.TotalSize) < len(res.Results) {
		t.Errorf("total %d < %d results", res.TotalSize, len(res.Results))
	}
}

// checkInvariants checks that every item is held once, where the map of
// items says, and that ids and rows lead to the owners and entries that
// hold them.
func checkInvariants(t *testing.T, x *Index) {
	t.Helper()
	st := &x.st
	seen := map[string]int{}
	held := func(it *item, o *owner, e *entry) {
		n := st.nameString(&it.name)
		seen[n]++
		ref := st.items[it.name]
		var eid uint32
		if e != nil {
			eid = e.id
		}
		if st.owner(ref.o) != o || ref.e != eid {
			t.Fatalf("item %s is held by %s (entry %d), its reference says owner %d entry %d", n, o.key, eid, ref.o, ref.e)
		}
	}
	owners, entries := 0, 0
	for _, o := range st.owners {
		owners++
		if o.id == 0 || st.owner(o.id) != o {
			t.Fatalf("owner %s has id %d, which is not its own", o.key, o.id)
		}
		es := map[*site]bool{}
		for _, e := range o.entries {
			entries++
			if es[e.site] {
				t.Fatalf("owner %s has two entries at %s", o.key, e.site.name)
			}
			es[e.site] = true
			if e.id == 0 || st.entry(e.id) != e {
				t.Fatalf("entry %s@%s has id %d, which is not its own", o.key, e.site.name, e.id)
			}
			for _, list := range [2][]item{e.slots, e.ranges} {
				for i := range list {
					held(&list[i], o, e)
				}
			}
		}
		for i := range o.pending {
			held(&o.pending[i], o, nil)
		}
	}
	for n, c := range seen {
		if c != 1 {
			t.Fatalf("item %s %d times", n, c)
		}
	}
	if len(seen) != len(st.items) {
		t.Fatalf("%d items held, %d in map", len(seen), len(st.items))
	}
	if live := len(st.ownerIDs.byID) - 1 - len(st.ownerIDs.free); live != owners {
		t.Fatalf("%d owner ids in use for %d owners", live, owners)
	}
	if live := len(st.entryIDs.byID) - 1 - len(st.entryIDs.free); live != entries {
		t.Fatalf("%d entry ids in use for %d entries", live, entries)
	}
	for _, b := range st.grid.blocks {
		for f, rows := range b.rows {
			for i, r := range rows {
				if e := st.entry(r.entry); e == nil || e.blk != b || int(e.fine) != f || int(e.pos) != i || r.hash != e.hash {
					t.Fatalf("row %d of fine cell %d of %v leads to entry %d, which is not there", i, f, b.cell, r.entry)
				}
			}
		}
	}
}

// checkLinks checks that sites and owners list each other.
func checkLinks(t *testing.T, x *Index) {
	t.Helper()
	for _, s := range x.st.sites {
		seen := map[*owner]bool{}
		for _, o := range s.owners {
			if seen[o] {
				t.Fatalf("site %s lists %s twice", s.name, o.key)
			}
			seen[o] = true
			if !slices.Contains(o.sites, s) {
				t.Fatalf("site %s lists %s, which does not list it", s.name, o.key)
			}
		}
	}
	for _, o := range x.st.owners {
		for _, s := range o.sites {
			if x.st.sites[s.name] != s || !slices.Contains(s.owners, o) {
				t.Fatalf("owner %s lists site %s, which does not list it", o.key, s.name)
			}
		}
	}
}
