package index

import (
	"slices"
	"testing"
	"time"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// found returns the ids found around p within 20 km.
func found(t *testing.T, x *Index, p Point, mode searchv1.SearchMode) []string {
	t.Helper()
	return ids(mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: atPoint(p), RadiusMeters: 20_000, Mode: mode}).Results)
}

func cellsOf(points ...Point) []Cell {
	var out []Cell
	for _, p := range points {
		out = append(out, CellOf(p))
	}
	return out
}

func TestFeedsInAnyOrder(t *testing.T) {
	x := newIndex(t)
	if got := x.PutSlot(slotMsg("a", "p", "s", 1)); len(got) != 0 {
		t.Errorf("a slot of nobody known touched %v", got)
	}
	if got := x.PutProfessional(proMsg("p", []string{"s"})); len(got) != 0 {
		t.Errorf("a professional at an unknown site touched %v", got)
	}
	if got, want := x.PutSite(siteMsg("s", east(1))), cellsOf(east(1)); !slices.Equal(got, want) {
		t.Errorf("the site touched %v, want %v", got, want)
	}
	if got := found(t, x, nantes, 0); !slices.Equal(got, []string{"p@s"}) {
		t.Errorf("found %v", got)
	}
}

func TestChanges(t *testing.T) {
	s1, s2 := east(1), east(50)
	tests := []struct {
		name    string
		change  func(x *Index) []Cell
		touched []Cell
		near    []string // found around s1 afterwards
		far     []string // found around s2 afterwards
	}{
		{"nothing", func(x *Index) []Cell { return nil }, nil, []string{"p@s"}, nil},
		{"a second slot", func(x *Index) []Cell { return x.PutSlot(slotMsg("b", "p", "s", 2)) }, cellsOf(s1), []string{"p@s"}, nil},
		{"slot deleted", func(x *Index) []Cell { return x.DeleteSlot("slots/a") }, cellsOf(s1), nil, nil},
		{"unknown slot deleted", func(x *Index) []Cell { return x.DeleteSlot("slots/zz") }, nil, []string{"p@s"}, nil},
		{"slot booked", func(x *Index) []Cell {
			return x.PutSlot(slotMsg("a", "p", "s", 1, func(s *availabilityv1.Slot) { s.Status = availabilityv1.Slot_STATUS_BOOKED }))
		}, cellsOf(s1), nil, nil},
		{"slot unpublished", func(x *Index) []Cell {
			return x.PutSlot(slotMsg("a", "p", "s", 1, func(s *availabilityv1.Slot) { s.Published = false }))
		}, cellsOf(s1), nil, nil},
		{"slot moved to another site", func(x *Index) []Cell { return x.PutSlot(slotMsg("a", "p", "t", 1)) }, cellsOf(s1, s2), nil, []string{"p@t"}},
		{"slot given to another professional", func(x *Index) []Cell { return x.PutSlot(slotMsg("a", "q", "", 1)) }, cellsOf(s1, s2), nil, []string{"q@t"}},
		{"opted out", func(x *Index) []Cell {
			return x.PutProfessional(proMsg("p", []string{"s"}, func(p *directoryv1.Professional) { p.OptedOut = true }))
		}, cellsOf(s1), nil, nil},
		{"inactive", func(x *Index) []Cell {
			return x.PutProfessional(proMsg("p", []string{"s"}, func(p *directoryv1.Professional) { p.Active = false }))
		}, cellsOf(s1), nil, nil},
		{"deleted professional", func(x *Index) []Cell { return x.DeleteProfessional("professionals/p") }, cellsOf(s1), nil, nil},
		{"site moved", func(x *Index) []Cell { return x.PutSite(siteMsg("s", s2)) }, cellsOf(s1, s2), nil, []string{"p@s"}},
		{"site renamed", func(x *Index) []Cell {
			return x.PutSite(siteMsg("s", s1, func(s *directoryv1.Site) { s.Phone = "0299999999" }))
		}, cellsOf(s1), []string{"p@s"}, nil},
		{"site no longer located", func(x *Index) []Cell {
			return x.PutSite(siteMsg("s", s1, func(s *directoryv1.Site) { s.GeocodePrecision = directoryv1.Site_GEOCODE_PRECISION_NONE }))
		}, cellsOf(s1), nil, nil},
		{"site deleted", func(x *Index) []Cell { return x.DeleteSite("sites/s") }, cellsOf(s1), nil, nil},
		{"participation", func(x *Index) []Cell {
			return x.PutParticipation(participationMsg("p", func(p *availabilityv1.Participation) { p.Participates = true }))
		}, cellsOf(s1), []string{"p@s"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newIndex(t)
			x.Apply(func(w *Writer) {
				w.PutTerritory(&commonv1.Territory{Departements: []string{"departements/44", "departements/49"}, DefaultRadiusMeters: 10_000})
				w.PutSite(siteMsg("s", s1))
				w.PutSite(siteMsg("t", s2))
				w.PutProfessional(proMsg("p", []string{"s"}))
				w.PutProfessional(proMsg("q", []string{"t"}))
				w.PutSlot(slotMsg("a", "p", "s", 1))
			})
			if got := tt.change(x); !slices.Equal(got, tt.touched) {
				t.Errorf("touched %v, want %v", got, tt.touched)
			}
			if got := found(t, x, s1, 0); !slices.Equal(got, tt.near) {
				t.Errorf("near: %v, want %v", got, tt.near)
			}
			if got := found(t, x, s2, 0); !slices.Equal(got, tt.far) {
				t.Errorf("far: %v, want %v", got, tt.far)
			}
		})
	}
}

