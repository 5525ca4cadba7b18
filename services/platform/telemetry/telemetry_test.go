package telemetry_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"

	"github.com/sas-platform/sas/services/platform/telemetry"
)

func setup(t *testing.T, endpoint string) *telemetry.Providers {
	t.Helper()
	p, err := telemetry.Setup(context.Background(), telemetry.Config{
		ServiceName: "directory", ServiceVersion: "1.2.3", OTLPEndpoint: endpoint,
	})
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	return p
}

func shutdown(t *testing.T, p *telemetry.Providers) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

func TestSetupWithoutEndpoint(t *testing.T) {
	p := setup(t, "")
	_, span := p.TracerProvider.Tracer("test").Start(context.Background(), "op")
	if !span.SpanContext().IsValid() {
		t.Fatal("span has no trace id without an endpoint")
	}
	if span.IsRecording() {
		t.Error("span recorded without an endpoint: nothing would export it")
	}
	span.End()
	counter, err := p.MeterProvider.Meter("test").Int64Counter("sas_test_things")
	if err != nil {
		t.Fatalf("Int64Counter: %v", err)
	}
	counter.Add(context.Background(), 1)
	shutdown(t, p)
}

func TestSetupPropagatesW3C(t *testing.T) {
	p := setup(t, "")
	defer shutdown(t, p)
	ctx, span := p.TracerProvider.Tracer("test").Start(context.Background(), "op")
	defer span.End()
	carrier := propagation.MapCarrier{}
	p.Propagators.Inject(ctx, carrier)
	if carrier["traceparent"] == "" {
		t.Fatalf("no traceparent injected: %v", carrier)
	}
	got := trace.SpanContextFromContext(p.Propagators.Extract(context.Background(), carrier))
	if got.TraceID() != span.SpanContext().TraceID() {
		t.Fatalf("extracted trace id %s, want %s", got.TraceID(), span.SpanContext().TraceID())
	}
}

func TestSetupExportsToOTLP(t *testing.T) {
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=pod-7")
	c, addr := startCollector(t)
	p := setup(t, addr)
	_, span := p.TracerProvider.Tracer("test").Start(context.Background(), "search-slots")
	span.End()
	counter, _ := p.MeterProvider.Meter("test").Int64Counter("sas_test_things")
	counter.Add(context.Background(), 2)
	shutdown(t, p)

	traces, metrics := c.received()
	if len(traces) == 0 || len(metrics) == 0 {
		t.Fatalf("collector got %d trace and %d metric exports, want some of each", len(traces), len(metrics))
	}
	rs := traces[0].GetResourceSpans()[0]
	if got := attr(rs.GetResource().GetAttributes(), "service.name"); got != "directory" {
		t.Errorf("service.name = %q, want directory", got)
	}
	if got := attr(rs.GetResource().GetAttributes(), "service.instance.id"); got != "pod-7" {
		t.Errorf("service.instance.id = %q, want pod-7 (OTEL_RESOURCE_ATTRIBUTES)", got)
	}
	if got := rs.GetScopeSpans()[0].GetSpans()[0].GetName(); got != "search-slots" {
		t.Errorf("span name = %q, want search-slots", got)
	}
}

func attr(kvs []*commonpb.KeyValue, key string) string {
	for _, kv := range kvs {
		if kv.GetKey() == key {
			return kv.GetValue().GetStringValue()
		}
	}
	return ""
}

// TestDefaultInstanceID: without OTEL_RESOURCE_ATTRIBUTES, each process
// still has an instance id of its own.
func TestDefaultInstanceID(t *testing.T) {
	c, addr := startCollector(t)
	p := setup(t, addr)
	_, span := p.TracerProvider.Tracer("test").Start(context.Background(), "op")
	span.End()
	shutdown(t, p)
	traces, _ := c.received()
	if len(traces) == 0 {
		t.Fatal("no trace exported")
	}
	host, _ := os.Hostname()
	want := fmt.Sprintf("%s-%d", host, os.Getpid())
	if got := attr(traces[0].GetResourceSpans()[0].GetResource().GetAttributes(), "service.instance.id"); got != want {
		t.Errorf("service.instance.id = %q, want %q", got, want)
	}
}

func TestSetupRejectsBadEndpoint(t *testing.T) {
	for _, ep := range []string{"ftp://collector:4317", "http://", "http://%zz"} {
		if _, err := telemetry.Setup(context.Background(), telemetry.Config{ServiceName: "x", OTLPEndpoint: ep}); err == nil {
			t.Errorf("Setup(%q) = nil error", ep)
		}
	}
}

func TestSetGlobal(t *testing.T) {
	p := setup(t, "")
	defer shutdown(t, p)
	t.Cleanup(func() {
		otel.SetTracerProvider(tracenoop.NewTracerProvider())
		otel.SetMeterProvider(metricnoop.NewMeterProvider())
		otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator())
	})
	p.SetGlobal()
	if otel.GetTracerProvider() != p.TracerProvider || otel.GetMeterProvider() != p.MeterProvider {
		t.Fatal("globals not set")
	}
}
