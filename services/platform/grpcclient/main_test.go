package grpcclient_test

import (
	"context"
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"

	"github.com/sas-platform/sas/services/platform/grpcclient"
	"github.com/sas-platform/sas/services/platform/grpcserver"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// serve runs a grpcserver.Server with svc on lis until the test ends.
func serve(t *testing.T, lis net.Listener, svc testgrpc.TestServiceServer) {
	t.Helper()
	srv := grpcserver.New(grpcserver.Options{ShutdownGrace: time.Second})
	testgrpc.RegisterTestServiceServer(srv.GRPC, svc)
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, lis) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
}

// dial returns a client of the test service at target, closed when the
// test ends.
func dial(t *testing.T, target string, opts grpcclient.Options) (testgrpc.TestServiceClient, *grpc.ClientConn) {
	t.Helper()
	conn, err := grpcclient.Dial(target, opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return testgrpc.NewTestServiceClient(conn), conn
}

// loopback listens on a free loopback port.
func loopback(t *testing.T) net.Listener {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	return lis
}

// callCtx is a client context with a deadline far beyond the test's needs.
func callCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}
