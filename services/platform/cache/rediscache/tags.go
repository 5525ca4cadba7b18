package rediscache

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// invalidateScript deletes the members of every tag set in KEYS, then the
// sets, atomically, and returns how many members existed.
var invalidateScript = redis.NewScript(`
local removed = 0
for _, tag in ipairs(KEYS) do
  local members = redis.call('SMEMBERS', tag)
  for i = 1, #members, 1000 do
    removed = removed + redis.call('DEL', unpack(members, i, math.min(i + 999, #members)))
  end
  redis.call('DEL', tag)
end
return removed
`)

// Set stores value under key for ttl and adds key to each tag set, whose
// expiry is raised to at least ttl, in one MULTI/EXEC transaction. A key set
// again with other tags stays in its older tag sets until they expire, so
// invalidating those tags deletes it too.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration, tags ...string) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	name := c.valueKey(key)
	ms := max(ttl.Milliseconds(), 1)
	cmds, err := c.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Set(ctx, name, value, ttl)
		for _, tag := range tags {
			p.SAdd(ctx, c.tagKey(tag), name)
			p.Do(ctx, "PEXPIRE", c.tagKey(tag), ms, "NX") // a new set gets ttl
			p.Do(ctx, "PEXPIRE", c.tagKey(tag), ms, "GT") // an older one keeps the longest
		}
		return nil
	})
	if err == nil {
		err = firstErr(cmds)
	}
	if err != nil {
		return fmt.Errorf("cache set: %w", err)
	}
	return nil
}

// InvalidateTags deletes every key in the sets of tags, and the sets.
func (c *Cache) InvalidateTags(ctx context.Context, tags ...string) (int, error) {
	if len(tags) == 0 {
		return 0, ctx.Err()
	}
	names := make([]string, len(tags))
	for i, tag := range tags {
		names[i] = c.tagKey(tag)
	}
	removed, err := invalidateScript.Run(ctx, c.client, names).Int()
	if err != nil {
		return 0, fmt.Errorf("cache invalidate tags: %w", err)
	}
	return removed, nil
}

// firstErr returns the first error among pipelined commands.
func firstErr(cmds []redis.Cmder) error {
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil {
			return err
		}
	}
	return nil
}
