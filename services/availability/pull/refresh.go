package pull

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sas-platform/sas/services/availability/fhir"
)

// outcome is what became of one batch.
type outcome struct {
	kind               string // "succeeded", "failed", "skipped"; "" when abandoned
	slots, entryErrors int
	err                error // why it failed
}

// add counts o in r.
func (r *Report) add(o outcome) {
	switch o.kind {
	case "succeeded":
		r.Succeeded++
		r.Slots += o.slots
		r.EntryErrors += o.entryErrors
	case "failed":
		r.Failed++
		r.LastFailure = o.err
	case "skipped":
		r.Skipped++
	}
}

// each runs do for every batch, at most Config.Concurrency at once for the
// vendor, counting the outcomes in rep; it returns when all are done or ctx
// ended.
func (p *Puller) each(ctx context.Context, v *vendor, batches [][]string, do func([]string) outcome, rep *Report) error {
	var (
		next atomic.Int64
		mu   sync.Mutex
		wg   sync.WaitGroup
	)
	for range min(v.cfg.Concurrency, len(batches)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(batches) && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				o := p.limited(ctx, v, func() outcome { return do(batches[i]) })
				mu.Lock()
				rep.add(o)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// limited runs do once the vendor has room for another batch in flight; a batch meant to
// be skipped does not wait for it.
func (p *Puller) limited(ctx context.Context, v *vendor, do func() outcome) outcome {
	if v.breaker.blocked() {
		return p.skipped(ctx, v)
	}
	select {
	case v.inflight <- struct{}{}:
		defer func() { <-v.inflight }()
		return do()
	case <-ctx.Done():
		return outcome{}
	}
}

// batch fetches b from the vendor, as its breaker allows, and hands it to
// the sink.
func (p *Puller) batch(ctx context.Context, v *vendor, base string, b Batch) outcome {
	ok, probe := v.breaker.allow()
	if !ok {
		return p.skipped(ctx, v)
	}
	err := v.search(ctx, base, &b)
	switch {
	case ctx.Err() != nil:
		v.breaker.done(probe, abandoned)
		return outcome{}
	case err != nil:
		v.breaker.done(probe, failed)
		return p.failed(ctx, v.name, err)
	}
	v.breaker.done(probe, succeeded)
	if err := p.sink.Pulled(ctx, b); err != nil {
		if ctx.Err() != nil {
			return outcome{}
		}
		return p.failed(ctx, v.name, &sinkError{err})
	}
	p.m.batch(ctx, v.name, "succeeded", "", len(b.Result.Slots))
	return outcome{kind: "succeeded", slots: len(b.Result.Slots), entryErrors: len(b.Result.Errors)}
}

// skipped records a batch skipped as the vendor's breaker is open.
func (p *Puller) skipped(ctx context.Context, v *vendor) outcome {
	p.m.batch(ctx, v.name, "skipped", "", 0)
	return outcome{kind: "skipped"}
}

// failed records a failed batch of vendor.
func (p *Puller) failed(ctx context.Context, vendor string, err error) outcome {
	reason := ReasonMalformed // the batch's query could not be built
	var fe *FetchError
	switch {
	case errors.As(err, &fe):
		reason = fe.Reason
	case errors.As(err, new(*sinkError)):
		reason = ReasonSink
	}
	p.m.batch(ctx, vendor, "failed", reason, 0)
	p.log.DebugContext(ctx, "pull batch failed", "vendor", vendor, "reason", string(reason), "error", err)
	return outcome{kind: "failed", err: err}
}

// sinkError is an error of the sink.
type sinkError struct{ err error }

func (e *sinkError) Error() string { return "sink: " + e.err.Error() }
func (e *sinkError) Unwrap() error { return e.err }

// split cuts ids into batches of at most n.
func split(ids []string, n int) [][]string {
	var out [][]string
	for len(ids) > n {
		out = append(out, ids[:n:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

// validIDs returns the national ids a search accepts, each once, in order,
// and how many were left out.
func validIDs(base string, ids []string, start, end time.Time) ([]string, int) {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := fhir.SearchQuery(base, []string{id}, start, end); err == nil {
			out = append(out, id)
		}
	}
	return out, len(ids) - len(out)
}
