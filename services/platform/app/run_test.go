package app_test

import (
	"context"
	"io"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/sas-platform/sas/services/platform/app"
)

// TestReadyHoldsServing: a service with Ready reports NOT_SERVING until it
// is closed, then SERVING; the process itself ("", liveness) serves at once.
func TestReadyHoldsServing(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	addrs := make(chan string, 1)
	p := app.Process{
		Name: "test",
		Services: []app.Service{
			{Names: []string{"test.Slow"}, Ready: ready, Register: func(context.Context, *app.App, grpc.ServiceRegistrar) error { return nil }},
			{Names: []string{"test.Quick"}, Register: func(context.Context, *app.App, grpc.ServiceRegistrar) error { return nil }},
		},
		Banner: func(_ io.Writer, g, _ string) { addrs <- g },
	}
	done := make(chan error, 1)
	go func() {
		done <- p.Run(ctx, []string{"-grpc-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-log-level", "error"},
			app.IO{Getenv: func(string) string { return "" }, Stdout: io.Discard, Stderr: io.Discard})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	var addr string
	select {
	case addr = <-addrs:
	case err := <-done:
		t.Fatalf("stopped at start: %v", err)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	health := healthpb.NewHealthClient(conn)
	status := func(service string) healthpb.HealthCheckResponse_ServingStatus {
		resp, err := health.Check(ctx, &healthpb.HealthCheckRequest{Service: service})
		if err != nil {
			t.Fatalf("health of %q: %v", service, err)
		}
		return resp.GetStatus()
	}
	serving := healthpb.HealthCheckResponse_SERVING
	if got := status("test.Slow"); got != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("test.Slow before ready: %v", got)
	}
	if status("test.Quick") != serving || status("") != serving {
		t.Errorf("test.Quick %v, process %v: want both SERVING", status("test.Quick"), status(""))
	}
	close(ready)
	for deadline := time.Now().Add(5 * time.Second); status("test.Slow") != serving; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("test.Slow not SERVING 5 s after ready")
		}
	}
}
