// Package telemetry builds the OpenTelemetry tracer and meter providers of a
// service. It returns them instead of installing them as globals: main
// decides, with SetGlobal.
package telemetry

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// Config says what a service is and where its telemetry goes.
type Config struct {
	ServiceName    string
	ServiceVersion string
	// OTLPEndpoint is the OTLP/gRPC collector, as "host:port" (plain text),
	// "http://host:port" (plain text) or "https://host:port" (TLS). Empty
	// means no export.
	OTLPEndpoint string
}

// Providers are the telemetry providers of a service.
type Providers struct {
	TracerProvider *sdktrace.TracerProvider
	MeterProvider  *sdkmetric.MeterProvider
	// Propagators carry W3C trace context and baggage.
	Propagators propagation.TextMapPropagator
}

// Setup builds the providers for cfg. With an OTLPEndpoint, spans are
// batched and metrics pushed periodically to it over gRPC. Without one,
// spans are not recorded (they still get trace and span ids, so logs
// correlate, but nothing is exported) and the meter provider has no reader
// (instruments record nothing). The OTEL_* environment variables the SDK
// reads (sampler, export interval, resource attributes) still apply with an
// endpoint.
func Setup(ctx context.Context, cfg Config) (*Providers, error) {
	res, err := newResource(ctx, cfg)
	if err != nil {
		return nil, err
	}
	tpOpts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	mpOpts := []sdkmetric.Option{sdkmetric.WithResource(res)}
	if cfg.OTLPEndpoint != "" {
		spans, reader, err := newExporters(ctx, cfg.OTLPEndpoint)
		if err != nil {
			return nil, err
		}
		tpOpts = append(tpOpts, sdktrace.WithBatcher(spans))
		mpOpts = append(mpOpts, sdkmetric.WithReader(reader))
	} else {
		// Nothing would read what spans record: they only carry ids. Recording
		// them cost a tenth of the CPU of a search served from the cache.
		tpOpts = append(tpOpts, sdktrace.WithSampler(sdktrace.NeverSample()))
	}
	return &Providers{
		TracerProvider: sdktrace.NewTracerProvider(tpOpts...),
		MeterProvider:  sdkmetric.NewMeterProvider(mpOpts...),
		Propagators:    propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}, nil
}

// newResource describes the service: OTEL_RESOURCE_ATTRIBUTES and
// OTEL_SERVICE_NAME, overridden by the non-empty fields of cfg. The instance
// id defaults to host name and process id, so that the replicas of a service
// stay apart even where no one sets it.
func newResource(ctx context.Context, cfg Config) (*resource.Resource, error) {
	var attrs []attribute.KeyValue
	if cfg.ServiceName != "" {
		attrs = append(attrs, semconv.ServiceName(cfg.ServiceName))
	}
	if cfg.ServiceVersion != "" {
		attrs = append(attrs, semconv.ServiceVersion(cfg.ServiceVersion))
	}
	host, _ := os.Hostname()
	res, err := resource.New(ctx,
		resource.WithAttributes(semconv.ServiceInstanceID(fmt.Sprintf("%s-%d", cmp.Or(host, "localhost"), os.Getpid()))),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(attrs...),
	)
	if err != nil {
		return nil, fmt.Errorf("telemetry resource: %w", err)
	}
	return res, nil
}

// Shutdown flushes and stops both providers, returning their errors joined.
func (p *Providers) Shutdown(ctx context.Context) error {
	return errors.Join(p.TracerProvider.Shutdown(ctx), p.MeterProvider.Shutdown(ctx))
}

// SetGlobal installs the providers and propagators as the OpenTelemetry
// globals, for libraries that only read those. Only main should call it.
func (p *Providers) SetGlobal() {
	otel.SetTracerProvider(p.TracerProvider)
	otel.SetMeterProvider(p.MeterProvider)
	otel.SetTextMapPropagator(p.Propagators)
}
