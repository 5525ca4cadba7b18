package searchcache

import (
	"context"
	"errors"
	"maps"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sas-platform/sas/services/search/index"
)

// maxPending bounds the cells remembered while the cache fails; beyond, all
// entries are invalidated on recovery, which costs at most a minute of
// misses.
const maxPending = 1000

// health is the state of the cache. Up, searches use it. After an error it
// is down: searches bypass it and the invalidations that could not be sent
// are kept; once Retry has passed, one search probes it, replaying those
// invalidations (or pinging when there are none) before any entry is read
// again, since an entry written before the failure may be stale.
type health struct {
	retry  time.Duration
	up     atomic.Bool  // read by every search; written under mu
	lastOK atomic.Int64 // when a cache call last succeeded, Unix nanoseconds (see slow)

	mu      sync.Mutex
	retryAt time.Time // when down, when the next probe may start
	probing bool
	cells   map[index.Cell]struct{} // to invalidate before going up
	all     bool                    // everything to invalidate
}

func (h *health) init(retry time.Duration) {
	h.retry, h.cells = retry, map[index.Cell]struct{}{}
	h.up.Store(true)
	h.ok()
}

// ok records that a cache call succeeded.
func (h *health) ok() { h.lastOK.Store(time.Now().UnixNano()) }

// slow reports whether err is a cache call that ran out of its OpTimeout
// while others succeed. Under load that time goes to waiting for a core or a
// pooled connection, not to a failing Redis, and bypassing the cache for
// every search (a miss costs about eight hits) would turn a busy process into
// a collapsing one: the caller answers its own search without the cache,
// which stays up. A cache that only times out for Retry goes down as on any
// other error. ctx is the caller's: its own end is no sign of anything.
func (c *Cache) slow(ctx context.Context, err error) bool {
	timedOut := errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded)
	if !timedOut || ctx.Err() != nil {
		return false
	}
	return time.Since(time.Unix(0, c.health.lastOK.Load())) < c.health.retry
}

// down marks the cache down until Retry has passed, under h.mu; it reports
// whether it was up.
func (h *health) down() bool {
	h.retryAt = time.Now().Add(h.retry)
	return h.up.Swap(false)
}

// keep remembers cells (or all) to invalidate, under h.mu.
func (h *health) keep(cells []index.Cell, all bool) {
	h.all = h.all || all || len(h.cells)+len(cells) > maxPending
	if h.all {
		clear(h.cells)
		return
	}
	for _, cell := range cells {
		h.cells[cell] = struct{}{}
	}
}

// admit reports whether a search may use the cache: it is up, or this
// search probed it back up.
func (c *Cache) admit(ctx context.Context) bool {
	h := &c.health
	if h.up.Load() {
		return true
	}
	h.mu.Lock()
	if h.up.Load() || h.probing || time.Now().Before(h.retryAt) {
		h.mu.Unlock()
		return h.up.Load()
	}
	h.probing = true
	h.mu.Unlock()
	return c.probe(ctx)
}

// probe replays the pending invalidations, and those kept meanwhile, until
// none is left; then the cache is up. Only searches admitted before the
// failure may have stored since, and their entries are fresh or taken out
// again (see put), so a replay covers every change kept before it ends.
func (c *Cache) probe(ctx context.Context) bool {
	h := &c.health
	for first := true; ; first = false {
		h.mu.Lock()
		if !first && len(h.cells) == 0 && !h.all {
			h.up.Store(true)
			h.probing = false
			h.mu.Unlock()
			c.m.setAvailable(true)
			c.log.InfoContext(ctx, "search cache: back up")
			return true
		}
		// Take the pending cells out: a change kept during the replay, even
		// of a cell replayed now, must be replayed again, since an entry
		// written between this replay and that change predates the change.
		cells, all := slices.Collect(maps.Keys(h.cells)), h.all
		clear(h.cells)
		h.all = false
		h.mu.Unlock()
		if err := c.replay(ctx, cells, all); err != nil {
			h.mu.Lock()
			h.probing = false
			h.keep(cells, all)
			h.down()
			h.mu.Unlock()
			c.log.DebugContext(ctx, "search cache: still down", "error", err)
			return false
		}
	}
}

// replay invalidates cells (or all), or pings when there is nothing to
// invalidate.
func (c *Cache) replay(ctx context.Context, cells []index.Cell, all bool) error {
	if len(cells) == 0 && !all {
		opCtx, cancel := context.WithTimeout(ctx, c.opTime)
		defer cancel()
		return c.store.Ping(opCtx)
	}
	n, err := c.invalidateTags(ctx, cells, all)
	if err == nil {
		c.m.removed(ctx, n)
	}
	return err
}

// failed marks the cache down after op failed with err, unless the caller
// gave up (the cache may be fine).
func (c *Cache) failed(ctx context.Context, op string, err error) {
	if ctx.Err() != nil {
		return
	}
	c.health.mu.Lock()
	was := c.health.down()
	c.health.mu.Unlock()
	c.wentDown(ctx, was, op, err)
}

// deferCells keeps cells (or all) to invalidate on recovery and marks the
// cache down: an invalidation failed with err.
func (c *Cache) deferCells(ctx context.Context, cells []index.Cell, all bool, err error) {
	c.health.mu.Lock()
	c.health.keep(cells, all)
	was := c.health.down()
	c.health.mu.Unlock()
	c.wentDown(ctx, was, "invalidate", err)
}

// deferIfDown keeps cells (or all) and reports true when the cache is
// down, so that the caller does not wait on it.
func (c *Cache) deferIfDown(cells []index.Cell, all bool) bool {
	h := &c.health
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.up.Load() {
		return false
	}
	h.keep(cells, all)
	return true
}

// wentDown logs and measures a failure; was says whether the cache was up.
func (c *Cache) wentDown(ctx context.Context, was bool, op string, err error) {
	if !was {
		return
	}
	c.m.setAvailable(false)
	c.log.WarnContext(ctx, "search cache: down, searches bypass it", "op", op, "error", err, "retry", c.health.retry)
}
