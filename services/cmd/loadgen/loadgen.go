// Package loadgen drives a fixed request rate at a function and reports
// latency percentiles, for the load runs of `make bench`. It is open-loop:
// each request is timed from when it was due, not from when a worker got to
// it, so a slow server shows as latency instead of silently lowering the
// rate (coordinated omission).
package loadgen

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// minPause is the shortest sleep between requests: above 1,000 requests a
// second they go in bursts of those due, each timed from when it was due.
const minPause = time.Millisecond

// Config is one run.
type Config struct {
	// Rate in requests per second; 0 runs closed-loop, each worker as fast
	// as it can.
	Rate float64
	// Duration of the run; Count bounds it too when set.
	Duration time.Duration
	Count    int
	// Workers running requests at once (default 64); a due request waits
	// for a free worker, and that wait counts in its latency.
	Workers int
}

// Result sums a run up.
type Result struct {
	Sent, Failed  int
	Elapsed       time.Duration
	P50, P90, P99 time.Duration
	Max           time.Duration
	// Errors counts failures by message (the first 10 kinds).
	Errors map[string]int
}

// Throughput is the rate of successful requests.
func (r Result) Throughput() float64 {
	return float64(r.Sent-r.Failed) / r.Elapsed.Seconds()
}

// String is a one-line summary.
func (r Result) String() string {
	return fmt.Sprintf("%d requests (%d failed) in %s: %.0f/s, p50 %s p90 %s p99 %s max %s",
		r.Sent, r.Failed, r.Elapsed.Round(time.Millisecond), r.Throughput(),
		ms(r.P50), ms(r.P90), ms(r.P99), ms(r.Max))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// Run calls fn at cfg's rate; i numbers the requests from 0.
func Run(ctx context.Context, cfg Config, fn func(ctx context.Context, i int) error) Result {
	if cfg.Workers <= 0 {
		cfg.Workers = 64
	}
	if cfg.Duration <= 0 && cfg.Count <= 0 {
		cfg.Duration = 10 * time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.Duration > 0 {
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	type job struct {
		i   int
		due time.Time
	}
	jobs := make(chan job, cfg.Workers)
	var mu sync.Mutex
	var lat []time.Duration
	res := Result{Errors: map[string]int{}}
	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Go(func() {
			for j := range jobs {
				// A request already due keeps its own deadline after the run ends.
				err := fn(context.WithoutCancel(ctx), j.i)
				d := time.Since(j.due)
				mu.Lock()
				lat = append(lat, d)
				if err != nil {
					res.Failed++
					if _, ok := res.Errors[err.Error()]; ok || len(res.Errors) < 10 {
						res.Errors[err.Error()]++
					}
				}
				mu.Unlock()
			}
		})
	}
	start := time.Now()
	pause := time.NewTimer(time.Hour)
	defer pause.Stop()
	for i := 0; cfg.Count <= 0 || i < cfg.Count; i++ {
		due := time.Now()
		if cfg.Rate > 0 {
			due = start.Add(time.Duration(float64(i) / cfg.Rate * float64(time.Second)))
			if wait := time.Until(due); wait > 0 {
				// Sleep at least minPause, then send all that came due: at
				// thousands a second, a wake-up a request cost the
				// generator CPU that it shares with the server measured.
				pause.Reset(max(wait, minPause))
				select {
				case <-ctx.Done():
				case <-pause.C:
				}
			}
		}
		if ctx.Err() != nil {
			break
		}
		sent := false
		select {
		case jobs <- job{i, due}:
			sent = true
		case <-ctx.Done():
		}
		if !sent {
			break
		}
		res.Sent++
	}
	close(jobs)
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	res.P50, res.P90, res.P99 = pct(0.50), pct(0.90), pct(0.99)
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}
	return res
}
