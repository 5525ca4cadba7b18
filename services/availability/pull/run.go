package pull

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Source tells Run whom to pull from.
type Source interface {
	// Targets returns the vendors configured with a FHIR base URL.
	Targets(ctx context.Context) ([]Target, error)
	// Professionals returns the national ids of the professionals a vendor
	// serves.
	Professionals(ctx context.Context, vendor string) ([]string, error)
}

// Run refreshes every target of src at once, then every period, each vendor
// in a goroutine of its own: a vendor whose refresh is still running when
// the next round comes is left out of that round, so a slow vendor never
// delays the others. Errors of src are logged and the round goes on. Run
// returns nil once ctx ends and the refreshes in flight have stopped.
func (p *Puller) Run(ctx context.Context, every time.Duration, src Source) error {
	if every <= 0 {
		return errors.New("pull run: period is not positive")
	}
	r := &rounds{p: p, src: src, busy: map[string]bool{}}
	defer r.wg.Wait()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		r.round(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// rounds are the refreshes of Run.
type rounds struct {
	p   *Puller
	src Source
	wg  sync.WaitGroup

	mu   sync.Mutex
	busy map[string]bool // vendors being refreshed
}

// round starts a refresh of every target not being refreshed yet.
func (r *rounds) round(ctx context.Context) {
	targets, err := r.src.Targets(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.p.log.WarnContext(ctx, "pull targets", "error", err)
		}
		return
	}
	for _, t := range targets {
		if !r.claim(t.Vendor) {
			r.p.log.DebugContext(ctx, "pull still running", "vendor", t.Vendor)
			continue
		}
		r.wg.Go(func() {
			defer r.release(t.Vendor)
			r.refresh(ctx, t)
		})
	}
}

// claim marks vendor busy, unless it is already.
func (r *rounds) claim(vendor string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.busy[vendor] {
		return false
	}
	r.busy[vendor] = true
	return true
}

// release marks vendor free.
func (r *rounds) release(vendor string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.busy, vendor)
}

// refresh refreshes one target and logs a summary of counts.
func (r *rounds) refresh(ctx context.Context, t Target) {
	ids, err := r.src.Professionals(ctx, t.Vendor)
	if err != nil {
		if ctx.Err() == nil {
			r.p.log.WarnContext(ctx, "pull professionals", "vendor", t.Vendor, "error", err)
		}
		return
	}
	rep, err := r.p.Refresh(ctx, t, ids)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		r.p.log.WarnContext(ctx, "pull refresh", "vendor", t.Vendor, "error", err)
		return
	}
	level := slog.LevelInfo
	attrs := []slog.Attr{slog.String("vendor", t.Vendor), slog.Int("professionals", len(ids)),
		slog.Int("batches", rep.Batches), slog.Int("succeeded", rep.Succeeded), slog.Int("failed", rep.Failed),
		slog.Int("skipped", rep.Skipped), slog.Int("invalid", rep.Invalid), slog.Int("slots", rep.Slots),
		slog.Int("entry_errors", rep.EntryErrors), slog.Duration("duration", rep.Duration),
		slog.String("breaker", r.p.State(t.Vendor).String())}
	if rep.Failed > 0 || rep.Skipped > 0 {
		level = slog.LevelWarn
	}
	if rep.LastFailure != nil {
		attrs = append(attrs, slog.String("last_failure", rep.LastFailure.Error()))
	}
	r.p.log.LogAttrs(ctx, level, "pull refreshed", attrs...)
}
