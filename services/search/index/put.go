package index

import (
	"slices"
	"time"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
)

// Each method below applies one change under its own lock (see Apply to
// group many) and returns the cells whose results it may have changed.

// PutProfessional sets a professional of the directory; see Writer.PutProfessional.
func (x *Index) PutProfessional(p *directoryv1.Professional) []Cell {
	return x.Apply(func(w *Writer) { w.PutProfessional(p) })
}

// DeleteProfessional forgets a professional; see Writer.DeleteProfessional.
func (x *Index) DeleteProfessional(name string) []Cell {
	return x.Apply(func(w *Writer) { w.DeleteProfessional(name) })
}

// PutSite sets a practice site; see Writer.PutSite.
func (x *Index) PutSite(s *directoryv1.Site) []Cell {
	return x.Apply(func(w *Writer) { w.PutSite(s) })
}

// DeleteSite forgets a practice site; see Writer.DeleteSite.
func (x *Index) DeleteSite(name string) []Cell {
	return x.Apply(func(w *Writer) { w.DeleteSite(name) })
}

// PutSlot sets a slot; see Writer.PutSlot.
func (x *Index) PutSlot(s *availabilityv1.Slot) []Cell {
	return x.Apply(func(w *Writer) { w.PutSlot(s) })
}

// DeleteSlot takes a slot out.
func (x *Index) DeleteSlot(name string) []Cell {
	return x.Apply(func(w *Writer) { w.DeleteSlot(name) })
}

// PutRange sets an availability range; see Writer.PutRange.
func (x *Index) PutRange(r *availabilityv1.Range) []Cell {
	return x.Apply(func(w *Writer) { w.PutRange(r) })
}

// DeleteRange takes a range out.
func (x *Index) DeleteRange(name string) []Cell {
	return x.Apply(func(w *Writer) { w.DeleteRange(name) })
}

// PutParticipation sets a participation setting; see Writer.PutParticipation.
func (x *Index) PutParticipation(p *availabilityv1.Participation) []Cell {
	return x.Apply(func(w *Writer) { w.PutParticipation(p) })
}

// DeleteParticipation forgets a participation setting.
func (x *Index) DeleteParticipation(name string) []Cell {
	return x.Apply(func(w *Writer) { w.DeleteParticipation(name) })
}

// PutTerritory sets the radii of a territory; see Writer.PutTerritory. It
// reports no cell: radii change every search of the territory, so a cache
// drops everything.
func (x *Index) PutTerritory(t *commonv1.Territory) {
	x.Apply(func(w *Writer) { w.PutTerritory(t) })
}

// Prune drops the items over before now (slots started, ranges ended), which
// searches already ignore, to free their memory; call it every few minutes.
func (x *Index) Prune(now time.Time) []Cell {
	return x.Apply(func(w *Writer) { w.Prune(now) })
}

// SetHolds makes holds (slot name → end of its hold) the slots held by
// regulators, which results show with their hold's end, and returns the
// cells of the slots whose hold started, moved or ended.
func (x *Index) SetHolds(holds map[string]time.Time) []Cell {
	return x.Apply(func(w *Writer) {
		changed := func(name string) {
			if n, ok := w.st.nameOf(name); ok {
				if ref, ok := w.st.items[n]; ok && ref.e != 0 {
					w.touch(w.st.entry(ref.e))
				}
			}
		}
		for name := range w.st.holds {
			if _, ok := holds[name]; !ok {
				delete(w.st.holds, name)
				changed(name)
			}
		}
		for name, until := range holds {
			if w.st.holds[name] != until.Unix() {
				w.st.holds[name] = until.Unix()
				changed(name)
			}
		}
	})
}

// Prune drops the placed items over before now.
func (w *Writer) Prune(now time.Time) {
	t := now.Unix()
	for _, b := range w.st.grid.blocks {
		for f := range b.rows {
			for _, r := range b.rows[f] {
				if r.lo() >= t {
					continue
				}
				if e := w.st.entry(r.entry); e.prune(t, w.st.items) {
					w.dirty[e] = struct{}{}
				}
			}
		}
	}
}

// prune drops the items of e over before t from e and from items; it reports
// whether it dropped any.
func (e *entry) prune(t int64, items map[itemName]itemRef) bool {
	n := len(e.slots) + len(e.ranges)
	over := func(it item) bool {
		if it.last() <= t {
			delete(items, it.name)
			return true
		}
		return false
	}
	for _, list := range [2]*[]item{&e.slots, &e.ranges} {
		*list = slices.DeleteFunc(*list, over)
	}
	return len(e.slots)+len(e.ranges) != n
}
