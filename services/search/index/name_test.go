package index

import (
	"slices"
	"strings"
	"testing"
	"time"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// TestLongNames: items whose names do not fit an itemName are found, shown
// with their names, ordered after the others at the same start, held and
// deleted like the others.
func TestLongNames(t *testing.T) {
	x := world(t)
	long := strings.Repeat("l", 40) // "slots/" + 40 characters: 46 bytes
	x.Apply(func(w *Writer) {
		w.PutSlot(slotMsg(long+"2", "p1", "", 0.5))
		w.PutSlot(slotMsg(long+"1", "p1", "", 0.5))
		w.PutSlot(slotMsg("zz", "p1", "", 0.5))
	})
	req := &searchv1.SearchSlotsRequest{Location: atPoint(nantes)}
	p1 := func() *searchv1.SearchResult {
		for _, r := range mustSearch(t, x, req).GetResults() {
			if id(r) == "p1@s1" {
				return r
			}
		}
		t.Fatal("p1 not found")
		return nil
	}
	var names []string
	for _, d := range p1().GetDays() {
		for _, s := range d.GetSlots() {
			names = append(names, s.GetName())
		}
	}
	// Same start: the short name first, then the long ones as first seen.
	i := slices.Index(names, "slots/zz")
	if i < 0 || len(names) < i+3 || names[i+1] != "slots/"+long+"2" || names[i+2] != "slots/"+long+"1" {
		t.Fatalf("slots %v: want slots/zz then the two long names in the order put", names)
	}
	until := now.Add(5 * time.Minute).Truncate(time.Second)
	if cells := x.SetHolds(map[string]time.Time{"slots/" + long + "1": until}); len(cells) != 1 {
		t.Fatalf("hold on a long name: cells %v, want one", cells)
	}
	held := 0
	for _, d := range p1().GetDays() {
		for _, s := range d.GetSlots() {
			if s.GetHoldExpireTime() != nil {
				held++
				if s.GetName() != "slots/"+long+"1" {
					t.Errorf("%s shown held", s.GetName())
				}
			}
		}
	}
	if held != 1 {
		t.Fatalf("%d slots shown held, want 1", held)
	}
	x.Apply(func(w *Writer) {
		w.DeleteSlot("slots/" + long + "1")
		w.DeleteSlot("slots/" + long + "3") // never put
	})
	for _, d := range p1().GetDays() {
		for _, s := range d.GetSlots() {
			if s.GetName() == "slots/"+long+"1" {
				t.Fatal("deleted long-named slot still found")
			}
		}
	}
}

// TestSiteIDs: the id of a forgotten site is given again, and its items are
// placed at the site that now has it.
func TestSiteIDs(t *testing.T) {
	x := world(t)
	x.Apply(func(w *Writer) {
		w.PutSlot(slotMsg("gone", "p1", "unknown-site", 0.5)) // a site the directory never sent
		w.DeleteSlot("slots/gone")
		w.PutProfessional(proMsg("p1", []string{"s1"})) // placed again: the site is forgotten
	})
	free := len(x.st.siteIDs.free)
	if free == 0 {
		t.Fatal("a site no one refers to kept its id")
	}
	x.Apply(func(w *Writer) {
		w.PutSite(siteMsg("new", east(1.5)))
		w.PutSlot(slotMsg("at-new", "p1", "new", 0.5))
	})
	if len(x.st.siteIDs.free) != free-1 {
		t.Fatalf("free site ids %d, want %d: the new site took one", len(x.st.siteIDs.free), free-1)
	}
	checkInvariants(t, x)
	for _, r := range mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: atPoint(nantes)}).GetResults() {
		if id(r) == "p1@new" {
			return
		}
	}
	t.Fatal("the slot at the site with a reused id is not found there")
}
