// Package cachetest is the conformance suite every cache.Cache
// implementation runs from its tests.
package cachetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
)

// Run runs the suite; newCache returns an empty cache for one subtest and
// registers its cleanup (Close may already have been called by then).
func Run(t *testing.T, newCache func(t *testing.T) cache.Cache) {
	tests := []struct {
		name string
		fn   func(t *testing.T, c cache.Cache)
	}{
		{"GetMiss", testGetMiss},
		{"SetGet", testSetGet},
		{"EmptyValue", testEmptyValue},
		{"Overwrite", testOverwrite},
		{"InvalidTTL", testInvalidTTL},
		{"Expiry", testExpiry},
		{"Delete", testDelete},
		{"TagsInvalidateOnlyTheirKeys", testTagsInvalidateOnlyTheirKeys},
		{"KeyUnderTwoTags", testKeyUnderTwoTags},
		{"LockExclusive", testLockExclusive},
		{"LockExpires", testLockExpires},
		{"UnlockAfterExpiry", testUnlockAfterExpiry},
		{"Concurrent", testConcurrent},
		{"CanceledContext", testCanceledContext},
		{"Close", testClose},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newCache(t))
		})
	}
}

// waitFor polls cond until it holds, failing t after 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func set(t *testing.T, c cache.Cache, key, value string, tags ...string) {
	t.Helper()
	if err := c.Set(context.Background(), key, []byte(value), time.Minute, tags...); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

func wantHit(t *testing.T, c cache.Cache, key, want string) {
	t.Helper()
	got, err := c.Get(context.Background(), key)
	if err != nil || string(got) != want {
		t.Fatalf("Get(%q) = %q, %v; want %q", key, got, err, want)
	}
}

func wantMisses(t *testing.T, c cache.Cache, keys ...string) {
	t.Helper()
	for _, key := range keys {
		if got, err := c.Get(context.Background(), key); !errors.Is(err, cache.ErrMiss) {
			t.Fatalf("Get(%q) = %q, %v; want cache.ErrMiss", key, got, err)
		}
	}
}

func wantInvalidated(t *testing.T, c cache.Cache, want int, tags ...string) {
	t.Helper()
	got, err := c.InvalidateTags(context.Background(), tags...)
	if err != nil || got != want {
		t.Fatalf("InvalidateTags(%q) = %d, %v; want %d", tags, got, err, want)
	}
}

// contains reports whether values holds v, for checks under concurrency.
func contains(values []string, v []byte) bool { return slices.Contains(values, string(v)) }
