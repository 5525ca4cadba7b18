package grpcserver

import (
	"context"
	"strings"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"
)

// streamWorkers is how many goroutines serve calls from one to the next:
// as many as search serves at once.
const streamWorkers = 64

func serverOptions(opts Options, rec *recoverer, unary []grpc.UnaryServerInterceptor) []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.StatsHandler(otelgrpc.NewServerHandler(otelOptions(opts)...)),
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(streamChain(opts, rec)...),
		grpc.MaxRecvMsgSize(opts.MaxRecvMsgSize),
		// Calls run on goroutines kept from one call to the next, whose
		// stacks have grown already: a goroutine a call grew its stack
		// at every call, 5 % of sasd's CPU at 80 % cache hits. Past
		// streamWorkers calls at once, a call gets a goroutine of its own.
		grpc.NumStreamWorkers(streamWorkers),
		// Clients may ping every 10s, even without RPCs (the platform's
		// clients ping every 30s).
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{
			MinTime: 10 * time.Second, PermitWithoutStream: true,
		}),
		// Connections are recycled every few minutes so that clients
		// re-resolve DNS and spread over new replicas.
		grpc.KeepaliveParams(keepalive.ServerParameters{
			MaxConnectionIdle:     15 * time.Minute,
			MaxConnectionAge:      5 * time.Minute,
			MaxConnectionAgeGrace: time.Minute,
			Time:                  time.Minute,
			Timeout:               20 * time.Second,
		}),
	}
}

// otelOptions leaves health checks and reflection out of traces and
// metrics: probes would drown the RPCs that matter.
func otelOptions(opts Options) []otelgrpc.Option {
	o := []otelgrpc.Option{otelgrpc.WithFilter(filters.Not(filters.Any(
		filters.HealthCheck(), filters.ServicePrefix("grpc.reflection."),
	)))}
	if opts.TracerProvider != nil {
		o = append(o, otelgrpc.WithTracerProvider(opts.TracerProvider))
	}
	if opts.MeterProvider != nil {
		o = append(o, otelgrpc.WithMeterProvider(opts.MeterProvider))
	}
	if opts.Propagators != nil {
		o = append(o, otelgrpc.WithPropagators(opts.Propagators))
	}
	return o
}

// unaryChain is the order of the unary interceptors: recovery first, so it
// catches panics anywhere after it.
func unaryChain(opts Options, rec *recoverer) []grpc.UnaryServerInterceptor {
	chain := []grpc.UnaryServerInterceptor{
		rec.unary,
		unaryRequestID,
		unaryAccessLog(opts.Logger),
		unaryDeadline(opts.DefaultTimeout),
		unaryAuth(opts.Authenticate),
	}
	return append(chain, opts.ExtraUnary...)
}

// streamChain is unaryChain without the default deadline.
func streamChain(opts Options, rec *recoverer) []grpc.StreamServerInterceptor {
	chain := []grpc.StreamServerInterceptor{
		rec.stream,
		streamRequestID,
		streamAccessLog(opts.Logger),
		streamAuth(opts.Authenticate),
	}
	return append(chain, opts.ExtraStream...)
}

// exempt reports whether fullMethod belongs to health checks or reflection,
// which need no credentials.
func exempt(fullMethod string) bool {
	return strings.HasPrefix(fullMethod, "/grpc.health.v1.Health/") ||
		strings.HasPrefix(fullMethod, "/grpc.reflection.")
}

// chain runs interceptors in order around a handler, as
// grpc.ChainUnaryInterceptor does, for calls that do not go through the
// gRPC server (Local).
func chain(interceptors []grpc.UnaryServerInterceptor) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		next := h
		for i := len(interceptors) - 1; i >= 0; i-- {
			ic, inner := interceptors[i], next
			next = func(ctx context.Context, req any) (any, error) { return ic(ctx, req, info, inner) }
		}
		return next(ctx, req)
	}
}
