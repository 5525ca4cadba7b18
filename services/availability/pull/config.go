package pull

import (
	"time"

	"github.com/sas-platform/sas/services/availability/fhir"
)

// Defaults of Config.
const (
	DefaultTimeout         = 7 * time.Second
	DefaultBatchSize       = fhir.MaxSearchProfessionals
	DefaultConcurrency     = 4
	DefaultAttempts        = 3
	DefaultBackoffBase     = 200 * time.Millisecond
	DefaultBackoffMax      = 2 * time.Second
	DefaultBreakerFailures = 5
	DefaultBreakerCooldown = 30 * time.Second
	DefaultHorizon         = 14 * 24 * time.Hour
	DefaultMaxPages        = 20
)

// Config tunes a Puller; zero values take the defaults.
type Config struct {
	// Timeout bounds each HTTP request to a vendor, body included, each
	// attempt and each page on its own. DefaultTimeout (7 s) when 0.
	Timeout time.Duration
	// BatchSize is the most professionals of one search, DefaultBatchSize
	// (25) when 0, and never more.
	BatchSize int
	// Concurrency is the most batches in flight per vendor, across all the
	// Refresh calls of that vendor. DefaultConcurrency (4) when 0.
	Concurrency int
	// Attempts is the most tries of one request, the first included
	// (DefaultAttempts, 3, when 0). Only network errors, timeouts, 429 and
	// 5xx are tried again; other 4xx and undecodable documents are not.
	Attempts int
	// BackoffBase and BackoffMax shape the wait before try n+1: BackoffBase
	// × 2^(n-1), at most BackoffMax, of which a random half is taken off
	// (jitter). A vendor's Retry-After lengthens it up to BackoffMax.
	// DefaultBackoffBase (200 ms) and DefaultBackoffMax (2 s) when 0.
	BackoffBase, BackoffMax time.Duration
	// BreakerFailures consecutive failed batches open a vendor's breaker
	// (DefaultBreakerFailures, 5, when 0). While open, its batches are
	// skipped at once; after BreakerCooldown (DefaultBreakerCooldown, 30 s,
	// when 0) it is half-open and lets one batch through: success closes
	// it, failure opens it again.
	BreakerFailures int
	BreakerCooldown time.Duration
	// Horizon is how far ahead slots are asked for: the window is [now, now
	// + Horizon]. DefaultHorizon (14 days) when 0.
	Horizon time.Duration
	// MaxPages is the most searchset pages followed for one batch
	// (DefaultMaxPages, 20, when 0); a batch with more fails.
	MaxPages int
	// Now is the clock of the window and the breakers; time.Now when nil.
	Now func() time.Time
}

// withDefaults returns c with its zero values replaced by the defaults.
func (c Config) withDefaults() Config {
	c.Timeout = or(c.Timeout, DefaultTimeout)
	c.BatchSize = min(or(c.BatchSize, DefaultBatchSize), fhir.MaxSearchProfessionals)
	c.Concurrency = or(c.Concurrency, DefaultConcurrency)
	c.Attempts = or(c.Attempts, DefaultAttempts)
	c.BackoffBase = or(c.BackoffBase, DefaultBackoffBase)
	c.BackoffMax = max(or(c.BackoffMax, DefaultBackoffMax), c.BackoffBase)
	c.BreakerFailures = or(c.BreakerFailures, DefaultBreakerFailures)
	c.BreakerCooldown = or(c.BreakerCooldown, DefaultBreakerCooldown)
	c.Horizon = or(c.Horizon, DefaultHorizon)
	c.MaxPages = or(c.MaxPages, DefaultMaxPages)
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// or returns v, or def when v is not positive.
func or[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
