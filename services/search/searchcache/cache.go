package searchcache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/cache"
)

// Defaults of Config.
const (
	DefaultTTL       = 2 * time.Minute
	DefaultOpTimeout = 50 * time.Millisecond
	DefaultRetry     = time.Second
	DefaultNear      = 64 << 20
)

// Config configures New. Zero fields take the defaults documented on them;
// Cache is required.
type Config struct {
	// Cache holds the entries: rediscache shared by the replicas, or memory.
	Cache cache.Cache
	// TTL bounds how long an entry is kept (default DefaultTTL). It only
	// bounds memory: correctness comes from invalidation, and keys carry
	// the minute, so an entry is kept until its minute is over anyway.
	TTL time.Duration
	// OpTimeout bounds each cache call (default DefaultOpTimeout), so that
	// a hung Redis never holds a search for long.
	OpTimeout time.Duration
	// Retry is how long the cache is bypassed after an error before one
	// search probes it again (default DefaultRetry).
	Retry time.Duration
	// Near is how many bytes of its own answers the process keeps in front
	// of Cache (default DefaultNear; negative: none, as when Cache is itself
	// in process). See near.
	Near int64
	// Now is the clock of Invalidate, which must agree with the now given
	// to Search (default time.Now).
	Now func() time.Time
	// Meter makes the metrics; nil makes none.
	Meter metric.MeterProvider
	// Log receives the cache's failures and recoveries; nil discards them.
	Log *slog.Logger
}

// Outcome says how a search was answered.
type Outcome string

// Outcomes of Search.
const (
	// OutcomeHit: answered from the cache.
	OutcomeHit Outcome = "hit"
	// OutcomeNear: answered from the answers this process computed and
	// keeps in front of the cache (see Config.Near).
	OutcomeNear Outcome = "near"
	// OutcomeMiss: computed, then stored (or computed by a concurrent
	// search of the same key and shared).
	OutcomeMiss Outcome = "miss"
	// OutcomeBypass: computed without the cache, which is failing, too
	// slow for this search, or has invalidations to replay.
	OutcomeBypass Outcome = "bypass"
	// OutcomeSkip: computed without the cache because the answer is not
	// cacheable (see Cache.Search).
	OutcomeSkip Outcome = "skip"
)

// ComputeFunc answers a normalized search at a time: the index's Search.
// It is an alias, so that any function of this type can be passed.
type ComputeFunc = func(ctx context.Context, req *searchv1.SearchSlotsRequest, now time.Time) (*searchv1.SearchSlotsResponse, error)

// Cache caches searches. It is safe for concurrent use; it starts no
// goroutine and does not own Config.Cache.
type Cache struct {
	store  cache.Cache
	ttl    time.Duration
	opTime time.Duration
	now    func() time.Time
	log    *slog.Logger
	m      metrics
	flight flight
	health health
	seen   changes
	near   near
}

