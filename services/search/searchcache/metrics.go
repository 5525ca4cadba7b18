package searchcache

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// metrics are the cache's instruments. Attribute sets are made once: the
// hit path allocates nothing for them.
type metrics struct {
	requests  metric.Int64Counter
	duration  metric.Float64Histogram
	cells     metric.Int64Counter
	keys      metric.Int64Counter
	available metric.Int64Gauge
	slow      metric.Int64Counter
	outcomes  map[Outcome]metric.MeasurementOption
	ops       map[string]metric.MeasurementOption
	kinds     [2][2]metric.MeasurementOption // [all][deferred]
}

// durationBounds suit answers from a tenth of a millisecond (a hit) to the
// op timeout and beyond (a search computed over a large territory).
var durationBounds = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}

func newMetrics(mp metric.MeterProvider) (metrics, error) {
	meter := mp.Meter("github.com/sas-platform/sas/services/search/searchcache")
	var m metrics
	var err [6]error
	m.requests, err[0] = meter.Int64Counter("sas.search.cache.requests", metric.WithUnit("{search}"),
		metric.WithDescription("Searches through the cache, by outcome: hit, near (hit in process), miss, bypass (cache failing), skip (not cacheable)."))
	m.duration, err[1] = meter.Float64Histogram("sas.search.cache.duration", metric.WithUnit("s"),
		metric.WithDescription("Time to answer a search through the cache, by outcome."),
		metric.WithExplicitBucketBoundaries(durationBounds...))
	m.cells, err[2] = meter.Int64Counter("sas.search.cache.invalidations", metric.WithUnit("{cell}"),
		metric.WithDescription("Cells invalidated (1 for all), by kind (cells, all) and whether deferred until the cache is back."))
	m.keys, err[3] = meter.Int64Counter("sas.search.cache.removed", metric.WithUnit("{entry}"),
		metric.WithDescription("Entries removed by invalidations."))
	m.available, err[4] = meter.Int64Gauge("sas.search.cache.available",
		metric.WithDescription("1 while the cache serves searches, 0 while they bypass it."))
	m.slow, err[5] = meter.Int64Counter("sas.search.cache.slow", metric.WithUnit("{call}"),
		metric.WithDescription("Cache calls (get, set) that ran out of time while others succeeded: the search was computed, the cache stayed up."))
	m.ops = map[string]metric.MeasurementOption{}
	for _, op := range []string{"get", "set"} {
		m.ops[op] = metric.WithAttributeSet(attribute.NewSet(attribute.String("op", op)))
	}
	m.outcomes = map[Outcome]metric.MeasurementOption{}
	for _, o := range []Outcome{OutcomeHit, OutcomeNear, OutcomeMiss, OutcomeBypass, OutcomeSkip} {
		m.outcomes[o] = metric.WithAttributeSet(attribute.NewSet(attribute.String("outcome", string(o))))
	}
	for i, kind := range []string{"cells", "all"} {
		for j, deferred := range []bool{false, true} {
			m.kinds[i][j] = metric.WithAttributeSet(attribute.NewSet(attribute.String("kind", kind), attribute.Bool("deferred", deferred)))
		}
	}
	for _, e := range err {
		if e != nil {
			return m, e
		}
	}
	return m, nil
}

// request measures one search.
func (m *metrics) request(ctx context.Context, o Outcome, d time.Duration) {
	attrs := m.outcomes[o]
	m.requests.Add(ctx, 1, attrs)
	m.duration.Record(ctx, d.Seconds(), attrs)
}

// invalidated counts an invalidation of n cells, or of all.
func (m *metrics) invalidated(ctx context.Context, n int, all, deferred bool) {
	if all {
		n = 1
	}
	m.cells.Add(ctx, int64(n), m.kinds[b2i(all)][b2i(deferred)])
}

// slowCall counts a cache call of op that ran out of time (see Cache.slow).
func (m *metrics) slowCall(ctx context.Context, op string) { m.slow.Add(ctx, 1, m.ops[op]) }

// removed counts entries removed.
func (m *metrics) removed(ctx context.Context, n int) { m.keys.Add(ctx, int64(n)) }

// setAvailable records whether the cache serves searches.
func (m *metrics) setAvailable(up bool) { m.available.Record(context.Background(), int64(b2i(up))) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
