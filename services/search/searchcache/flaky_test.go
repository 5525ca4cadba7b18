package searchcache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sas-platform/sas/services/platform/cache"
)

// errDown is what flaky answers while failing.
var errDown = errors.New("flaky: down")

// flaky is a cache.Cache that fails every call while failing is set, and
// records the calls it gets.
type flaky struct {
	cache.Cache
	failing atomic.Bool

	mu  sync.Mutex
	ops []string
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
	return f.Cache.Get(ctx, key)
}

func (f *flaky) Set(ctx context.Context, key string, value []byte, ttl time.Duration, tags ...string) error {
	if err := f.note("set"); err != nil {
		return err
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
	return f.Cache.InvalidateTags(ctx, tags...)
}

func (f *flaky) Ping(ctx context.Context) error {
	if err := f.note("ping"); err != nil {
		return err
	}
	return f.Cache.Ping(ctx)
}
