// Package shutdown closes what a program opened, in the reverse order of
// opening, under one deadline.
package shutdown

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Stack is a last-in first-out stack of closers. The zero value is ready to
// use; a Stack is safe for concurrent use.
type Stack struct {
	mu      sync.Mutex
	closers []closer
	closed  bool
}

type closer struct {
	name string
	fn   func(context.Context) error
}

// Push adds fn, named name in errors, to be run by Close before every closer
// pushed earlier. Push after Close panics: what it would close would leak.
func (s *Stack) Push(name string, fn func(context.Context) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		panic("shutdown: Push(" + name + ") after Close")
	}
	s.closers = append(s.closers, closer{name: name, fn: fn})
}

// Close runs every closer, the last pushed first, even when some fail or ctx
// is done (each closer gets ctx and should give up when it is). It returns
// the errors joined, each wrapped with its closer's name. Calls after the
// first do nothing and return nil.
func (s *Stack) Close(ctx context.Context) error {
	s.mu.Lock()
	closers := s.closers
	s.closers, s.closed = nil, true
	s.mu.Unlock()

	var errs []error
	for i := len(closers) - 1; i >= 0; i-- {
		if err := closers[i].fn(ctx); err != nil {
			errs = append(errs, fmt.Errorf("close %s: %w", closers[i].name, err))
		}
	}
	return errors.Join(errs...)
}
