package index

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Paris even where the system has no zone files

	"github.com/sas-platform/sas/services/platform/pagetoken"
)

// Index is the search read model: professionals with their practice sites,
// slots, ranges and participation settings, kept as one entry per
// (professional, site) pair that can be found, in a grid of cells. It is safe
// for concurrent use by many searches and one writer applying the change
// feeds; a write waits for the searches under way and holds the next ones
// for its own duration (microseconds for one change).
type Index struct {
	ref    *Reference
	sealer *pagetoken.Sealer
	paris  *time.Location

	mu sync.RWMutex
	st state
}

// state is what the lock guards.
type state struct {
	owners      map[string]*owner
	sites       map[string]*site
	siteIDs     numbered[site]
	ownerIDs    numbered[owner]
	entryIDs    numbered[entry]
	longNames   longNames
	items       map[itemName]itemRef
	grid        grid
	civilities  interned
	professions interned
	specialties interned
	vendors     interned
	territories map[string]territory // by département code, set by PutTerritory
	holds       map[string]int64     // slot name → end of its hold by a regulator (Unix seconds), set by SetHolds
}

// itemRef says where an item is: in entry e of owner o, or pending in o
// when e is 0 (ids, not pointers: see numbered).
type itemRef struct {
	o, e    uint32
	start   int64
	isRange bool
}

// Options configures an Index.
type Options struct {
	// Reference resolves places; nil loads the embedded one.
	Reference *Reference
	// Sealer seals page tokens; nil makes a random key, tokens valid one hour
	// and only in this process. Replicas behind one address share a key.
	Sealer *pagetoken.Sealer
}

// New returns an empty index.
func New(opts Options) (*Index, error) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, fmt.Errorf("load time zone: %w", err)
	}
	if opts.Reference == nil {
		if opts.Reference, err = LoadReference(); err != nil {
			return nil, err
		}
	}
	if opts.Sealer == nil {
		opts.Sealer = pagetoken.NewRandom(time.Hour)
	}
	return &Index{ref: opts.Reference, sealer: opts.Sealer, paris: paris, st: state{
		owners: map[string]*owner{}, sites: map[string]*site{}, items: map[itemName]itemRef{},
		siteIDs: newNumbered[site](), ownerIDs: newNumbered[owner](), entryIDs: newNumbered[entry](),
		grid:       grid{blocks: map[Cell]*block{}},
		civilities: newInterned(), professions: newInterned(), specialties: newInterned(), vendors: newInterned(),
		territories: map[string]territory{}, holds: map[string]int64{},
	}}, nil
}

// Apply runs fn with a Writer under the write lock, so that searches see all
// of fn's changes or none, and returns the cells whose search results may have
// changed, sorted. The Writer is valid only during fn.
func (x *Index) Apply(fn func(w *Writer)) []Cell {
	x.mu.Lock()
	defer x.mu.Unlock()
	w := &Writer{ref: x.ref, st: &x.st, dirty: map[*entry]struct{}{}, owners: map[*owner]struct{}{}, touched: map[Cell]struct{}{}}
	fn(w)
	w.flush()
	return slices.SortedFunc(maps.Keys(w.touched), func(a, b Cell) int {
		if a.Lat != b.Lat {
			return int(a.Lat) - int(b.Lat)
		}
		return int(a.Lon) - int(b.Lon)
	})
}

// Len returns the number of entries, (professional, site) pairs that a
// search can find, and of items (free slots and ranges) held.
func (x *Index) Len() (entries, items int) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, b := range x.st.grid.blocks {
		entries += b.n
	}
	return entries, len(x.st.items)
}
