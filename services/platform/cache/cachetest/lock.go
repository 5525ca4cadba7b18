package cachetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
)

// lock calls Lock and fails t on error.
func lock(t *testing.T, c cache.Cache, key string, ttl time.Duration) (func(context.Context) error, bool) {
	t.Helper()
	unlock, acquired, err := c.Lock(context.Background(), key, ttl)
	if err != nil {
		t.Fatalf("Lock(%q): %v", key, err)
	}
	return unlock, acquired
}

func testLockExclusive(t *testing.T, c cache.Cache) {
	unlock, acquired := lock(t, c, "k", time.Minute)
	if !acquired {
		t.Fatal("first Lock not acquired")
	}
	if _, acquired := lock(t, c, "k", time.Minute); acquired {
		t.Fatal("second Lock acquired while the first is held")
	}
	if _, acquired := lock(t, c, "other", time.Minute); !acquired {
		t.Fatal("Lock of another key not acquired")
	}
	wantMisses(t, c, "k") // locks are not values
	if err := unlock(context.Background()); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if _, acquired := lock(t, c, "k", time.Minute); !acquired {
		t.Fatal("Lock after unlock not acquired")
	}
}

func testLockExpires(t *testing.T, c cache.Cache) {
	if _, acquired := lock(t, c, "k", 200*time.Millisecond); !acquired {
		t.Fatal("first Lock not acquired")
	}
	waitFor(t, "the lock to expire", func() bool {
		_, acquired := lock(t, c, "k", time.Minute)
		return acquired
	})
}

func testUnlockAfterExpiry(t *testing.T, c cache.Cache) {
	unlockFirst, acquired := lock(t, c, "k", 100*time.Millisecond)
	if !acquired {
		t.Fatal("first Lock not acquired")
	}
	var unlockSecond func(context.Context) error
	waitFor(t, "a second owner after expiry", func() bool {
		unlockSecond, acquired = lock(t, c, "k", time.Minute)
		return acquired
	})
	if err := unlockFirst(context.Background()); !errors.Is(err, cache.ErrLockLost) {
		t.Fatalf("unlock by the expired owner = %v, want cache.ErrLockLost", err)
	}
	if _, acquired := lock(t, c, "k", time.Minute); acquired {
		t.Fatal("the expired owner's unlock freed the second owner's lock")
	}
	if err := unlockSecond(context.Background()); err != nil {
		t.Fatalf("unlock by the second owner: %v", err)
	}
}
