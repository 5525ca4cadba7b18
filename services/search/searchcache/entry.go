package searchcache

import (
	"context"
	"strconv"
	"time"

	"google.golang.org/protobuf/proto"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/search/index"
)

// skew is how long an entry outlives its minute, for replicas whose clock
// is a little behind; Invalidate covers the minutes either side of its own
// for the same reason.
const skew = 10 * time.Second

// allTag names every entry of a minute, for InvalidateAll.
const allTag = "all"

// encode returns res as an entry and the cells its answer covers; nil when
// res is not cacheable (no centre) or does not encode.
func (c *Cache) encode(ctx context.Context, res *searchv1.SearchSlotsResponse) ([]byte, []index.Cell) {
	cells, ok := covered(res)
	if !ok {
		return nil, nil
	}
	b, err := proto.Marshal(res)
	if err != nil {
		c.log.WarnContext(ctx, "search cache: encode entry", "error", err)
		return nil, nil
	}
	return b, cells
}

// ttlOf returns how long the answer to q is kept. An entry is read only
// during its minute, so it is kept until the minute is over (and skew),
// within the TTL.
func (c *Cache) ttlOf(q query) time.Duration {
	return min(c.ttl, q.at.Add(time.Minute+skew).Sub(q.now))
}

// put stores b, the entry of the answer to q computed from a read of the
// index after change since, tagged with the cells it covers. Its tags carry
// its minute, so that a tag set holds one minute's entries and expires with
// them instead of growing for as long as its cells are searched and never
// changed.
func (c *Cache) put(ctx context.Context, q query, b []byte, cells []index.Cell, since uint64) {
	minute := minuteOf(q.at)
	names := cellNames(cells, len(cells) > coarseAbove)
	tags := make([]string, 0, len(names)+1)
	for _, name := range names {
		tags = append(tags, tagOf(name, minute))
	}
	tags = append(tags, tagOf(allTag, minute))
	err := c.set(ctx, q.key, b, c.ttlOf(q), tags)
	switch {
	case err == nil:
		c.health.ok()
	case c.slow(ctx, err):
		c.m.slowCall(ctx, "set")
		c.recheck(ctx, q.key, since, cells)
	default:
		c.failed(ctx, "set", err)
	}
	// A change applied while res was computed may have been invalidated
	// before the Set landed: take the entry out again. A write that failed
	// may have landed all the same.
	if c.seen.overlaps(since, cells) {
		if err == nil {
			err = c.delete(ctx, q.key)
		}
		if err != nil {
			c.deferCells(ctx, cells, false, err)
		}
	}
}

// keepNear keeps b, the entry of the answer to q computed after change
// since, in process, unless a change touched its cells since. The versions
// are read before that check (see near.snapshot).
func (c *Cache) keepNear(q query, b []byte, cells []index.Cell, since uint64) {
	if c.near.max <= 0 {
		return
	}
	vers, epoch := c.near.snapshot(cells)
	if c.seen.overlaps(since, cells) {
		return
	}
	c.near.put(q.key, &nearEntry{b: b, cells: cells, vers: vers, epoch: epoch, expires: q.now.Add(c.ttlOf(q))}, q.now)
}

// settle is how long a write that timed out is given to land or die.
const settle = 500 * time.Millisecond

// recheck takes out the entry of key again after settle when a change
// touched its cells since the answer was computed: the write timed out while
// the cache stayed up (see slow), and may land after that change's
// invalidation. Until then a stale answer may be served, at most settle
// after the change, and only when a write timed out.
func (c *Cache) recheck(ctx context.Context, key string, since uint64, cells []index.Cell) {
	ctx = context.WithoutCancel(ctx)
	time.AfterFunc(settle, func() {
		if !c.seen.overlaps(since, cells) {
			return
		}
		if err := c.delete(ctx, key); err != nil {
			c.deferCells(ctx, cells, false, err)
		}
	})
}

// covered returns the cells res depends on: those of the disc of its centre
// and final radius (plus a metre, as the radius is truncated to an integer).
func covered(res *searchv1.SearchSlotsResponse) ([]index.Cell, bool) {
	centre := res.GetCentre()
	if centre == nil {
		return nil, false
	}
	p := index.Point{Lat: centre.GetLatitude(), Lon: centre.GetLongitude()}
	return index.Cells(p, float64(res.GetRadiusMeters())+1), true
}

// coarseAbove is the number of cells beyond which an entry is tagged with
// the 1° squares that hold its cells instead: a département search covers
// up to 600 cells, and as many tags make its Set cost milliseconds of Redis
// time, while a disc that large covers most of its squares anyway.
// Invalidate drops the squares of its cells too.
const coarseAbove = 32

// cellNames returns the names of cells, or of their 1° squares ("d47:-2")
// when coarse, without duplicates.
func cellNames(cells []index.Cell, coarse bool) []string {
	names := make([]string, 0, len(cells))
	if !coarse {
		for _, cell := range cells {
			names = append(names, cell.String())
		}
		return names
	}
	seen := map[index.Cell]bool{}
	for _, cell := range cells {
		sq := index.Cell{Lat: floorTen(cell.Lat), Lon: floorTen(cell.Lon)}
		if !seen[sq] {
			seen[sq] = true
			names = append(names, "d"+sq.String())
		}
	}
	return names
}

// floorTen returns the floor of n / 10: tenths of degree to degrees.
func floorTen(n int16) int16 {
	if n < 0 {
		return -((-n + 9) / 10)
	}
	return n / 10
}

// tagOf returns the tag of name ("488:23" or allTag) for the entries of
// minute m.
func tagOf(name string, m int64) string {
	return name + "@" + strconv.FormatInt(m, 10)
}

// set stores one entry, within OpTimeout.
func (c *Cache) set(ctx context.Context, key string, b []byte, ttl time.Duration, tags []string) error {
	ctx, cancel := context.WithTimeout(ctx, c.opTime)
	defer cancel()
	return c.store.Set(ctx, key, b, ttl, tags...)
}

// delete removes one entry, within OpTimeout.
func (c *Cache) delete(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, c.opTime)
	defer cancel()
	return c.store.Delete(ctx, key)
}
