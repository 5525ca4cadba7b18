package index

import searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"

// doctor returns the result of the patient's own doctor o, wherever it
// practises: its entry with the earliest item the search takes (the nearest
// on a tie), else its nearest entry or located activity site, without
// items. Profession, specialty and structure filters do not apply: the
// regulator asked for this professional. Nil when o cannot be shown.
func (b *builder) doctor(o *owner) *searchv1.SearchResult {
	if !o.visible() || o.pro == nil {
		return nil
	}
	m := *b.m
	m.specialties = nil
	b.m = &m
	defer func() { b.m = &b.s.m }()
	var best *entry
	bestStart, bestD := int64(1<<62), 0.0
	for _, e := range o.entries {
		start := b.first(e)
		d := chord2(b.s.unit, e.site.unit)
		if best == nil || start < bestStart || (start == bestStart && d < bestD) {
			best, bestStart, bestD = e, start, d
		}
	}
	if best == nil {
		for _, a := range o.pro.activities {
			if a.site.located {
				best = &entry{owner: o, site: a.site, activity: true, specialty: a.specialty}
				break
			}
		}
	}
	if best == nil {
		return nil
	}
	return b.result(best)
}

// first returns the start of e's first item the search takes, or a time
// after every item when none.
func (b *builder) first(e *entry) int64 {
	m := b.m
	vendorOff := e.owner.part != nil && !e.owner.part.vendors
	first := int64(1 << 62)
	for _, list := range [2][]item{e.slots, e.ranges} {
		for i := range list {
			if it := &list[i]; it.start < first && m.takes(it, e.specialty, vendorOff) {
				first = max(it.start, m.a)
			}
		}
	}
	return first
}
