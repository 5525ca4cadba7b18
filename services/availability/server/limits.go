package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/sas-platform/sas/services/platform/apierr"
)

// rateRefresh is how long a vendor's configured push rate is trusted.
const rateRefresh = time.Minute

// limiters holds one token bucket per vendor, in slots a second with one
// second of burst: a vendor over its rate gets RESOURCE_EXHAUSTED at once,
// never a queue that would slow the others.
type limiters struct {
	rates PushRates
	def   int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	rate    float64 // slots a second
	tokens  float64
	last    time.Time
	checked time.Time // when rate was read
}

func newLimiters(rates PushRates, def int, now func() time.Time) *limiters {
	return &limiters{rates: rates, def: def, now: now, buckets: map[string]*bucket{}}
}

// take takes n slots from vendor's bucket.
func (l *limiters) take(ctx context.Context, vendor string, n int) error {
	now := l.now()
	l.mu.Lock()
	b := l.buckets[vendor]
	stale := b == nil || now.Sub(b.checked) > rateRefresh
	l.mu.Unlock()
	if stale {
		rate := l.def
		if l.rates != nil {
			if r, err := l.rates(ctx, vendor); err == nil && r > 0 {
				rate = r
			}
		}
		l.mu.Lock()
		if b = l.buckets[vendor]; b == nil {
			b = &bucket{tokens: float64(rate), last: now}
			l.buckets[vendor] = b
		}
		b.rate, b.checked = float64(rate), now
		l.mu.Unlock()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b.tokens = min(b.rate, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	// A batch larger than the whole burst passes when the bucket is full.
	need := min(float64(n), b.rate)
	if b.tokens < need {
		wait := time.Duration((need - b.tokens) / b.rate * float64(time.Second))
		return apierr.Reason(codes.ResourceExhausted, "PUSH_RATE_EXCEEDED",
			fmt.Sprintf("%s pushes over its limit of %.0f slots a second: retry in %s", vendor, b.rate, wait.Round(time.Millisecond)),
			map[string]string{"retry_after_ms": fmt.Sprint(wait.Milliseconds())})
	}
	b.tokens -= need
	return nil
}
