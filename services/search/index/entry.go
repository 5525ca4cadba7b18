package index

import (
	"cmp"
	"slices"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// link records that o refers to s, so that a change to s places o again.
func (w *Writer) link(o *owner, s *site) {
	if !slices.Contains(o.sites, s) {
		o.sites = append(o.sites, s)
		s.owners = append(s.owners, o)
	}
}

// relink sets the sites o refers to: its activity sites, its structure site
// and the places of items; sites left with no owner and unknown to the
// directory are forgotten.
func (w *Writer) relink(o *owner, items []item) {
	var want []*site
	add := func(s *site) {
		if !slices.Contains(want, s) {
			want = append(want, s)
		}
	}
	if o.pro != nil {
		for _, a := range o.pro.activities {
			add(a.site)
		}
	}
	if o.structure {
		add(w.siteOf(o.key))
	}
	for i := range items {
		if items[i].site != 0 {
			add(w.st.site(items[i].site))
		}
	}
	for _, s := range o.sites {
		if !slices.Contains(want, s) {
			s.owners = slices.DeleteFunc(s.owners, func(x *owner) bool { return x == o })
			if len(s.owners) == 0 && !s.known {
				w.forgetSite(s)
			}
		}
	}
	for _, s := range want {
		if !slices.Contains(o.sites, s) {
			s.owners = append(s.owners, o)
		}
	}
	o.sites = want
}

// compareItems orders items by start, then name.
func compareItems(a, b *item) int {
	if c := cmp.Compare(a.start, b.start); c != 0 {
		return c
	}
	return a.name.compare(&b.name)
}

// insert adds it to e in order.
func (e *entry) insert(it item) {
	list := &e.slots
	if it.isRange {
		list = &e.ranges
	}
	i, _ := slices.BinarySearchFunc(*list, &it, func(x item, t *item) int { return compareItems(&x, t) })
	*list = slices.Insert(*list, i, it)
}

// remove takes the item of name, which starts at start, out of e.
func (e *entry) remove(name itemName, start int64, isRange bool) {
	list := &e.slots
	if isRange {
		list = &e.ranges
	}
	key := item{name: name, start: start}
	if i, ok := slices.BinarySearchFunc(*list, &key, func(x item, t *item) int { return compareItems(&x, t) }); ok {
		*list = slices.Delete(*list, i, i+1)
	}
}

// rowOf returns the row a scan reads for e.
func rowOf(e *entry) row {
	u := e.site.unit
	r := row{x: u.x, y: u.y, z: u.z, specialty: e.specialty, hash: e.hash, entry: e.id}
	o := e.owner
	if o.pro != nil {
		r.profession = o.pro.profession
	}
	r.flags |= structBit(e.site.structure) | flagIf(e.activity, fActivity)
	if p := o.part; p != nil {
		r.flags |= flagIf(p.participates, fParticipant) | flagIf(p.extra, fExtra) | flagIf(p.fee, fFee) |
			flagIf(!p.vendors, fVendorOff) | structBit(structureOf(p.mode))
	}
	r.first, r.hi = [4]int64{never, never, never, never}, -never
	allVendor := true
	for _, list := range [2][]item{e.slots, e.ranges} {
		for i := range list {
			it := &list[i]
			r.first[it.vis-1] = min(r.first[it.vis-1], it.start)
			r.hi = max(r.hi, it.last())
			r.flags |= fItems | 1<<(fVisShift+uint32(it.vis)) | uint32(it.modes)<<fModeShift |
				flagIf(it.specialty != 0, fOwnSpecialty) | flagIf(it.vendor != 0, fAnyVendor)
			allVendor = allVendor && it.vendor != 0
		}
	}
	if r.flags&fItems != 0 && allVendor {
		r.flags |= fAllVendor
	}
	return r
}

// never is a time after every item.
const never = int64(1) << 62

// flagIf returns f when ok, else 0.
func flagIf(ok bool, f uint32) uint32 {
	if ok {
		return f
	}
	return 0
}

// structBit returns the row flag of structure type t, 0 for none.
func structBit(t commonv1.StructureType) uint32 {
	if t <= 0 || t > 7 {
		return 0
	}
	return 1 << (fStructShift + uint32(t))
}

// structureOf returns the structure type a participation mode goes through.
func structureOf(m commonv1.ParticipationMode) commonv1.StructureType {
	switch m {
	case commonv1.ParticipationMode_PARTICIPATION_MODE_CPTS:
		return commonv1.StructureType_STRUCTURE_TYPE_CPTS
	case commonv1.ParticipationMode_PARTICIPATION_MODE_MSP:
		return commonv1.StructureType_STRUCTURE_TYPE_MSP
	case commonv1.ParticipationMode_PARTICIPATION_MODE_SOS_MEDECINS:
		return commonv1.StructureType_STRUCTURE_TYPE_SOS_MEDECINS
	}
	return commonv1.StructureType_STRUCTURE_TYPE_UNSPECIFIED
}
