package gateway

import (
	"context"
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// routeKey is the context key of the *route of a request.
type routeKey struct{}

// route holds the pattern matched by the mux, filled in after routing so that
// outer middleware can read it once the request is served.
type route struct {
	pattern string
}

// withRoute returns ctx carrying an empty route holder.
func withRoute(ctx context.Context) (context.Context, *route) {
	rt := &route{}
	return context.WithValue(ctx, routeKey{}, rt), rt
}

// setRoute records pattern as the route of r: in the access log holder, as
// the span name and as the http.route attribute of spans and metrics.
func setRoute(r *http.Request, pattern string) {
	ctx := r.Context()
	if rt, ok := ctx.Value(routeKey{}).(*route); ok {
		rt.pattern = pattern
	}
	attr := attribute.String("http.route", pattern)
	span := trace.SpanFromContext(ctx)
	span.SetName(r.Method + " " + pattern)
	span.SetAttributes(attr)
	if l, ok := otelhttp.LabelerFromContext(ctx); ok {
		l.Add(attr)
	}
}
