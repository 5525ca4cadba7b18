package cachetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
)

func testGetMiss(t *testing.T, c cache.Cache) {
	wantMisses(t, c, "absent")
	if err := c.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func testSetGet(t *testing.T, c cache.Cache) {
	value := []byte("paris-75")
	if err := c.Set(context.Background(), "k", value, time.Minute); err != nil {
		t.Fatal(err)
	}
	value[0] = 'X' // the cache holds its own copy
	got, _ := c.Get(context.Background(), "k")
	got[0] = 'Y'
	wantHit(t, c, "k", "paris-75")
}

func testEmptyValue(t *testing.T, c cache.Cache) {
	set(t, c, "k", "")
	wantHit(t, c, "k", "")
}

func testOverwrite(t *testing.T, c cache.Cache) {
	set(t, c, "k", "one")
	set(t, c, "k", "two")
	wantHit(t, c, "k", "two")
}

func testInvalidTTL(t *testing.T, c cache.Cache) {
	ctx := context.Background()
	for _, ttl := range []time.Duration{0, -time.Second} {
		if err := c.Set(ctx, "k", []byte("v"), ttl); !errors.Is(err, cache.ErrInvalidTTL) {
			t.Errorf("Set with ttl %v = %v, want cache.ErrInvalidTTL", ttl, err)
		}
		if _, _, err := c.Lock(ctx, "k", ttl); !errors.Is(err, cache.ErrInvalidTTL) {
			t.Errorf("Lock with ttl %v = %v, want cache.ErrInvalidTTL", ttl, err)
		}
	}
	wantMisses(t, c, "k")
}

func testExpiry(t *testing.T, c cache.Cache) {
	ctx := context.Background()
	const ttl = 300 * time.Millisecond
	start := time.Now()
	if err := c.Set(ctx, "short", []byte("v"), ttl); err != nil {
		t.Fatal(err)
	}
	set(t, c, "long", "v")
	if _, err := c.Get(ctx, "short"); err != nil && time.Since(start) < ttl {
		t.Fatalf("Get before the TTL: %v", err)
	}
	waitFor(t, "the short key to expire", func() bool {
		_, err := c.Get(ctx, "short")
		return errors.Is(err, cache.ErrMiss)
	})
	wantHit(t, c, "long", "v")
}

func testDelete(t *testing.T, c cache.Cache) {
	set(t, c, "a", "1")
	set(t, c, "b", "2")
	set(t, c, "c", "3")
	if err := c.Delete(context.Background(), "a", "b", "absent"); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(context.Background()); err != nil {
		t.Fatalf("Delete of no keys: %v", err)
	}
	wantMisses(t, c, "a", "b")
	wantHit(t, c, "c", "3")
}
