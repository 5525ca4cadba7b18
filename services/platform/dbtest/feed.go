package dbtest

import (
	"sync"
	"testing"
)

// FollowFeed follows a change feed as a watcher does, asking changes for a
// page of those after the last sequence number (seq) it saw, while the
// writers run; once they return it reads the whole feed again from the
// start, and fails t when the watcher
// missed a change (one committed behind a number it had already passed), or
// when the writers made fewer than minChanges.
func FollowFeed[C any](t *testing.T, minChanges int, changes func(after int64) ([]C, error), seq func(C) int64, writers ...func()) {
	t.Helper()
	seqs := func(after int64) ([]int64, error) {
		page, err := changes(after)
		out := make([]int64, len(page))
		for i, c := range page {
			out[i] = seq(c)
		}
		return out, err
	}
	var wg sync.WaitGroup
	for _, w := range writers {
		wg.Go(w)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := map[int64]bool{}
	var last int64
	follow := func() {
		for {
			list, err := seqs(last)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) == 0 {
				return
			}
			for _, s := range list {
				seen[s], last = true, s
			}
		}
	}
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		follow()
	}
	follow()
	var all []int64
	for after := int64(0); ; {
		page, err := seqs(after)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		all, after = append(all, page...), page[len(page)-1]
	}
	var missed []int64
	for _, s := range all {
		if !seen[s] {
			missed = append(missed, s)
		}
	}
	if len(all) < minChanges || len(missed) > 0 {
		t.Errorf("%d changes, the watcher missed %d: %v", len(all), len(missed), missed[:min(len(missed), 10)])
	}
}
