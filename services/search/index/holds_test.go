package index

import (
	"testing"
	"time"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// TestHolds: a held slot shows its hold's end in results until the hold
// ends; starting, moving and ending a hold report the slot's cell.
func TestHolds(t *testing.T) {
	x := world(t)
	req := &searchv1.SearchSlotsRequest{Location: atPoint(nantes)}
	holdOf := func(res *searchv1.SearchSlotsResponse, name string) *time.Time {
		for _, r := range res.GetResults() {
			for _, d := range r.GetDays() {
				for _, s := range d.GetSlots() {
					if s.GetName() == name {
						if s.GetHoldExpireTime() == nil {
							return nil
						}
						at := s.GetHoldExpireTime().AsTime()
						return &at
					}
				}
			}
		}
		t.Fatalf("%s not in the results", name)
		return nil
	}
	if h := holdOf(mustSearch(t, x, req), "slots/p1a"); h != nil {
		t.Fatalf("slot held before any hold: %v", h)
	}
	until := now.Add(5 * time.Minute).Truncate(time.Second)
	cells := x.SetHolds(map[string]time.Time{"slots/p1a": until, "slots/unknown": until})
	if len(cells) != 1 {
		t.Fatalf("hold started: cells %v, want the one of p1's site", cells)
	}
	if h := holdOf(mustSearch(t, x, req), "slots/p1a"); h == nil || !h.Equal(until) {
		t.Fatalf("held slot shows hold %v, want %v", h, until)
	}
	if h := holdOf(mustSearch(t, x, req), "slots/p2a"); h != nil {
		t.Fatalf("slot not held shows hold %v", h)
	}
	if cells := x.SetHolds(map[string]time.Time{"slots/p1a": until, "slots/unknown": until}); len(cells) != 0 {
		t.Fatalf("same holds again: cells %v, want none", cells)
	}
	if cells := x.SetHolds(map[string]time.Time{"slots/p1a": until.Add(time.Minute)}); len(cells) != 1 {
		t.Fatalf("hold moved: cells %v, want one", cells)
	}
	if cells := x.SetHolds(nil); len(cells) != 1 {
		t.Fatalf("hold ended: cells %v, want one", cells)
	}
	if h := holdOf(mustSearch(t, x, req), "slots/p1a"); h != nil {
		t.Fatalf("slot still held after its hold ended: %v", h)
	}
	// A hold already over at search time is not shown.
	x.SetHolds(map[string]time.Time{"slots/p1a": now.Add(-time.Second)})
	if h := holdOf(mustSearch(t, x, req), "slots/p1a"); h != nil {
		t.Fatalf("expired hold shown: %v", h)
	}
}
