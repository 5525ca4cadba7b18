// Package gateway serves the REST/JSON API of every SAS service by
// translating HTTP requests into gRPC calls on one client connection, so that
// every gRPC interceptor of the server (auth, audit, limits) runs on REST too.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
)

// ErrNoConn is returned by New when Options.Conn is nil.
var ErrNoConn = errors.New("gateway: no gRPC client connection")

// Options configures the gateway built by New.
type Options struct {
	// Logger receives one access log line per request; slog.Default() when nil.
	Logger *slog.Logger
	// Conn is a client connection to the gRPC server that hosts the services
	// (in sasd: an in-memory or unix-socket connection to the local server, so
	// every gRPC interceptor — auth, audit, limits — runs on REST too).
	Conn *grpc.ClientConn
	// Conns, when set, calls a platform service (Accounts, Directory,
	// Availability, Search) on a connection of its own, the services being
	// deployed apart; the others go to Conn.
	Conns map[string]*grpc.ClientConn
	// Local, when set, is what the REST routes call the services through
	// instead of Conn: in sasd, its own services in memory, through every
	// interceptor but without HTTP/2 (grpcserver.Server.Local).
	Local grpc.ClientConnInterface
	// TracerProvider traces HTTP requests; the global provider when nil.
	TracerProvider trace.TracerProvider
	// MeterProvider records HTTP metrics; the global provider when nil.
	MeterProvider metric.MeterProvider
	// Propagators extract trace context from HTTP headers; the global ones when nil.
	Propagators propagation.TextMapPropagator
	// Extra routes served beside the API (path pattern of http.ServeMux →
	// handler), e.g. sasd's development OIDC issuer.
	Extra map[string]http.Handler
	// MaxInFlight bounds the requests served at once; the excess gets 429
	// at once (DefaultMaxInFlight when 0).
	MaxInFlight int
}

// New returns the HTTP handler of the gateway: every service's REST routes,
// /openapi.json, /healthz and /readyz, wrapped with tracing, request ids and
// access logging.
func New(ctx context.Context, opts Options) (http.Handler, error) {
	if opts.Conn == nil {
		return nil, ErrNoConn
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	mux := newMux()
	if err := register(ctx, mux, opts); err != nil {
		return nil, fmt.Errorf("register services: %w", err)
	}
	if err := handleProbes(mux, opts.Conn); err != nil {
		return nil, fmt.Errorf("register probes: %w", err)
	}
	var root http.Handler = mux
	if len(opts.Extra) > 0 {
		sm := http.NewServeMux()
		sm.Handle("/", mux)
		for pattern, h := range opts.Extra {
			sm.Handle(pattern, h)
		}
		root = sm
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = DefaultMaxInFlight
	}
	mp := opts.MeterProvider
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	rejected, err := mp.Meter("github.com/sas-platform/sas/services/gateway").Int64Counter("sas.gateway.overload.rejected",
		metric.WithDescription("REST requests refused with 429 because SAS_MAX_IN_FLIGHT were under way"), metric.WithUnit("{request}"))
	if err != nil {
		return nil, err
	}
	h := withRequestID(accessLog(opts.Logger, root))
	return limitInFlight(opts.MaxInFlight, rejected, traced(h, opts)), nil
}
