package pull

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
)

// Metrics of a Puller, each with the attribute "vendor" ("vendors/{id}").
const (
	// SlotsMetric counts the slots handed to the sink.
	SlotsMetric = "sas_availability_pull_slots"
	// BatchesMetric counts batches by "outcome" (succeeded, failed,
	// skipped), failed ones also by "reason" (a Reason).
	BatchesMetric = "sas_availability_pull_batches"
	// BreakerMetric is the state of the vendor's breaker: 0 closed, 1
	// half-open, 2 open.
	BreakerMetric = "sas_availability_pull_breaker_state"
)

const meterName = "github.com/sas-platform/sas/services/availability/pull"

// meters records a Puller's metrics.
type meters struct {
	slots   metric.Int64Counter
	batches metric.Int64Counter
	breaker metric.Int64Gauge
}

// newMeters creates the instruments of mp, or of otel's noop provider when
// mp is nil; an instrument that cannot be created is a noop, logged.
func newMeters(mp metric.MeterProvider, log *slog.Logger) *meters {
	if mp == nil {
		mp = noop.NewMeterProvider()
	}
	m := mp.Meter(meterName)
	var errs [3]error
	ms := &meters{}
	ms.slots, errs[0] = m.Int64Counter(SlotsMetric, metric.WithUnit("{slot}"),
		metric.WithDescription("Slots pulled from vendors' FHIR servers."))
	ms.batches, errs[1] = m.Int64Counter(BatchesMetric, metric.WithUnit("{batch}"),
		metric.WithDescription("Batches of professionals pulled from vendors, by outcome."))
	ms.breaker, errs[2] = m.Int64Gauge(BreakerMetric, metric.WithUnit("1"),
		metric.WithDescription("State of a vendor's circuit breaker: 0 closed, 1 half-open, 2 open."))
	for _, err := range errs {
		if err != nil {
			log.Warn("create pull metrics", "error", err)
		}
	}
	if errs[0] != nil {
		ms.slots = noop.Int64Counter{}
	}
	if errs[1] != nil {
		ms.batches = noop.Int64Counter{}
	}
	if errs[2] != nil {
		ms.breaker = noop.Int64Gauge{}
	}
	return ms
}

// batch records the outcome of a batch of vendor, with its reason when it
// failed.
func (m *meters) batch(ctx context.Context, vendor, outcome string, reason Reason, slots int) {
	attrs := []attribute.KeyValue{attribute.String("vendor", vendor), attribute.String("outcome", outcome)}
	if reason != "" {
		attrs = append(attrs, attribute.String("reason", string(reason)))
	}
	m.batches.Add(ctx, 1, metric.WithAttributes(attrs...))
	if slots > 0 {
		m.slots.Add(ctx, int64(slots), metric.WithAttributes(attrs[0]))
	}
}

// state records the state of vendor's breaker.
func (m *meters) state(vendor string, s State) {
	m.breaker.Record(context.Background(), int64(s), metric.WithAttributes(attribute.String("vendor", vendor)))
}
