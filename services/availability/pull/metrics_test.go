package pull_test

import (
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sas-platform/sas/services/availability/pull"
)

// TestMetrics counts slots and batches per vendor and reports breaker states.
func TestMetrics(t *testing.T) {
	noLeaks(t)
	reader := sdkmetric.NewManualReader()
	cfg := config(newClock())
	cfg.Concurrency = 1
	p := pull.New(cfg, &sink{}, nil, sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)))
	defer p.Close()
	good, bad := startVendor(t, oneSlotEach), startVendor(t, status(500))
	ids := nationalIDs(6 * 25)
	for _, tg := range []pull.Target{good.target(t, "vendors/good"), bad.target(t, "vendors/bad")} {
		if _, err := p.Refresh(t.Context(), tg, ids); err != nil {
			t.Fatal(err)
		}
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(t.Context(), &rm); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		pull.SlotsMetric + " vendors/good":                150,
		pull.BatchesMetric + " vendors/good succeeded":    6,
		pull.BatchesMetric + " vendors/bad failed status": 5,
		pull.BatchesMetric + " vendors/bad skipped":       1,
		pull.BreakerMetric + " vendors/good":              0,
		pull.BreakerMetric + " vendors/bad":               int64(pull.Open),
	}
	got := points(rm)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("points %v, want %v", got, want)
	}
}

// points returns the int64 points of rm by name and attribute values.
func points(rm metricdata.ResourceMetrics) map[string]int64 {
	out := map[string]int64{}
	key := func(name string, set attribute.Set) string {
		for _, k := range []attribute.Key{"vendor", "outcome", "reason"} {
			if v, ok := set.Value(k); ok {
				name += " " + v.AsString()
			}
		}
		return name
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					out[key(m.Name, dp.Attributes)] = dp.Value
				}
			case metricdata.Gauge[int64]:
				for _, dp := range d.DataPoints {
					out[key(m.Name, dp.Attributes)] = dp.Value
				}
			}
		}
	}
	return out
}
