package memory

import (
	"context"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
)

// lock is one held lock; token tells its owner from later ones.
type lock struct {
	token   uint64
	expires time.Time
}

// Lock takes the lock named key for ttl unless an unexpired one is held.
func (c *Cache) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, bool, error) {
	if ttl <= 0 {
		return nil, false, cache.ErrInvalidTTL
	}
	unlock, err := c.enter(ctx)
	if err != nil {
		return nil, false, err
	}
	defer unlock()
	now := time.Now()
	if held, ok := c.locks[key]; ok && now.Before(held.expires) {
		return nil, false, nil
	}
	if len(c.locks) >= c.max {
		c.sweepLocks(now)
	}
	c.tokens++
	c.locks[key] = lock{token: c.tokens, expires: now.Add(ttl)}
	token := c.tokens
	return func(ctx context.Context) error { return c.unlock(ctx, key, token) }, true, nil
}

// unlock releases the lock named key if token still owns it.
func (c *Cache) unlock(ctx context.Context, key string, token uint64) error {
	unlock, err := c.enter(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	held, ok := c.locks[key]
	if !ok || held.token != token || !time.Now().Before(held.expires) {
		return cache.ErrLockLost
	}
	delete(c.locks, key)
	return nil
}

// sweepLocks drops expired locks so abandoned ones do not pile up.
func (c *Cache) sweepLocks(now time.Time) {
	for key, held := range c.locks {
		if !now.Before(held.expires) {
			delete(c.locks, key)
		}
	}
}
