package grpcserver_test

import (
	"bytes"
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"

	"github.com/sas-platform/sas/services/platform/grpcserver"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// running is a grpcserver.Server serving on loopback with a client.
type running struct {
	srv    *grpcserver.Server
	conn   *grpc.ClientConn
	client testgrpc.TestServiceClient
	stop   context.CancelFunc
	served chan error
}

// start serves svc with opts until the test ends.
func start(t *testing.T, opts grpcserver.Options, svc testgrpc.TestServiceServer) *running {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	r := &running{srv: grpcserver.New(opts), served: make(chan error, 1)}
	testgrpc.RegisterTestServiceServer(r.srv, svc)
	ctx, stop := context.WithCancel(context.Background())
	r.stop = stop
	go func() { r.served <- r.srv.Serve(ctx, lis) }()
	r.conn, err = grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	r.client = testgrpc.NewTestServiceClient(r.conn)
	t.Cleanup(func() { r.shutdown(t) })
	return r
}

// shutdown stops the server and waits for Serve to return; it is safe to
// call twice.
func (r *running) shutdown(t *testing.T) {
	t.Helper()
	r.stop()
	if r.served != nil {
		if err := waitErr(t, r.served); err != nil {
			t.Errorf("Serve: %v", err)
		}
		r.served = nil
	}
	_ = r.conn.Close()
}

// waitErr receives from c, failing the test after 10s.
func waitErr(t *testing.T, c <-chan error) error {
	t.Helper()
	select {
	case err := <-c:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("timed out waiting")
		return nil
	}
}

// callCtx is a client context with a deadline far beyond the test's needs.
func callCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// syncBuffer is a bytes.Buffer that the server's goroutines may write to
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
