package index

import "slices"

// Writer applies changes to an Index within Apply. Its methods take the
// messages of the change feeds as they come, in any order: a slot may come
// before its professional or its site, and waits for them.
type Writer struct {
	ref     *Reference
	st      *state
	dirty   map[*entry]struct{} // entries whose row is to be written again
	owners  map[*owner]struct{} // owners that may have become empty
	touched map[Cell]struct{}
}

// flush writes the rows of the dirty entries and forgets empty owners.
func (w *Writer) flush() {
	for e := range w.dirty {
		w.refresh(e)
	}
	clear(w.dirty)
	for o := range w.owners {
		w.collect(o)
	}
}

// touch records the cell of e's row, if any.
func (w *Writer) touch(e *entry) {
	if e.blk != nil {
		w.touched[e.blk.cell] = struct{}{}
	}
}

// ownerOf returns the owner of key, made when new.
func (w *Writer) ownerOf(key string, structure bool) *owner {
	o := w.st.owners[key]
	if o == nil {
		o = &owner{key: key, structure: structure}
		o.id = w.st.ownerIDs.add(o)
		w.st.owners[key] = o
	}
	w.owners[o] = struct{}{}
	return o
}

// siteOf returns the site of name, made (unknown) when new.
func (w *Writer) siteOf(name string) *site {
	s := w.st.sites[name]
	if s == nil {
		s = &site{name: name}
		s.id = w.st.siteIDs.add(s)
		w.st.sites[name] = s
	}
	return s
}

// site returns the site of id; nil for 0.
func (st *state) site(id uint32) *site { return st.siteIDs.get(id) }

// owner returns the owner of id.
func (st *state) owner(id uint32) *owner { return st.ownerIDs.get(id) }

// entry returns the entry of id; nil for 0.
func (st *state) entry(id uint32) *entry { return st.entryIDs.get(id) }

// forgetSite takes s out of the sites; no item refers to it any more.
func (w *Writer) forgetSite(s *site) {
	delete(w.st.sites, s.name)
	w.st.siteIDs.remove(s.id)
}

// place puts it into o: into the entry of its site when o is visible and the
// site located, else among o's pending items.
func (w *Writer) place(o *owner, it item) {
	if it.site != 0 {
		w.link(o, w.st.site(it.site))
	}
	s := siteFor(o, w.st.site(it.site))
	if s == nil {
		o.pending = append(o.pending, it)
		w.st.items[it.name] = itemRef{o: o.id, start: it.start, isRange: it.isRange}
		return
	}
	e := w.entryOf(o, s)
	e.insert(it)
	w.st.items[it.name] = itemRef{o: o.id, e: e.id, start: it.start, isRange: it.isRange}
}

// siteFor returns the site where an item of o is searched: its matched
// site (nil when none), or else the professional's first located site; nil
// while it cannot be.
func siteFor(o *owner, matched *site) *site {
	if !o.visible() {
		return nil
	}
	if matched != nil {
		if matched.located {
			return matched
		}
		return nil
	}
	if o.pro == nil {
		return nil
	}
	for _, a := range o.pro.activities {
		if a.site.located {
			return a.site
		}
	}
	return nil
}

// entryOf returns o's entry at s, made when new; it is marked dirty.
func (w *Writer) entryOf(o *owner, s *site) *entry {
	for _, e := range o.entries {
		if e.site == s {
			w.dirty[e] = struct{}{}
			return e
		}
	}
	e := &entry{owner: o, site: s, hash: entryHash(o.key, s.name)}
	e.id = w.st.entryIDs.add(e)
	e.activity, e.specialty = o.specialtyAt(s)
	o.entries = append(o.entries, e)
	w.dirty[e] = struct{}{}
	return e
}

// entryHash returns the hash of an (owner, site) pair (FNV-1a), the same in
// every process so that a shuffle seed orders replicas alike.
func entryHash(owner, site string) uint64 {
	h := uint64(14695981039346656037)
	for _, s := range [2]string{owner, site} {
		for i := range len(s) {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
		h = (h ^ 0xFF) * 1099511628211
	}
	return h
}

// specialtyAt returns whether s is one of o's activity sites, and o's
// specialty there (else its first specialty).
func (o *owner) specialtyAt(s *site) (bool, uint16) {
	if o.pro == nil {
		return false, 0
	}
	first := uint16(0)
	for _, a := range o.pro.activities {
		if a.site == s {
			return true, a.specialty
		}
		if first == 0 {
			first = a.specialty
		}
	}
	return false, first
}

// deleteItem takes out the item of name, wherever it is.
func (w *Writer) deleteItem(s string) {
	name, ok := w.st.nameOf(s)
	if !ok {
		return
	}
	ref, ok := w.st.items[name]
	if !ok {
		return
	}
	delete(w.st.items, name)
	o := w.st.owner(ref.o)
	w.owners[o] = struct{}{}
	if ref.e == 0 {
		o.pending = slices.DeleteFunc(o.pending, func(it item) bool { return it.name == name })
		return
	}
	e := w.st.entry(ref.e)
	e.remove(name, ref.start, ref.isRange)
	w.dirty[e] = struct{}{}
}

// rebuild places all of o's items and flag entries again, after a change to
// the professional, its participation or one of its sites.
func (w *Writer) rebuild(o *owner) {
	items := o.pending
	o.pending = nil
	for _, e := range o.entries {
		items = append(items, e.slots...)
		items = append(items, e.ranges...)
		w.drop(e)
	}
	o.entries = nil
	w.relink(o, items)
	if o.visible() && o.flagged() && o.pro != nil {
		for _, a := range o.pro.activities {
			if a.site.located {
				w.entryOf(o, a.site)
			}
		}
	}
	for _, it := range items {
		w.place(o, it)
	}
	w.owners[o] = struct{}{}
}

// drop takes e out of the grid for good.
func (w *Writer) drop(e *entry) {
	w.touch(e)
	w.st.grid.remove(e, &w.st.entryIDs)
	e.slots, e.ranges = nil, nil
	delete(w.dirty, e)
	if e.id != 0 {
		w.st.entryIDs.remove(e.id)
		e.id = 0
	}
}

// refresh writes e's row again, or drops e when it is no longer found by
// any search.
func (w *Writer) refresh(e *entry) {
	o := e.owner
	if e.empty() && !(e.activity && o.flagged() && o.visible()) {
		w.drop(e)
		o.entries = slices.DeleteFunc(o.entries, func(x *entry) bool { return x == e })
		return
	}
	w.touch(e)
	w.st.grid.put(e, rowOf(e), &w.st.entryIDs)
	w.touch(e)
}

// collect forgets o when nothing refers to it any more.
func (w *Writer) collect(o *owner) {
	if o.pro != nil || o.part != nil || len(o.entries) > 0 || len(o.pending) > 0 || w.st.owners[o.key] != o {
		return
	}
	delete(w.st.owners, o.key)
	w.st.ownerIDs.remove(o.id)
	o.id = 0
	w.relink(o, nil)
}
