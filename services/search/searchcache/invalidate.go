package searchcache

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sas-platform/sas/services/search/index"
)

// Invalidate drops the entries whose answers cover cells. The feed consumer
// calls it with the cells each index.Index.Apply returned, after the Apply
// and before the next, so that once it returns no answer older than the
// change is served. When the cache fails, the cells are kept and
// invalidated before it serves again; Invalidate never waits longer than
// OpTimeout.
func (c *Cache) Invalidate(ctx context.Context, cells []index.Cell) {
	if len(cells) == 0 {
		return
	}
	cells = slices.Clone(cells)
	c.seen.add(cells, false)
	c.near.bump(cells, false)
	c.invalidate(ctx, cells, false)
}

// InvalidateAll drops every entry: after a change that reports no cell, a
// territory's radii, or when another index is swapped in.
func (c *Cache) InvalidateAll(ctx context.Context) {
	c.seen.add(nil, true)
	c.near.bump(nil, true)
	c.invalidate(ctx, nil, true)
}

// invalidate drops the entries of cells (or all), or keeps them for the
// recovery when the cache is down or fails.
func (c *Cache) invalidate(ctx context.Context, cells []index.Cell, all bool) {
	if c.deferIfDown(cells, all) {
		c.m.invalidated(ctx, len(cells), all, true)
		return
	}
	n, err := c.invalidateTags(ctx, cells, all)
	if err != nil {
		c.deferCells(ctx, cells, all, err)
		c.m.invalidated(ctx, len(cells), all, true)
		return
	}
	c.m.invalidated(ctx, len(cells), all, false)
	c.m.removed(ctx, n)
}

// invalidateTags drops the entries of cells and of their 1° squares (or
// all) in one call, within OpTimeout. Entries are tagged with their minute and only read during it:
// the minutes either side of the clock's cover replicas whose clocks differ
// by less than a minute; older entries are never read again.
func (c *Cache) invalidateTags(ctx context.Context, cells []index.Cell, all bool) (int, error) {
	names := []string{allTag}
	if !all {
		names = append(cellNames(cells, false), cellNames(cells, true)...)
	}
	m := minuteOf(c.now())
	tags := make([]string, 0, 3*len(names))
	for minute := m - 1; minute <= m+1; minute++ {
		for _, name := range names {
			tags = append(tags, tagOf(name, minute))
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.opTime)
	defer cancel()
	return c.store.InvalidateTags(ctx, tags...)
}

// changes remembers the last invalidations, numbered, so that an answer
// computed from the index before a change, and stored after the change was
// invalidated, is taken out again (see Cache.put).
type changes struct {
	seq  atomic.Uint64 // number of the last change; written under mu
	mu   sync.Mutex
	ring [64]change
}

// change is one invalidation: cells, or all.
type change struct {
	seq   uint64
	all   bool
	cells []index.Cell
}

// last returns the number of the last change.
func (l *changes) last() uint64 { return l.seq.Load() }

// add numbers a change.
func (l *changes) add(cells []index.Cell, all bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.seq.Load() + 1
	l.ring[s%uint64(len(l.ring))] = change{seq: s, all: all, cells: cells}
	l.seq.Store(s)
}

// overlaps reports whether a change after since may touch cells; true when
// it is too old to tell.
func (l *changes) overlaps(since uint64, cells []index.Cell) bool {
	if l.seq.Load() == since {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	last := l.seq.Load()
	if last-since > uint64(len(l.ring)) {
		return true
	}
	covered := make(map[index.Cell]struct{}, len(cells))
	for _, cell := range cells {
		covered[cell] = struct{}{}
	}
	for s := since + 1; s <= last; s++ {
		ch := &l.ring[s%uint64(len(l.ring))]
		if ch.all {
			return true
		}
		for _, cell := range ch.cells {
			if _, ok := covered[cell]; ok {
				return true
			}
		}
	}
	return false
}
