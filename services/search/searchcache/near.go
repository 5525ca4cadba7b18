package searchcache

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/sas-platform/sas/services/search/index"
)

// near keeps, in process, the answers this process computed, in front of
// the shared cache: a hit from it costs no round trip to Redis, and still
// answers while Redis is down.
//
// Only this process's own answers are kept. An answer another replica wrote
// to Redis may come from a feed that lags this one; kept here, it would
// outlive the invalidation that replica sends once it catches up. An answer
// computed here is stale only after a change this process's own feed
// applies, and that change's Invalidate bumps the versions of its cells.
//
// Each entry holds the versions of its cells when its answer was computed;
// a version bumped since makes it stale. Versions are counters of hashed
// cells: two cells sharing one only cost a spurious miss.
type near struct {
	max      int64 // bytes of answers kept; 0: none
	epoch    atomic.Uint64
	versions [1 << 14]atomic.Uint64

	mu      sync.Mutex
	size    int64
	entries map[string]*nearEntry
}

// nearEntry is one answer, encoded as the shared cache stores it.
type nearEntry struct {
	b       []byte
	cells   []index.Cell
	vers    []uint64
	epoch   uint64
	expires time.Time
}

func (n *near) init(max int64) {
	n.max = max
	n.entries = map[string]*nearEntry{}
}

// slot returns the version counter of cell.
func (n *near) slot(cell index.Cell) *atomic.Uint64 {
	h := (uint32(uint16(cell.Lat))<<16 | uint32(uint16(cell.Lon))) * 0x9E3779B1
	return &n.versions[h>>(32-14)]
}

// bump makes stale the entries that cover cells (or all of them).
func (n *near) bump(cells []index.Cell, all bool) {
	if all {
		n.epoch.Add(1)
		return
	}
	for _, cell := range cells {
		n.slot(cell).Add(1)
	}
}

// snapshot returns the versions of cells now. An entry must be snapshot
// before the caller checks that no change since its computation touched
// its cells (changes.overlaps): a change bumps after it is numbered, so a
// bump the check misses shows in the versions later.
func (n *near) snapshot(cells []index.Cell) (vers []uint64, epoch uint64) {
	epoch = n.epoch.Load()
	vers = make([]uint64, len(cells))
	for i, cell := range cells {
		vers[i] = n.slot(cell).Load()
	}
	return vers, epoch
}

// fresh reports whether no change touched e's cells since its snapshot and
// it has not expired at now.
func (n *near) fresh(e *nearEntry, now time.Time) bool {
	if !now.Before(e.expires) || n.epoch.Load() != e.epoch {
		return false
	}
	for i, cell := range e.cells {
		if n.slot(cell).Load() != e.vers[i] {
			return false
		}
	}
	return true
}

// get returns the entry of key when it is fresh at now; the bytes are
// shared and must not be written.
func (n *near) get(key string, now time.Time) []byte {
	if n.max <= 0 {
		return nil
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	e := n.entries[key]
	if e == nil {
		return nil
	}
	if !n.fresh(e, now) {
		n.remove(key, e)
		return nil
	}
	return e.b
}

// put keeps e under key. When full, it first drops the stale and expired
// entries, then others at random until a quarter of the room is free, so
// that a full cache does not sweep at every answer.
func (n *near) put(key string, e *nearEntry, now time.Time) {
	size := int64(len(e.b))
	if size > n.max/4 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if old := n.entries[key]; old != nil {
		n.remove(key, old)
	}
	if n.size+size > n.max {
		for k, old := range n.entries {
			if !n.fresh(old, now) {
				n.remove(k, old)
			}
		}
		for k, old := range n.entries {
			if n.size+size <= n.max*3/4 {
				break
			}
			n.remove(k, old)
		}
	}
	n.entries[key] = e
	n.size += size
}

// remove drops the entry e of key, under mu.
func (n *near) remove(key string, e *nearEntry) {
	delete(n.entries, key)
	n.size -= int64(len(e.b))
}