func TestComesBack(t *testing.T) {
	x := newIndex(t)
	x.Apply(func(w *Writer) {
		w.PutSite(siteMsg("s", east(1)))
		w.PutProfessional(proMsg("p", []string{"s"}))
		w.PutSlot(slotMsg("a", "p", "s", 1))
	})
	x.PutProfessional(proMsg("p", []string{"s"}, func(p *directoryv1.Professional) { p.OptedOut = true }))
	x.DeleteSite("sites/s")
	x.PutSite(siteMsg("s", east(2)))
	x.PutProfessional(proMsg("p", []string{"s"}))
	res := mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: atPoint(nantes)})
	if !slices.Equal(ids(res.Results), []string{"p@s"}) || res.Results[0].DistanceMeters != 2000 {
		t.Errorf("got %v", res.Results)
	}
}

func TestRangePlaces(t *testing.T) {
	x := newIndex(t)
	rng := func(count int32) *availabilityv1.Range {
		return &availabilityv1.Range{Name: "ranges/r", Professional: "professionals/p",
			Place: &availabilityv1.PracticePlace{Site: "sites/s"}, StartTime: ts(now.Unix() + 3600), EndTime: ts(now.Unix() + 7200),
			MaxPatients: 2, OrientationCount: count, Published: true}
	}
	x.Apply(func(w *Writer) {
		w.PutSite(siteMsg("s", east(1)))
		w.PutProfessional(proMsg("p", []string{"s"}))
		w.PutRange(rng(1))
	})
	if got := found(t, x, nantes, 0); len(got) != 1 {
		t.Fatalf("found %v", got)
	}
	x.PutRange(rng(2))
	if got := found(t, x, nantes, 0); len(got) != 0 {
		t.Errorf("a full range is found: %v", got)
	}
	x.PutRange(rng(0))
	x.DeleteRange("ranges/r")
	if got := found(t, x, nantes, 0); len(got) != 0 {
		t.Errorf("a deleted range is found: %v", got)
	}
}

func TestFlags(t *testing.T) {
	x := newIndex(t)
	x.Apply(func(w *Writer) {
		w.PutSite(siteMsg("s", east(1)))
		w.PutSite(siteMsg("t", east(2)))
		w.PutProfessional(proMsg("p", []string{"s", "t"}))
	})
	extra := searchv1.SearchMode_SEARCH_MODE_EXTRA_PATIENTS
	if got := found(t, x, nantes, extra); len(got) != 0 {
		t.Errorf("found %v", got)
	}
	touched := x.PutParticipation(participationMsg("p", func(p *availabilityv1.Participation) { p.AcceptsExtraPatients = true }))
	if want := cellsOf(east(1), east(2)); !slices.Equal(touched, slices.Compact(want)) {
		t.Errorf("touched %v, want %v", touched, want)
	}
	if got := found(t, x, nantes, extra); !slices.Equal(got, []string{"p@s", "p@t"}) {
		t.Errorf("found %v, want both sites", got)
	}
	if got := found(t, x, nantes, 0); len(got) != 0 {
		t.Errorf("found %v with free slots", got)
	}
	x.DeleteParticipation("professionals/p/participation")
	if got := found(t, x, nantes, extra); len(got) != 0 {
		t.Errorf("found %v", got)
	}
}

func TestPruneAndForget(t *testing.T) {
	x := newIndex(t)
	x.Apply(func(w *Writer) {
		w.PutSite(siteMsg("s", east(1)))
		w.PutProfessional(proMsg("p", []string{"s"}))
		w.PutSlot(slotMsg("a", "p", "s", 1))
		w.PutSlot(slotMsg("b", "p", "s", 3))
		w.PutSlot(slotMsg("c", "nobody", "", 3))
	})
	if e, i := x.Len(); e != 1 || i != 3 {
		t.Fatalf("%d entries, %d items", e, i)
	}
	x.Prune(now.Add(2 * time.Hour))
	if e, i := x.Len(); e != 1 || i != 2 {
		t.Errorf("after a prune: %d entries, %d items", e, i)
	}
	x.Prune(now.Add(4 * time.Hour))
	if e, _ := x.Len(); e != 0 {
		t.Errorf("after the last prune: %d entries", e)
	}
	x.Apply(func(w *Writer) {
		w.DeleteSlot("slots/c")
		w.DeleteProfessional("professionals/p")
		w.DeleteSite("sites/s")
	})
	if n := len(x.st.owners) + len(x.st.sites) + len(x.st.items) + len(x.st.grid.blocks); n != 0 {
		t.Errorf("%d things left: %v %v %v", n, x.st.owners, x.st.sites, x.st.items)
	}
	checkInvariants(t, x) // every id given back
}
