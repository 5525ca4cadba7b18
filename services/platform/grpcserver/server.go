// Package grpcserver builds the gRPC servers of the services: interceptors
// (recovery, request id, access log, default deadline, authentication),
// OpenTelemetry tracing and metrics through the otelgrpc stats handler,
// grpc.health.v1, reflection, keepalive, and a graceful Serve.
package grpcserver

import (
	"context"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
)

// Defaults of Options.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultMaxRecvMsgSize = 16 << 20
	DefaultShutdownGrace  = 10 * time.Second
)

// Authenticator checks the credentials of a call to fullMethod and returns
// ctx carrying the caller's principal. An error that is not a gRPC status
// becomes codes.Unauthenticated.
type Authenticator func(ctx context.Context, fullMethod string) (context.Context, error)

// Options configure a Server. The zero value works.
type Options struct {
	// Logger gets one line per RPC and the panics; build it with
	// logging.New so lines carry trace and request ids. Nil discards.
	Logger *slog.Logger

	// TracerProvider, MeterProvider and Propagators feed otelgrpc; nil
	// means the OpenTelemetry globals.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	Propagators    propagation.TextMapPropagator

	// DefaultTimeout bounds unary RPCs whose caller set no deadline
	// (default 30s). Streaming RPCs are not bounded.
	DefaultTimeout time.Duration
	// Authenticate checks every call but health checks and reflection;
	// nil allows all.
	Authenticate Authenticator
	// MaxRecvMsgSize is the largest request accepted (default 16 MiB).
	MaxRecvMsgSize int
	// ShutdownGrace is how long Serve waits for RPCs in flight before
	// cancelling them (default 10s).
	ShutdownGrace time.Duration

	// ExtraUnary and ExtraStream run after authentication, in order.
	ExtraUnary  []grpc.UnaryServerInterceptor
	ExtraStream []grpc.StreamServerInterceptor
}

// Server is a gRPC server with its health service. Register services on
// GRPC before calling Serve.
type Server struct {
	GRPC   *grpc.Server
	Health *health.Server

	log     *slog.Logger
	grace   time.Duration
	unary   grpc.UnaryServerInterceptor // the interceptors' chain, for Local
	methods map[string]method           // by full method name, for Local
}

// New builds a Server with health and reflection registered. The overall
// health ("") starts SERVING, as grpc-go's health server does; a named
// service is unknown to health checks until SetServing names it.
func New(opts Options) *Server {
	opts = withDefaults(opts)
	rec := newRecoverer(opts.Logger, opts.MeterProvider)
	unary := unaryChain(opts, rec)
	s := &Server{
		GRPC:    grpc.NewServer(serverOptions(opts, rec, unary)...),
		Health:  health.NewServer(),
		log:     opts.Logger,
		grace:   opts.ShutdownGrace,
		unary:   chain(unary),
		methods: map[string]method{},
	}
	healthgrpc.RegisterHealthServer(s.GRPC, s.Health)
	reflection.Register(s.GRPC)
	return s
}

func withDefaults(opts Options) Options {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.DefaultTimeout <= 0 {
		opts.DefaultTimeout = DefaultTimeout
	}
	if opts.MaxRecvMsgSize <= 0 {
		opts.MaxRecvMsgSize = DefaultMaxRecvMsgSize
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = DefaultShutdownGrace
	}
	return opts
}
