package pull

import (
	"sync"
	"time"
)

// State is the state of a vendor's circuit breaker, as the breaker gauge
// reports it.
type State int

// States of a breaker.
const (
	Closed   State = iota // batches go through
	HalfOpen              // one batch goes through to probe the vendor
	Open                  // batches are skipped
)

// String names the state.
func (s State) String() string {
	switch s {
	case Closed:
		return "closed"
	case HalfOpen:
		return "half-open"
	default:
		return "open"
	}
}

// verdict is what became of a batch, as the breaker counts it.
type verdict int

const (
	succeeded verdict = iota // the vendor answered
	failed                   // the vendor failed the batch
	abandoned                // neither: the context ended first
)

// breaker counts a vendor's consecutive failed batches. Its methods are safe
// for concurrent use and do no I/O.
type breaker struct {
	failures int           // consecutive failures that open it
	cooldown time.Duration // how long it stays open
	now      func() time.Time
	changed  func(State) // called on each change of state, under mu

	mu       sync.Mutex
	state    State
	run      int       // consecutive failed batches
	openedAt time.Time // when it last opened
	probing  bool      // a half-open probe is in flight
}

// allow says whether a batch may go, and whether it is the probe of a
// half-open breaker; each allowed batch must be reported to done.
func (b *breaker) allow() (ok, probe bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == Open && b.now().Sub(b.openedAt) >= b.cooldown {
		b.set(HalfOpen)
	}
	switch {
	case b.state == Closed:
		return true, false
	case b.state == HalfOpen && !b.probing:
		b.probing = true
		return true, true
	default:
		return false, false
	}
}

// done records what became of an allowed batch.
func (b *breaker) done(probe bool, v verdict) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	switch v {
	case succeeded:
		b.run = 0
		b.set(Closed)
	case failed:
		b.run++
		if probe || (b.state == Closed && b.run >= b.failures) {
			b.openedAt = b.now()
			b.set(Open)
		}
	}
}

// blocked says whether the breaker is open and not yet cooled down, without
// changing it.
func (b *breaker) blocked() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state == Open && b.now().Sub(b.openedAt) < b.cooldown
}

// current returns the state.
func (b *breaker) current() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state
}

// set changes the state, telling changed.
func (b *breaker) set(s State) {
	if b.state == s {
		return
	}
	b.state = s
	if b.changed != nil {
		b.changed(s)
	}
}
