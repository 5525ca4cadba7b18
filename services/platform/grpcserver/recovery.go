package grpcserver

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// PanicsMetric counts the panics recovered from handlers, by rpc.method.
// otelgrpc records durations and sizes but not these.
const PanicsMetric = "sas_grpc_server_panics"

const meterName = "github.com/sas-platform/sas/services/platform/grpcserver"

// recoverer turns panics into codes.Internal, logging the stack.
type recoverer struct {
	log    *slog.Logger
	panics metric.Int64Counter
}

func newRecoverer(log *slog.Logger, mp metric.MeterProvider) *recoverer {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	counter, err := mp.Meter(meterName).Int64Counter(PanicsMetric,
		metric.WithDescription("Panics recovered from gRPC handlers."), metric.WithUnit("{panic}"))
	if err != nil {
		log.Warn("create panic counter", "error", err)
		counter = noop.Int64Counter{}
	}
	return &recoverer{log: log, panics: counter}
}

// recovered records panic p of method and returns what the client gets: no
// details. It must be called from the deferred function that recovered, so
// the stack still shows where the panic happened.
func (r *recoverer) recovered(ctx context.Context, method string, p any) error {
	r.panics.Add(ctx, 1, metric.WithAttributes(attribute.String("rpc.method", method)))
	r.log.ErrorContext(ctx, "grpc handler panic",
		slog.String("method", method), slog.String("code", codes.Internal.String()),
		slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
	return status.Error(codes.Internal, "internal error")
}

func (r *recoverer) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if p := recover(); p != nil {
			resp, err = nil, r.recovered(ctx, info.FullMethod, p)
		}
	}()
	return h(ctx, req)
}

func (r *recoverer) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = r.recovered(ss.Context(), info.FullMethod, p)
		}
	}()
	return h(srv, ss)
}