// New returns a cache over cfg.Cache.
func New(cfg Config) (*Cache, error) {
	if cfg.Cache == nil {
		return nil, errors.New("search cache: Cache is required")
	}
	if cfg.Meter == nil {
		cfg.Meter = noop.NewMeterProvider()
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Cache{store: cfg.Cache, ttl: orDefault(cfg.TTL, DefaultTTL), opTime: orDefault(cfg.OpTimeout, DefaultOpTimeout),
		now: cfg.Now, log: cfg.Log}
	c.health.init(orDefault(cfg.Retry, DefaultRetry))
	switch {
	case cfg.Near == 0:
		c.near.init(DefaultNear)
	case cfg.Near > 0:
		c.near.init(cfg.Near)
	}
	var err error
	if c.m, err = newMetrics(cfg.Meter); err != nil {
		return nil, fmt.Errorf("search cache metrics: %w", err)
	}
	c.m.setAvailable(true)
	return c, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Search answers req at now: the index's answer to Normalize(req, now), from
// the cache when it holds it, else from compute, which gets the normalized
// request and time and whose answer is stored (errors are not). A cache
// failure never fails a search: compute answers instead.
//
// A search for the patient's own doctor is not cached (OutcomeSkip): its key
// is the patient's, so regulators would not share it, and its answer
// depends on the doctor's places anywhere in France, beyond the cells that
// invalidation reports (a change to a doctor without slots reports none).
//
// A postal code or département search without a shuffle seed gets the seed
// of the cached answer: regulators of one minute share an order.
func (c *Cache) Search(ctx context.Context, req *searchv1.SearchSlotsRequest, now time.Time, compute ComputeFunc) (*searchv1.SearchSlotsResponse, Outcome, error) {
	start := time.Now()
	q := query{now: now}
	q.norm, q.key, q.at = Normalize(req, now)
	res, out, err := c.search(ctx, q, compute)
	c.m.request(ctx, out, time.Since(start))
	return res, out, err
}

// query is a normalized search.
type query struct {
	norm    *searchv1.SearchSlotsRequest
	key     string
	at, now time.Time
}

// search answers q.
func (c *Cache) search(ctx context.Context, q query, compute ComputeFunc) (*searchv1.SearchSlotsResponse, Outcome, error) {
	if q.norm.GetPatientDoctor() != "" {
		res, err := compute(ctx, q.norm, q.at)
		return res, OutcomeSkip, err
	}
	if b := c.near.get(q.key, q.now); b != nil {
		if res, err := decodeEntry(b); err == nil {
			return res, OutcomeNear, nil
		}
	}
	if !c.admit(ctx) {
		res, err := c.bypass(ctx, q, compute)
		return res, OutcomeBypass, err
	}
	res, err := c.get(ctx, q.key)
	switch {
	case err == nil:
		return res, OutcomeHit, nil
	case !errors.Is(err, cache.ErrMiss): // do not wait on a write either
		res, err := c.bypass(ctx, q, compute)
		return res, OutcomeBypass, err
	}
	res, err = c.fill(ctx, q, compute)
	return res, OutcomeMiss, err
}

// bypass computes q without the shared cache, and keeps the answer near:
// the process's own answers stay fresh whatever the shared cache does.
func (c *Cache) bypass(ctx context.Context, q query, compute ComputeFunc) (*searchv1.SearchSlotsResponse, error) {
	since := c.seen.last()
	res, err := compute(ctx, q.norm, q.at)
	if err != nil || c.near.max <= 0 {
		return res, err
	}
	if b, cells := c.encode(ctx, res); b != nil {
		c.keepNear(q, b, cells, since)
	}
	return res, nil
}

// get returns the entry of key with one GET, the whole of a hit's cost, or
// cache.ErrMiss; an entry that does not decode is a miss, overwritten next.
func (c *Cache) get(ctx context.Context, key string) (*searchv1.SearchSlotsResponse, error) {
	opCtx, cancel := context.WithTimeout(ctx, c.opTime)
	defer cancel()
	b, err := c.store.Get(opCtx, key)
	if err != nil {
		switch {
		case errors.Is(err, cache.ErrMiss):
			c.health.ok()
		case c.slow(ctx, err):
			c.m.slowCall(ctx, "get")
		default:
			c.failed(ctx, "get", err)
		}
		return nil, err
	}
	c.health.ok()
	res, err := decodeEntry(b)
	if err != nil {
		c.log.WarnContext(ctx, "search cache: undecodable entry", "key", key, "error", err)
		return nil, cache.ErrMiss
	}
	return res, nil
}

// passed are the fields of an answer that a hit passes on as they are.
var passed = func() map[protowire.Number]bool {
	fields := (&searchv1.SearchSlotsResponse{}).ProtoReflect().Descriptor().Fields()
	return map[protowire.Number]bool{fields.ByName("results").Number(): true, fields.ByName("patient_doctor").Number(): true}
}()

// decodeEntry decodes the small fields of an entry (territory, centre,
// radius, totals, page token) and keeps its results, nearly all of its
// bytes, encoded as they are: they are unknown to the message returned, and
// go out on the wire unchanged, as the same fields, instead of being decoded
// into thousands of objects and encoded again at every hit. b is the
// caller's own: the results alias it when they follow one another in it,
// as put writes them, so that a hit copies none of them.
func decodeEntry(b []byte) (*searchv1.SearchSlotsResponse, error) {
	var small, results []byte
	start, end := 0, 0 // the passed fields are b[start:end] while they are contiguous
	for off := 0; off < len(b); {
		num, typ, n := protowire.ConsumeTag(b[off:])
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		m := protowire.ConsumeFieldValue(num, typ, b[off+n:])
		if m < 0 {
			return nil, protowire.ParseError(m)
		}
		next := off + n + m
		switch {
		case !passed[num]:
			small = append(small, b[off:next]...)
		case results == nil && (end == 0 || end == off):
			if end == 0 {
				start = off
			}
			end = next
		default:
			if results == nil {
				results = append(make([]byte, 0, len(b)), b[start:end]...)
			}
			results = append(results, b[off:next]...)
		}
		off = next
	}
	if results == nil {
		results = b[start:end:end]
	}
	res := &searchv1.SearchSlotsResponse{}
	if err := proto.Unmarshal(small, res); err != nil {
		return nil, err
	}
	if u := res.ProtoReflect().GetUnknown(); len(u) > 0 {
		results = append(append(make([]byte, 0, len(u)+len(results)), u...), results...) // fields of no known kind: keep them too
	}
	res.ProtoReflect().SetUnknown(results)
	return res, nil
}

// fill computes q once per key at a time in the process, and stores the
// answer. The lock is per process only: a computation takes under a
// millisecond, about what a Redis lock round trip costs, so replicas
// computing one key at once waste less than locking across them would.
func (c *Cache) fill(ctx context.Context, q query, compute ComputeFunc) (*searchv1.SearchSlotsResponse, error) {
	res, err, shared := c.flight.do(ctx, q.key, func() (*searchv1.SearchSlotsResponse, error) {
		since := c.seen.last()
		res, err := compute(ctx, q.norm, q.at)
		if err != nil {
			return nil, err
		}
		b, cells := c.encode(ctx, res)
		if b == nil {
			return res, nil
		}
		c.put(ctx, q, b, cells, since)
		c.keepNear(q, b, cells, since)
		// Answer as a hit does, from the entry's bytes: its results then go
		// out as they are instead of being encoded a second time (6 % of
		// a miss's CPU in sasd).
		if enc, err := decodeEntry(b); err == nil {
			res = enc
		}
		return res, nil
	})
	if shared && isContextErr(err) && ctx.Err() == nil {
		return compute(ctx, q.norm, q.at) // the first caller gave up, not us
	}
	if shared && err == nil {
		res = proto.CloneOf(res) // each caller owns its answer
	}
	return res, err
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
