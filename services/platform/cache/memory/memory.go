// Package memory is an in-process cache.Cache: a bounded map with lazy
// expiry, a tag index and a lock table, guarded by one mutex. It starts no
// goroutine. It suits tests and single-replica deployments: nothing is
// shared between processes.
package memory

import (
	"bytes"
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
)

// DefaultMaxEntries bounds the cache when New is given no positive size.
const DefaultMaxEntries = 10_000

// Cache is an in-process cache.Cache.
type Cache struct {
	mu      sync.Mutex
	max     int
	closed  bool
	entries map[string]*entry
	order   *list.List // of keys, oldest Set first
	tags    map[string]map[string]struct{}
	locks   map[string]lock
	tokens  uint64 // last lock token handed out
}

type entry struct {
	value   []byte
	expires time.Time
	tags    []string
	elem    *list.Element
}

var _ cache.Cache = (*Cache)(nil)

// New returns a cache holding at most maxEntries values (DefaultMaxEntries
// if maxEntries <= 0); when full, Set evicts the oldest value.
func New(maxEntries int) *Cache {
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	return &Cache{
		max:     maxEntries,
		entries: map[string]*entry{},
		order:   list.New(),
		tags:    map[string]map[string]struct{}{},
		locks:   map[string]lock{},
	}
}

// Get returns a copy of the value of key, or cache.ErrMiss.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	unlock, err := c.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, cache.ErrMiss
	}
	if !time.Now().Before(e.expires) {
		c.remove(key)
		return nil, cache.ErrMiss
	}
	return bytes.Clone(e.value), nil
}

// Set stores a copy of value under key for ttl and registers key under
// tags, replacing any previous value and tags of key.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration, tags ...string) error {
	if ttl <= 0 {
		return cache.ErrInvalidTTL
	}
	unlock, err := c.enter(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	c.remove(key)
	if len(c.entries) >= c.max {
		c.remove(c.order.Front().Value.(string))
	}
	c.add(key, &entry{value: bytes.Clone(value), expires: time.Now().Add(ttl), tags: tags})
	return nil
}

// Delete removes keys.
func (c *Cache) Delete(ctx context.Context, keys ...string) error {
	unlock, err := c.enter(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, key := range keys {
		c.remove(key)
	}
	return nil
}

// Ping reports whether the cache is open.
func (c *Cache) Ping(ctx context.Context) error {
	unlock, err := c.enter(ctx)
	if err != nil {
		return err
	}
	unlock()
	return nil
}

// Close drops every value and lock; later calls return cache.ErrClosed.
func (c *Cache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	clear(c.entries)
	clear(c.tags)
	clear(c.locks)
	c.order.Init()
	return nil
}

// enter locks c unless ctx is done or c is closed, and returns the unlock.
func (c *Cache) enter(ctx context.Context) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, cache.ErrClosed
	}
	return c.mu.Unlock, nil
}
