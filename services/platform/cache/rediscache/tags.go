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

// setScript stores ARGV[1] under KEYS[1] for ARGV[2] milliseconds and adds
// KEYS[1] to each tag set in KEYS[2:], whose expiry is raised to at least
// that: one command, where a transaction of SET, SADD and two PEXPIRE a tag
// cost the client a reply to parse for each (about 100 for a search entry).
var setScript = redis.NewScript(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[2], 'NX')
  redis.call('PEXPIRE', KEYS[i], ARGV[2], 'GT')
end
return 1
`)

// Set stores value under key for ttl and adds key to each tag set, whose
// expiry is raised to at least ttl (a new set gets ttl; an older one keeps
// the longest), atomically, in one script. A key set again with other tags
// stays in its older tag sets until they expire, so invalidating those tags
// deletes it too.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration, tags ...string) error {
	if err := checkTTL(ttl); err != nil {
		return err
	}
	keys := make([]string, 1, 1+len(tags))
	keys[0] = c.valueKey(key)
	for _, tag := range tags {
		keys = append(keys, c.tagKey(tag))
	}
	if err := setScript.Run(ctx, c.client, keys, value, max(ttl.Milliseconds(), 1)).Err(); err != nil {
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
