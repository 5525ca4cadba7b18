package memory

import (
	"context"
	"time"
)

// InvalidateTags removes every key registered under any of tags and returns
// how many unexpired values were removed.
func (c *Cache) InvalidateTags(ctx context.Context, tags ...string) (int, error) {
	unlock, err := c.enter(ctx)
	if err != nil {
		return 0, err
	}
	defer unlock()
	now := time.Now()
	removed := 0
	for _, tag := range tags {
		for key := range c.tags[tag] {
			if now.Before(c.entries[key].expires) {
				removed++
			}
			c.remove(key)
		}
	}
	return removed, nil
}

// add stores e under key, which must be absent, and indexes its tags.
func (c *Cache) add(key string, e *entry) {
	e.elem = c.order.PushBack(key)
	c.entries[key] = e
	for _, tag := range e.tags {
		keys := c.tags[tag]
		if keys == nil {
			keys = map[string]struct{}{}
			c.tags[tag] = keys
		}
		keys[key] = struct{}{}
	}
}

// remove drops key, if present, from the entries, the order and its tags.
func (c *Cache) remove(key string) {
	e, ok := c.entries[key]
	if !ok {
		return
	}
	delete(c.entries, key)
	c.order.Remove(e.elem)
	for _, tag := range e.tags {
		delete(c.tags[tag], key)
		if len(c.tags[tag]) == 0 {
			delete(c.tags, tag)
		}
	}
}
