package index

import (
	"cmp"
	"slices"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// matcher is a query with its codes resolved, as the scan applies it: first
// to rows (no pointer followed), then to the items of the rows that pass.
type matcher struct {
	a, b        int64    // items start (slots) or run (ranges) within [a, b)
	needItems   bool     // free-slots mode: an entry needs a matching item
	flag        uint32   // fExtra or fFee in those modes
	structs     uint32   // row structure flags; 0 any
	rowVis      uint32   // row visibility flags allowed
	rowModes    uint32   // row mode flags; 0 any
	vis         uint8    // item visibility bits allowed
	modes       uint8    // item mode bits; 0 any
	professions []uint16 // nil any
	specialties []uint16 // nil any
	vendors     []uint16 // nil any
	entries     []*entry // state.entryIDs, read under the read lock
}

// matcher resolves the codes of q; the read lock is held.
func (st *state) matcher(q *query) matcher {
	m := matcher{a: q.band[0], b: q.band[1], structs: q.structs, vis: q.vis, modes: q.modes, entries: st.entryIDs.byID,
		rowVis: uint32(q.vis) << fVisShift, rowModes: uint32(q.modes) << fModeShift}
	switch q.mode {
	case searchv1.SearchMode_SEARCH_MODE_EXTRA_PATIENTS:
		m.flag = fExtra
	case searchv1.SearchMode_SEARCH_MODE_REORIENTATION_FEE:
		m.flag = fFee
	default:
		m.needItems = true
	}
	m.professions = resolve(&st.professions, q.professions)
	m.specialties = resolve(&st.specialties, q.specialties)
	m.vendors = resolve(&st.vendors, q.vendors)
	return m
}

// resolve returns the numbers of codes known to t; a code never seen matches
// nothing (an empty, non-nil list).
func resolve(t *interned, codes []string) []uint16 {
	if codes == nil {
		return nil
	}
	out := make([]uint16, 0, len(codes))
	for _, c := range codes {
		if n, ok := t.lookup(c); ok && n != 0 {
			out = append(out, n)
		}
	}
	return out
}

// has reports whether list holds n; a nil list holds everything.
func has(list []uint16, n uint16) bool {
	return list == nil || slices.Contains(list, n)
}

// row reports whether r is found: the row filters, then its items when the
// mode needs one.
func (m *matcher) row(r *row) bool {
	if r.flags&m.flag != m.flag || (m.structs != 0 && r.flags&m.structs == 0) || !has(m.professions, r.profession) {
		return false
	}
	if !m.needItems {
		// Flags find a professional at its activity sites, and wherever it
		// has an item the search takes.
		return has(m.specialties, r.specialty) && (r.flags&fActivity != 0 || m.anyItem(m.entries[r.entry], r.flags&fVendorOff != 0))
	}
	if r.flags&fItems == 0 || r.hi <= m.a || r.flags&m.rowVis == 0 ||
		(m.rowModes != 0 && r.flags&m.rowModes == 0) ||
		r.flags&(fVendorOff|fAllVendor) == fVendorOff|fAllVendor ||
		(m.specialties != nil && r.flags&fOwnSpecialty == 0 && !has(m.specialties, r.specialty)) {
		return false
	}
	first := never
	for v := range r.first {
		if m.vis&(2<<v) != 0 {
			first = min(first, r.first[v])
		}
	}
	switch {
	case first >= m.b:
		return false // no item of a visibility asked for starts before the end
	case first >= m.a && m.plain(r):
		return true // that item starts in the window, and passes the filters
	}
	return m.anyItem(m.entries[r.entry], r.flags&fVendorOff != 0)
}

// plain reports whether every item of r passes the item filters but
// visibility (checked by the caller), so that its row decides.
func (m *matcher) plain(r *row) bool {
	return m.modes == 0 && m.vendors == nil && r.flags&(fVendorOff|fAnyVendor) != fVendorOff|fAnyVendor &&
		(m.specialties == nil || r.flags&fOwnSpecialty == 0)
}

// anyItem reports whether e has an item the query takes.
func (m *matcher) anyItem(e *entry, vendorOff bool) bool {
	slots, i := e.slots, 0
	if len(slots) > 0 && slots[0].start < m.a { // else the first slot is the first in the window
		i, _ = slices.BinarySearchFunc(slots, m.a, func(it item, a int64) int { return cmp.Compare(it.start, a) })
	}
	for ; i < len(slots) && slots[i].start < m.b; i++ {
		if m.item(&slots[i], e.specialty, vendorOff) {
			return true
		}
	}
	for i := range e.ranges {
		if r := &e.ranges[i]; r.start < m.b && r.end > m.a && m.item(r, e.specialty, vendorOff) {
			return true
		}
	}
	return false
}

// item reports whether it passes the item filters (its time is checked by
// the caller).
func (m *matcher) item(it *item, specialty uint16, vendorOff bool) bool {
	if m.vis&(1<<it.vis) == 0 || (m.modes != 0 && m.modes&it.modes == 0) || (vendorOff && it.vendor != 0) {
		return false
	}
	if m.vendors != nil && !slices.Contains(m.vendors, it.vendor) {
		return false
	}
	if it.specialty != 0 {
		specialty = it.specialty
	}
	return has(m.specialties, specialty)
}

// takes reports whether it is shown: within the window and the filters.
func (m *matcher) takes(it *item, specialty uint16, vendorOff bool) bool {
	if it.isRange {
		if it.start >= m.b || it.end <= m.a {
			return false
		}
	} else if it.start < m.a || it.start >= m.b {
		return false
	}
	return m.item(it, specialty, vendorOff)
}
