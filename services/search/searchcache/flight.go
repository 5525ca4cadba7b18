package searchcache

import (
	"context"
	"errors"
	"sync"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// errAbandoned is what waiters get when the computation they waited for
// panicked.
var errAbandoned = errors.New("search cache: computation abandoned")

// flight runs one computation per key at a time; the callers that come
// while it runs wait for its answer (a small singleflight).
type flight struct {
	mu    sync.Mutex
	calls map[string]*call
}

// call is a computation under way.
type call struct {
	done    chan struct{} // closed once res and err are set
	res     *searchv1.SearchSlotsResponse
	err     error
	waiters int // callers waiting, under flight.mu
}

// do returns fn's answer, computed by this caller or, when shared, by the
// one already computing key. A waiter whose ctx ends stops waiting.
func (f *flight) do(ctx context.Context, key string, fn func() (*searchv1.SearchSlotsResponse, error)) (
	res *searchv1.SearchSlotsResponse, err error, shared bool) {
	f.mu.Lock()
	if cl, ok := f.calls[key]; ok {
		cl.waiters++
		f.mu.Unlock()
		select {
		case <-cl.done:
			return cl.res, cl.err, true
		case <-ctx.Done():
			return nil, ctx.Err(), true
		}
	}
	if f.calls == nil {
		f.calls = map[string]*call{}
	}
	cl := &call{done: make(chan struct{}), err: errAbandoned}
	f.calls[key] = cl
	f.mu.Unlock()
	defer func() { // even when fn panics, so that waiters are let go
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(cl.done)
	}()
	cl.res, cl.err = fn()
	return cl.res, cl.err, false
}
