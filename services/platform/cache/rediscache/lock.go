package rediscache

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sas-platform/sas/services/platform/cache"
)

// unlockScript deletes the lock KEYS[1] only if it still holds the token
// ARGV[1], and returns how many keys it deleted.
var unlockScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// Lock sets the lock key to a random token with SET NX PX; unlock deletes
// it only while it still holds that token.
func (c *Cache) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, bool, error) {
	if err := checkTTL(ttl); err != nil {
		return nil, false, err
	}
	name, token := c.lockKey(key), rand.Text()
	acquired, err := c.client.SetNX(ctx, name, token, ttl).Result()
	if err != nil {
		return nil, false, fmt.Errorf("cache lock: %w", err)
	}
	if !acquired {
		return nil, false, nil
	}
	return func(ctx context.Context) error { return c.unlock(ctx, name, token) }, true, nil
}

func (c *Cache) unlock(ctx context.Context, name, token string) error {
	deleted, err := unlockScript.Run(ctx, c.client, []string{name}, token).Int()
	if err != nil {
		return fmt.Errorf("cache unlock: %w", err)
	}
	if deleted == 0 {
		return cache.ErrLockLost
	}
	return nil
}
