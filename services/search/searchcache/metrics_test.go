package searchcache

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sas-platform/sas/services/platform/cache/memory"
	"github.com/sas-platform/sas/services/search/index"
)

// collect returns the points of the cache's metrics, by instrument name
// and attribute set.
func collect(t *testing.T, r *sdkmetric.ManualReader) map[string]map[string]int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			points := map[string]int64{}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					points[p.Attributes.Encoded(attribute.DefaultEncoder())] = p.Value
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					points[p.Attributes.Encoded(attribute.DefaultEncoder())] = p.Value
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					points[p.Attributes.Encoded(attribute.DefaultEncoder())] = int64(p.Count)
				}
			}
			out[m.Name] = points
		}
	}
	return out
}

// attrs returns the encoding of an attribute set, the keys of collect.
func attrs(kv ...attribute.KeyValue) string {
	set := attribute.NewSet(kv...)
	return set.Encoded(attribute.DefaultEncoder())
}

func TestMetrics(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	fl := &flaky{Cache: memory.New(0)}
	f := newFixture(t, fl, Config{Meter: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)), Retry: time.Hour})
	f.search(at(nantes))
	f.search(at(nantes))
	f.apply(func(w *index.Writer) { w.PutSlot(slotMsg("new", "p2", "s2", 2*time.Hour)) })
	hit, miss := attrs(attribute.String("outcome", "hit")), attrs(attribute.String("outcome", "miss"))
	bypass := attrs(attribute.String("outcome", "bypass"))
	cells := func(deferred bool) string {
		return attrs(attribute.String("kind", "cells"), attribute.Bool("deferred", deferred))
	}
	got := collect(t, reader)
	for name, want := range map[string]map[string]int64{
		"sas.search.cache.requests":      {hit: 1, miss: 1},
		"sas.search.cache.duration":      {hit: 1, miss: 1},
		"sas.search.cache.invalidations": {cells(false): 1},
		"sas.search.cache.removed":       {attrs(): 1},
		"sas.search.cache.available":     {attrs(): 1},
	} {
		for set, v := range want {
			if got[name][set] != v {
				t.Errorf("%s{%s} = %d, want %d", name, set, got[name][set], v)
			}
		}
	}
	fl.failing.Store(true)
	f.search(at(nantes))
	f.apply(func(w *index.Writer) { w.DeleteSlot("slots/new") })
	got = collect(t, reader)
	if got["sas.search.cache.requests"][bypass] != 1 || got["sas.search.cache.available"][attrs()] != 0 ||
		got["sas.search.cache.invalidations"][cells(true)] != 1 {
		t.Errorf("after a failure: %v", got)
	}
}
