package memory

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
)

func TestEvictsOldest(t *testing.T) {
	ctx := context.Background()
	c := New(2)
	for _, key := range []string{"a", "b", "a", "c"} { // rewriting a makes b the oldest
		if err := c.Set(ctx, key, []byte(key), time.Minute, "cell:"+key); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Get(ctx, "b"); !errors.Is(err, cache.ErrMiss) {
		t.Errorf("Get(b) = %v, want it evicted", err)
	}
	for _, key := range []string{"a", "c"} {
		if _, err := c.Get(ctx, key); err != nil {
			t.Errorf("Get(%s) = %v, want a hit", key, err)
		}
	}
	if _, ok := c.tags["cell:b"]; ok || len(c.tags) != 2 || c.order.Len() != 2 {
		t.Errorf("index after eviction: tags %v, order length %d", c.tags, c.order.Len())
	}
}

func TestSweepsExpiredLocks(t *testing.T) {
	ctx := context.Background()
	c := New(2)
	for _, key := range []string{"a", "b"} {
		if _, _, err := c.Lock(ctx, key, time.Nanosecond); err != nil {
			t.Fatal(err)
		}
	}
	if _, acquired, err := c.Lock(ctx, "c", time.Minute); err != nil || !acquired {
		t.Fatalf("Lock(c) = %v, %v", acquired, err)
	}
	if len(c.locks) != 1 {
		t.Errorf("%d locks held, want only c", len(c.locks))
	}
}
