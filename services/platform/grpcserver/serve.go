package grpcserver

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"time"

	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// SetServing sets the grpc.health.v1 status of service ("" for the whole
// server). It has no effect once Serve has begun shutting down.
func (s *Server) SetServing(service string, serving bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if serving {
		st = healthpb.HealthCheckResponse_SERVING
	}
	s.Health.SetServingStatus(service, st)
}

// Serve serves on every listener (the TCP port, and in sasd an in-memory
// one for the gateway) until ctx is done, then shuts down: every health
// status turns NOT_SERVING, RPCs in flight get ShutdownGrace to finish, and
// those still running after it are cancelled. It returns nil once stopped,
// or the first error that stopped serving before ctx was done.
func (s *Server) Serve(ctx context.Context, listeners ...net.Listener) error {
	served := make(chan error, len(listeners))
	for _, lis := range listeners {
		go func() { served <- s.GRPC.Serve(lis) }()
	}
	var err error
	select {
	case err = <-served:
		if err != nil {
			err = fmt.Errorf("serve grpc: %w", err)
		}
		listeners = listeners[1:]
	case <-ctx.Done():
	}
	s.stop()
	for range listeners {
		<-served // Serve returns nil after GracefulStop or Stop.
	}
	return err
}

// stop drains the server: NOT_SERVING, GracefulStop, and Stop after the
// grace period. Open health Watch streams and other long streams hold
// GracefulStop until then.
func (s *Server) stop() {
	s.Health.Shutdown()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		s.GRPC.GracefulStop()
	}()
	timer := time.NewTimer(s.grace)
	defer timer.Stop()
	select {
	case <-stopped:
		return
	case <-timer.C:
	}
	s.log.Warn("grpc shutdown grace period expired, cancelling RPCs in flight", slog.Duration("grace", s.grace))
	s.GRPC.Stop()
	<-stopped
}
