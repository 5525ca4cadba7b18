package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlpmetric/otlpmetricgrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// newExporters returns the OTLP/gRPC span exporter and periodic metric
// reader for endpoint. Neither connects before its first export.
func newExporters(ctx context.Context, endpoint string) (sdktrace.SpanExporter, sdkmetric.Reader, error) {
	if err := checkEndpoint(endpoint); err != nil {
		return nil, nil, err
	}
	spans, err := otlptracegrpc.New(ctx, traceOptions(endpoint)...)
	if err != nil {
		return nil, nil, fmt.Errorf("otlp trace exporter: %w", err)
	}
	metrics, err := otlpmetricgrpc.New(ctx, metricOptions(endpoint)...)
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("otlp metric exporter: %w", err), spans.Shutdown(ctx))
	}
	return spans, sdkmetric.NewPeriodicReader(metrics), nil
}

// hasScheme reports whether endpoint is a URL, whose scheme then decides
// TLS (https) or plain text (http); a bare "host:port" is plain text.
func hasScheme(endpoint string) bool {
	return strings.Contains(endpoint, "://")
}

// checkEndpoint rejects URLs the exporters would silently ignore.
func checkEndpoint(endpoint string) error {
	if !hasScheme(endpoint) {
		return nil
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return fmt.Errorf("otlp endpoint: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("otlp endpoint %q: want host:port, http://host:port or https://host:port", endpoint)
	}
	return nil
}

func traceOptions(endpoint string) []otlptracegrpc.Option {
	if hasScheme(endpoint) {
		return []otlptracegrpc.Option{otlptracegrpc.WithEndpointURL(endpoint)}
	}
	return []otlptracegrpc.Option{otlptracegrpc.WithEndpoint(endpoint), otlptracegrpc.WithInsecure()}
}

func metricOptions(endpoint string) []otlpmetricgrpc.Option {
	if hasScheme(endpoint) {
		return []otlpmetricgrpc.Option{otlpmetricgrpc.WithEndpointURL(endpoint)}
	}
	return []otlpmetricgrpc.Option{otlpmetricgrpc.WithEndpoint(endpoint), otlpmetricgrpc.WithInsecure()}
}
