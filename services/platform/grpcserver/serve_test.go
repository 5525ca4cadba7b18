package grpcserver_test

import (
	"context"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"

	"github.com/sas-platform/sas/services/platform/grpcserver"
)

// blocking is a service whose unary call signals entered, then waits for
// release or the end of its context.
func blocking() (svc *service, entered chan struct{}, release chan struct{}) {
	entered, release = make(chan struct{}), make(chan struct{})
	svc = &service{unary: func(ctx context.Context) error {
		close(entered)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		}
	}}
	return svc, entered, release
}

// inFlight starts a unary call and returns where its error will go once
// the handler is running.
func inFlight(t *testing.T, r *running, entered chan struct{}) chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := r.client.UnaryCall(callCtx(t), &testgrpc.SimpleRequest{})
		done <- err
	}()
	select {
	case <-entered:
	case err := <-done:
		t.Fatalf("call ended before its handler ran: %v", err)
	}
	return done
}

func TestServeDrainsGracefully(t *testing.T) {
	svc, entered, release := blocking()
	r := start(t, grpcserver.Options{ShutdownGrace: time.Minute}, svc)
	watchCtx, stopWatch := context.WithCancel(callCtx(t))
	watch, err := healthpb.NewHealthClient(r.conn).Watch(watchCtx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	expectStatus(t, watch, healthpb.HealthCheckResponse_SERVING)
	call := inFlight(t, r, entered)

	r.stop()
	expectStatus(t, watch, healthpb.HealthCheckResponse_NOT_SERVING)
	select {
	case err := <-r.served:
		t.Fatalf("Serve returned %v with an RPC in flight", err)
	default:
	}
	stopWatch()
	close(release)
	if err := waitErr(t, call); err != nil {
		t.Fatalf("in-flight call: %v", err)
	}
	if err := waitErr(t, r.served); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	r.served = nil
}

func expectStatus(t *testing.T, w healthpb.Health_WatchClient, want healthpb.HealthCheckResponse_ServingStatus) {
	t.Helper()
	resp, err := w.Recv()
	if err != nil || resp.GetStatus() != want {
		t.Fatalf("Watch = %v, %v; want %v", resp.GetStatus(), err, want)
	}
}

func TestServeForcesStopAfterGrace(t *testing.T) {
	svc, entered, _ := blocking()
	r := start(t, grpcserver.Options{ShutdownGrace: 50 * time.Millisecond}, svc)
	call := inFlight(t, r, entered)

	r.stop()
	if err := waitErr(t, r.served); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	r.served = nil
	if err := waitErr(t, call); status.Code(err) == codes.OK {
		t.Fatal("call in flight past the grace period succeeded")
	}
	resp, err := r.srv.Health.Check(context.Background(), &healthpb.HealthCheckRequest{})
	if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("health after shutdown = %v, %v; want NOT_SERVING", resp.GetStatus(), err)
	}
}

func TestServeReportsListenerError(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	_ = lis.Close()
	srv := grpcserver.New(grpcserver.Options{})
	if err := srv.Serve(context.Background(), lis); err == nil {
		t.Fatal("Serve on a closed listener = nil")
	}
}
