package pull_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/availability/pull"
)

// TestBreaker: 5 failed batches open a vendor's breaker; its batches are then
// skipped without a request until the cool-down, when one batch probes the
// vendor: failure opens the breaker again, success closes it.
func TestBreaker(t *testing.T) {
	c := newClock()
	v := startVendor(t, status(500))
	cfg := config(c)
	cfg.Concurrency = 1 // batches in order, for exact counts
	p := newPuller(t, cfg, &sink{})
	tg, ids := v.target(t, "vendors/v1"), nationalIDs(500) // 20 batches
	steps := []struct {
		name     string
		advance  time.Duration
		ans      answer
		want     pull.Report
		requests int // total so far
		state    pull.State
	}{
		{"500 opens", 0, nil, pull.Report{Failed: 5, Skipped: 15}, 15, pull.Open},
		{"open skips", 29 * time.Second, nil, pull.Report{Skipped: 20}, 15, pull.Open},
		{"failed probe", time.Second, nil, pull.Report{Failed: 1, Skipped: 19}, 18, pull.Open},
		{"still open", 10 * time.Second, oneSlotEach, pull.Report{Skipped: 20}, 18, pull.Open},
		{"probe closes", 20 * time.Second, nil, pull.Report{Succeeded: 20, Slots: 500}, 38, pull.Closed},
	}
	for _, st := range steps {
		c.Advance(st.advance)
		if st.ans != nil {
			v.set(st.ans)
		}
		rep, err := p.Refresh(t.Context(), tg, ids)
		if err != nil {
			t.Fatal(err)
		}
		got := pull.Report{Failed: rep.Failed, Skipped: rep.Skipped, Succeeded: rep.Succeeded, Slots: rep.Slots}
		if got != st.want || rep.Batches != 20 {
			t.Errorf("%s: report %+v, want %+v", st.name, got, st.want)
		}
		if n := len(v.requests()); n != st.requests {
			t.Errorf("%s: %d requests so far, want %d", st.name, n, st.requests)
		}
		if s := p.State("vendors/v1"); s != st.state {
			t.Errorf("%s: breaker %v, want %v", st.name, s, st.state)
		}
	}
}

// TestBreakerGarbage: documents that are not FHIR fail without retry and
// count against the vendor.
func TestBreakerGarbage(t *testing.T) {
	v := startVendor(t, garbage)
	cfg := config(newClock())
	cfg.Concurrency = 1
	p := newPuller(t, cfg, &sink{})
	rep, err := p.Refresh(t.Context(), v.target(t, "vendors/v1"), nationalIDs(6*25))
	if err != nil || rep.Failed != 5 || rep.Skipped != 1 || len(v.requests()) != 5 {
		t.Errorf("report %+v, %v, %d requests; want 5 failed, 1 skipped, 5 requests", rep, err, len(v.requests()))
	}
}

// TestBadVendorIsolated refreshes a vendor that hangs, fails or sends
// garbage together with a healthy one: the healthy one gets all its batches
// through and is done before the bad one, whose breaker opens.
func TestBadVendorIsolated(t *testing.T) {
	tests := []struct {
		name   string
		ans    func(t *testing.T) answer
		reason pull.Reason
	}{
		{"hangs", func(t *testing.T) answer { return hang(t) }, pull.ReasonTimeout},
		{"500", func(*testing.T) answer { return status(500) }, pull.ReasonStatus},
		{"garbage", func(*testing.T) answer { return garbage }, pull.ReasonMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad, good := startVendor(t, nil), startVendor(t, oneSlotEach)
			bad.set(tt.ans(t))
			cfg := config(newClock())
			cfg.Timeout, cfg.Attempts = 200*time.Millisecond, 2
			if tt.reason == pull.ReasonTimeout {
				// Long enough that a loaded machine still finishes the
				// healthy vendor's loopback batches first.
				cfg.Timeout = time.Second
			}
			p := newPuller(t, cfg, &sink{})
			ids := nationalIDs(12 * 25)
			badDone := make(chan pull.Report, 1)
			go func() {
				rep, _ := p.Refresh(t.Context(), bad.target(t, "vendors/bad"), ids)
				badDone <- rep
			}()
			waitFor(t, "a request to the bad vendor", func() bool { return len(bad.requests()) > 0 })
			rep, err := p.Refresh(t.Context(), good.target(t, "vendors/good"), ids)
			if err != nil || rep.Succeeded != 12 || rep.Slots != len(ids) {
				t.Errorf("healthy vendor: report %+v, %v; want 12 batches through", rep, err)
			}
			var r pull.Report
			select {
			case r = <-badDone:
				if tt.reason == pull.ReasonTimeout {
					t.Errorf("the hanging vendor was done first: %+v", r)
				}
			default:
				r = <-badDone
			}
			var fe *pull.FetchError
			if r.Failed < 5 || r.Failed+r.Skipped != 12 || p.State("vendors/bad") != pull.Open {
				t.Errorf("bad vendor: report %+v, breaker %v; want 5 or more failed, the rest skipped, open",
					r, p.State("vendors/bad"))
			}
			if !errors.As(r.LastFailure, &fe) || fe.Reason != tt.reason {
				t.Errorf("bad vendor failed with %v, want %s", r.LastFailure, tt.reason)
			}
			if p.State("vendors/good") != pull.Closed {
				t.Error("the healthy vendor's breaker is not closed")
			}
		})
	}
}
