package rediscache

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sas-platform/sas/services/platform/cache"
)

const deadURL = "redis://127.0.0.1:1/0"

func TestNewErrors(t *testing.T) {
	for _, cfg := range []Config{{}, {URL: "http://x"}, {URL: deadURL}} {
		c, err := New(context.Background(), cfg)
		if err == nil {
			c.Close()
		}
		if err == nil || !strings.HasPrefix(err.Error(), "open cache: ") {
			t.Errorf("New(%+v) = %v, want an open cache error", cfg, err)
		}
	}
}

// TestUnreachableAtCallTime checks that every call on a cache whose server
// went away fails with an error callers can fall back on, not a miss.
func TestUnreachableAtCallTime(t *testing.T) {
	opts, err := Config{URL: deadURL}.withDefaults().options()
	if err != nil {
		t.Fatal(err)
	}
	c := &Cache{client: redis.NewClient(opts), prefix: "x:", stop: make(chan struct{})}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, getErr := c.Get(ctx, "k")
	_, invErr := c.InvalidateTags(ctx, "cell")
	_, _, lockErr := c.Lock(ctx, "k", time.Minute)
	for op, err := range map[string]error{
		"Get": getErr, "Set": c.Set(ctx, "k", []byte("v"), time.Minute, "cell"), "Delete": c.Delete(ctx, "k"),
		"InvalidateTags": invErr, "Lock": lockErr, "Ping": c.Ping(ctx),
	} {
		if err == nil || errors.Is(err, cache.ErrMiss) {
			t.Errorf("%s on a dead server = %v, want an error", op, err)
		}
	}
}
