package rediscache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"

	"github.com/sas-platform/sas/services/platform/cache"
)

// Cache is a cache.Cache on Redis.
type Cache struct {
	client    *redis.Client
	prefix    string
	stop      chan struct{} // closed by Close to unregister the metrics
	closeOnce sync.Once
}

var _ cache.Cache = (*Cache)(nil)

// New connects to cfg.URL, instruments the client with OpenTelemetry
// tracing and metrics, and pings the server.
func New(ctx context.Context, cfg Config) (*Cache, error) {
	cfg = cfg.withDefaults()
	opts, err := cfg.options()
	if err != nil {
		return nil, fmt.Errorf("open cache: %w", err)
	}
	c := &Cache{client: redis.NewClient(opts), prefix: cfg.Prefix, stop: make(chan struct{})}
	if err := c.start(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open cache: %w", err), c.Close())
	}
	return c, nil
}

func (c *Cache) start(ctx context.Context) error {
	// Spans name the command only: a statement would copy every cached
	// answer into its span, and the caller's line costs a stack walk a call.
	if err := redisotel.InstrumentTracing(c.client, redisotel.WithDBStatement(false), redisotel.WithCallerEnabled(false)); err != nil {
		return err
	}
	if err := redisotel.InstrumentMetrics(c.client, redisotel.WithCloseChan(c.stop)); err != nil {
		return err
	}
	return c.Ping(ctx)
}

// Get returns the value of key, or cache.ErrMiss.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	value, err := c.client.Get(ctx, c.valueKey(key)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, cache.ErrMiss
	}
	if err != nil {
		return nil, fmt.Errorf("cache get: %w", err)
	}
	return value, nil
}

// Delete removes keys. Their tag sets keep the stale names until they
// expire or are invalidated, which deletes nothing more.
func (c *Cache) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return ctx.Err()
	}
	names := make([]string, len(keys))
	for i, key := range keys {
		names[i] = c.valueKey(key)
	}
	if err := c.client.Del(ctx, names...).Err(); err != nil {
		return fmt.Errorf("cache delete: %w", err)
	}
	return nil
}

// Ping checks that Redis answers.
func (c *Cache) Ping(ctx context.Context) error {
	if err := c.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("cache ping: %w", err)
	}
	return nil
}

// Close stops the metrics and closes the connections.
func (c *Cache) Close() error {
	c.closeOnce.Do(func() { close(c.stop) })
	return c.client.Close()
}

func (c *Cache) valueKey(key string) string { return c.prefix + "key:" + key }
func (c *Cache) tagKey(tag string) string   { return c.prefix + "tag:" + tag }
func (c *Cache) lockKey(key string) string  { return c.prefix + "lock:" + key }

// checkTTL rejects a TTL Redis cannot hold: not positive.
func checkTTL(ttl time.Duration) error {
	if ttl <= 0 {
		return cache.ErrInvalidTTL
	}
	return nil
}
