package gateway

import (
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
)

// traced wraps h with OpenTelemetry tracing and metrics, using the providers
// and propagators of opts when set. Probe requests are not traced.
func traced(h http.Handler, opts Options) http.Handler {
	o := []otelhttp.Option{otelhttp.WithFilter(notProbe)}
	if opts.TracerProvider != nil {
		o = append(o, otelhttp.WithTracerProvider(opts.TracerProvider))
	}
	if opts.MeterProvider != nil {
		o = append(o, otelhttp.WithMeterProvider(opts.MeterProvider))
	}
	if opts.Propagators != nil {
		o = append(o, otelhttp.WithPropagators(opts.Propagators))
	}
	return otelhttp.NewHandler(h, "gateway", o...)
}

// notProbe reports whether r is not a liveness or readiness probe.
func notProbe(r *http.Request) bool {
	return r.URL.Path != "/healthz" && r.URL.Path != "/readyz"
}
