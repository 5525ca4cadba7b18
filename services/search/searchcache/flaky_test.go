package searchcache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
)

// errDown is what flaky answers while failing.
var errDown = errors.New("flaky: down")

// flaky is a cache.Cache that fails every call while failing is set, and
// records the calls it gets. While slowGet (slowSet) is set, Get (Set)
// answers when its context ends, with its error, as go-redis does; a Set
// still lands, late.
type flaky struct {
	cache.Cache
	failing          atomic.Bool
	slowGet, slowSet atomic.Bool
	landed           chan struct{} // closed when a late Set has landed

	mu  sync.Mutex
	ops []string
	// onGet, onSet and onInvalidate, when set, each run once: the first two
	// before the next Get (Set) reaches the store, the last after the next
	// InvalidateTags has.
	onGet, onSet, onInvalidate func()
}

// hook returns the hook *fn and clears it; a no-op when there is none.
func (f *flaky) hook(fn *func()) func() {
	f.mu.Lock()
	defer f.mu.Unlock()
	h := *fn
	*fn = nil
	if h == nil {
		return func() {}
	}
	return h
}

// note records op and returns errDown while failing.
func (f *flaky) note(op string) error {
	f.mu.Lock()
	f.ops = append(f.ops, op)
	f.mu.Unlock()
	if f.failing.Load() {
		return errDown
	}
	return nil
}

// calls returns the calls recorded since the last call to calls.
func (f *flaky) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ops := f.ops
	f.ops = nil
	return ops
}

func (f *flaky) Get(ctx context.Context, key string) ([]byte, error) {
	if err := f.note("get"); err != nil {
		return nil, err
	}
	f.hook(&f.onGet)()
	if f.slowGet.Load() {
		<-ctx.Done()
		return nil, fmt.Errorf("cache get: %w", ctx.Err())
	}
	return f.Cache.Get(ctx, key)
}

func (f *flaky) Set(ctx context.Context, key string, value []byte, ttl time.Duration, tags ...string) error {
	if err := f.note("set"); err != nil {
		return err
	}
	f.hook(&f.onSet)()
	if f.slowSet.Load() {
		<-ctx.Done()
		go func() { // the command was sent: Redis runs it when it gets to it
			time.Sleep(10 * time.Millisecond)
			_ = f.Cache.Set(context.Background(), key, value, ttl, tags...)
			close(f.landed)
		}()
		return fmt.Errorf("cache set: %w", ctx.Err())
	}
	return f.Cache.Set(ctx, key, value, ttl, tags...)
}

func (f *flaky) Delete(ctx context.Context, keys ...string) error {
	if err := f.note("delete"); err != nil {
		return err
	}
	return f.Cache.Delete(ctx, keys...)
}

func (f *flaky) InvalidateTags(ctx context.Context, tags ...string) (int, error) {
	if err := f.note("invalidate"); err != nil {
		return 0, err
	}
	n, err := f.Cache.InvalidateTags(ctx, tags...)
	f.hook(&f.onInvalidate)()
	return n, err
}

func (f *flaky) Ping(ctx context.Context) error {
	if err := f.note("ping"); err != nil {
		return err
	}
	return f.Cache.Ping(ctx)
}
