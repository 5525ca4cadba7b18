// Package grpcclient dials the platform's gRPC services: round-robin over
// every address of a headless Kubernetes service, retries of UNAVAILABLE
// answers, keepalive, OpenTelemetry through the otelgrpc stats handler, and
// the request id of the caller's context passed on.
package grpcclient

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
)

// MaxRecvMsgSize is the largest response accepted, as large as the largest
// request the platform's servers accept.
const MaxRecvMsgSize = 16 << 20

// ServiceConfig is the default service config: round robin over the
// resolved addresses, and up to 4 attempts of calls answered UNAVAILABLE,
// backing off from 0.1s to 2s. Service configs from DNS are ignored.
const ServiceConfig = `{
  "loadBalancingConfig": [{"round_robin": {}}],
  "methodConfig": [{
    "name": [{}],
    "retryPolicy": {
      "maxAttempts": 4,
      "initialBackoff": "0.1s",
      "maxBackoff": "2s",
      "backoffMultiplier": 2,
      "retryableStatusCodes": ["UNAVAILABLE"]
    }
  }]
}`

// Options configure a client connection. The zero value works.
type Options struct {
	// TracerProvider, MeterProvider and Propagators feed otelgrpc; nil
	// means the OpenTelemetry globals.
	TracerProvider trace.TracerProvider
	MeterProvider  metric.MeterProvider
	Propagators    propagation.TextMapPropagator

	// TLS secures the connection; nil means plain text.
	TLS *tls.Config
	// Dialer, when set, opens the connections, e.g. to a bufconn listener
	// with a "passthrough:///name" target.
	Dialer func(ctx context.Context, addr string) (net.Conn, error)
	// DialOptions come after the package's own, and so override them.
	DialOptions []grpc.DialOption
}

// Dial returns a client connection to target ("dns:///directory:9090",
// "unix:///run/sas.sock", "passthrough:///bufnet", or "host:port", which
// resolves through DNS). Like grpc.NewClient, it connects on first use.
func Dial(target string, opts Options) (*grpc.ClientConn, error) {
	conn, err := grpc.NewClient(target, dialOptions(opts)...)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", target, err)
	}
	return conn, nil
}

func dialOptions(opts Options) []grpc.DialOption {
	o := []grpc.DialOption{
		grpc.WithTransportCredentials(transportCredentials(opts.TLS)),
		grpc.WithDefaultServiceConfig(ServiceConfig),
		grpc.WithDisableServiceConfig(),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{
			Time: 30 * time.Second, Timeout: 10 * time.Second, PermitWithoutStream: true,
		}),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(MaxRecvMsgSize)),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler(otelOptions(opts)...)),
		grpc.WithChainUnaryInterceptor(unaryRequestID),
		grpc.WithChainStreamInterceptor(streamRequestID),
	}
	if opts.Dialer != nil {
		o = append(o, grpc.WithContextDialer(opts.Dialer))
	}
	return append(o, opts.DialOptions...)
}

func transportCredentials(cfg *tls.Config) credentials.TransportCredentials {
	if cfg == nil {
		return insecure.NewCredentials()
	}
	return credentials.NewTLS(cfg)
}

func otelOptions(opts Options) []otelgrpc.Option {
	var o []otelgrpc.Option
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
