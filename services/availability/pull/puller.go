package pull

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.opentelemetry.io/otel/metric"

	"github.com/sas-platform/sas/services/availability/fhir"
)

// Target is a vendor to pull from.
type Target struct {
	Vendor  string // "vendors/{id}"
	BaseURL string // the vendor's FHIR base URL, "https://vendor.example/fhir"
	// TLS holds the vendor's client certificate and the roots its server
	// certificate is verified with, for mutual TLS; nil means Go's defaults
	// without a client certificate. The Puller keeps its HTTP client while
	// the same *tls.Config is given (use GetClientCertificate to rotate a
	// certificate), and builds a new one when another is.
	TLS *tls.Config
}

// Report sums up a Refresh.
type Report struct {
	Vendor string
	// Batches is the number of batches; Succeeded + Failed + Skipped is
	// Batches unless the context ended first.
	Batches   int
	Succeeded int // handed to the sink
	Failed    int // failed by the vendor, or refused by the sink
	Skipped   int // not sent: the vendor's breaker was open
	Invalid   int // national ids left out: malformed or given twice
	// Slots and EntryErrors add up the slots and the refused entries of
	// the batches handed to the sink.
	Slots, EntryErrors int
	// LastFailure is the error of the last failed batch, nil when none
	// failed; a *FetchError, or the sink's error.
	LastFailure error
	Duration    time.Duration
}

// Puller pulls free slots from vendors' FHIR servers. It keeps an HTTP client
// and a circuit breaker per vendor; its methods are safe for concurrent use,
// and a vendor's calls never wait on another vendor's.
type Puller struct {
	cfg  Config
	sink Sink
	log  *slog.Logger
	m    *meters

	mu      sync.Mutex // guards vendors; never held during I/O
	vendors map[string]*vendor
}

// New returns a Puller handing what it fetches to sink. A nil log discards;
// a nil meter provider records nothing.
func New(cfg Config, sink Sink, log *slog.Logger, mp metric.MeterProvider) *Puller {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Puller{cfg: cfg.withDefaults(), sink: sink, log: log, m: newMeters(mp, log),
		vendors: map[string]*vendor{}}
}

// ErrTarget is returned by Refresh for a target it cannot pull from.
var ErrTarget = errors.New("bad pull target")

// Refresh fetches the free slots of the professionals (national ids "8"+RPPS
// or "0"+ADELI) from the target's FHIR server over the window [now, now +
// Config.Horizon], batch by batch, and hands each batch to the sink. Failed
// and skipped batches are counted in the Report, not returned: the error is
// ErrTarget for a target without vendor or with a bad base URL, or the
// context's error when it ended first.
func (p *Puller) Refresh(ctx context.Context, t Target, nationalIDs []string) (Report, error) {
	begin := time.Now()
	rep := Report{Vendor: t.Vendor}
	start := p.cfg.Now().UTC().Truncate(time.Second)
	end := start.Add(p.cfg.Horizon)
	if err := checkTarget(t, start, end); err != nil {
		return rep, err
	}
	ids, invalid := validIDs(t.BaseURL, nationalIDs, start, end)
	rep.Invalid = invalid
	v := p.vendor(t)
	batches := split(ids, p.cfg.BatchSize)
	rep.Batches = len(batches)
	err := p.each(ctx, v, batches, func(ids []string) outcome {
		return p.batch(ctx, v, t.BaseURL, Batch{Vendor: t.Vendor, Professionals: ids, Start: start, End: end})
	}, &rep)
	rep.Duration = time.Since(begin)
	return rep, err
}

// Close drops the idle connections to every vendor.
func (p *Puller) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, v := range p.vendors {
		v.close()
	}
}

// State returns the state of a vendor's breaker; Closed for a vendor not
// pulled from yet.
func (p *Puller) State(vendor string) State {
	p.mu.Lock()
	v := p.vendors[vendor]
	p.mu.Unlock()
	if v == nil {
		return Closed
	}
	return v.breaker.current()
}

// vendor returns the state kept of the target's vendor, created on first use.
func (p *Puller) vendor(t Target) *vendor {
	p.mu.Lock()
	v := p.vendors[t.Vendor]
	if v == nil {
		v = &vendor{name: t.Vendor, cfg: p.cfg, inflight: make(chan struct{}, p.cfg.Concurrency)}
		v.breaker = &breaker{failures: p.cfg.BreakerFailures, cooldown: p.cfg.BreakerCooldown, now: p.cfg.Now,
			changed: func(s State) { p.m.state(t.Vendor, s) }}
		p.vendors[t.Vendor] = v
		p.m.state(t.Vendor, Closed)
	}
	p.mu.Unlock()
	v.use(t.TLS)
	return v
}

// checkTarget says why t cannot be pulled from.
func checkTarget(t Target, start, end time.Time) error {
	id, ok := strings.CutPrefix(t.Vendor, "vendors/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return fmt.Errorf("%w: vendor %q is not \"vendors/{id}\"", ErrTarget, t.Vendor)
	}
	if _, err := fhir.SearchQuery(t.BaseURL, []string{"810000000000"}, start, end); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrTarget, t.Vendor, err)
	}
	return nil
}
