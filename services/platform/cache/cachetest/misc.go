package cachetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
)

// testConcurrent mixes Set, Get and InvalidateTags from several goroutines,
// for the race detector and to check no value is torn.
func testConcurrent(t *testing.T, c cache.Cache) {
	ctx := context.Background()
	valid := []string{"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"}
	var wg sync.WaitGroup
	for g, value := range valid {
		wg.Go(func() {
			for i := range 50 {
				key := fmt.Sprintf("k%d", i%5)
				if err := c.Set(ctx, key, []byte(value), time.Minute, "cell"); err != nil {
					t.Errorf("Set: %v", err)
				}
				got, err := c.Get(ctx, key)
				if err != nil && !errors.Is(err, cache.ErrMiss) || err == nil && !contains(valid, got) {
					t.Errorf("Get(%q) = %q, %v", key, got, err)
				}
				if i%10 == g {
					if _, err := c.InvalidateTags(ctx, "cell"); err != nil {
						t.Errorf("InvalidateTags: %v", err)
					}
				}
			}
		})
	}
	wg.Wait()
}

func testCanceledContext(t *testing.T, c cache.Cache) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, getErr := c.Get(ctx, "k")
	_, invErr := c.InvalidateTags(ctx, "cell")
	_, _, lockErr := c.Lock(ctx, "k", time.Minute)
	errs := map[string]error{
		"Get":            getErr,
		"Set":            c.Set(ctx, "k", []byte("v"), time.Minute, "cell"),
		"Delete":         c.Delete(ctx, "k"),
		"InvalidateTags": invErr,
		"Lock":           lockErr,
		"Ping":           c.Ping(ctx),
	}
	for op, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context = %v, want context.Canceled", op, err)
		}
	}
}

func testClose(t *testing.T, c cache.Cache) {
	set(t, c, "k", "v")
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := c.Get(context.Background(), "k"); err == nil || errors.Is(err, cache.ErrMiss) {
		t.Errorf("Get after Close = %v, want an error other than a miss", err)
	}
	if err := c.Ping(context.Background()); err == nil {
		t.Error("Ping after Close succeeded")
	}
}
