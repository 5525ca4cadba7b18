package authn

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"

	"github.com/sas-platform/sas/services/platform/apierr"
)

// limiter counts failed sign-ins per client over a sliding window and
// refuses a client that failed max times within it, until the window passes.
type limiter struct {
	max    int
	window time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
}

func newLimiter(max int, window time.Duration) *limiter {
	if max <= 0 {
		max = 5
	}
	return &limiter{max: max, window: window, failures: map[string][]time.Time{}}
}

func (l *limiter) recent(key string, now time.Time) []time.Time {
	fs := l.failures[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) > l.window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.failures, key)
	} else {
		l.failures[key] = fs
	}
	return fs
}

func (l *limiter) check(key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	fs := l.recent(key, now)
	if len(fs) >= l.max {
		wait := l.window - now.Sub(fs[0])
		return apierr.Reason(codes.ResourceExhausted, "TOO_MANY_FAILED_SIGN_INS",
			fmt.Sprintf("%d failed sign-ins in %s; retry in %s", len(fs), l.window, wait.Round(time.Second)), map[string]string{"retry_after": wait.Round(time.Second).String()})
	}
	return nil
}

func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) > 100_000 {
		clear(l.failures) // bounded memory under a flood of made-up client ids
	}
	l.failures[key] = append(l.recent(key, time.Now()), time.Now())
}

// peerKey identifies the caller of an ID-token sign-in: the client address
// forwarded by the gateway, else the connection's address.
func peerKey(ctx context.Context) string {
	if v := metadata.ValueFromIncomingContext(ctx, "x-forwarded-for"); len(v) > 0 {
		return v[0]
	}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		if host, _, err := net.SplitHostPort(p.Addr.String()); err == nil {
			return host
		}
		return p.Addr.String()
	}
	return "unknown"
}
