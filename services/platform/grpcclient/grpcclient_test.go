package grpcclient_test

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/sas-platform/sas/services/platform/grpcclient"
	"github.com/sas-platform/sas/services/platform/requestid"
)

func TestRetriesUnavailable(t *testing.T) {
	tests := []struct {
		failures int
		want     codes.Code
		attempts int
	}{
		{failures: 0, want: codes.OK, attempts: 1},
		{failures: 3, want: codes.OK, attempts: 4},
		{failures: 10, want: codes.Unavailable, attempts: 4},
	}
	for _, tt := range tests {
		svc := &service{failures: tt.failures}
		lis := loopback(t)
		serve(t, lis, svc)
		client, _ := dial(t, lis.Addr().String(), grpcclient.Options{})

		ctx := requestid.NewContext(callCtx(t), "req-retry")
		_, err := client.UnaryCall(ctx, &testgrpc.SimpleRequest{})
		if status.Code(err) != tt.want {
			t.Errorf("%d failures: call = %v, want %v", tt.failures, err, tt.want)
		}
		ids := svc.seen()
		if len(ids) != tt.attempts || slices.ContainsFunc(ids, func(id string) bool { return id != "req-retry" }) {
			t.Errorf("%d failures: attempts saw request ids %v, want %d times req-retry", tt.failures, ids, tt.attempts)
		}
	}
}

func TestPropagatesRequestID(t *testing.T) {
	svc := &service{}
	lis := loopback(t)
	serve(t, lis, svc)
	client, _ := dial(t, lis.Addr().String(), grpcclient.Options{})

	ctx := requestid.NewContext(callCtx(t), "req-unary")
	if _, err := client.UnaryCall(ctx, &testgrpc.SimpleRequest{}); err != nil {
		t.Fatalf("UnaryCall: %v", err)
	}
	ctx = requestid.NewContext(callCtx(t), "req-stream")
	if err := drain(client.StreamingOutputCall(ctx, &testgrpc.StreamingOutputCallRequest{})); err != nil {
		t.Fatalf("StreamingOutputCall: %v", err)
	}
	ctx = metadata.AppendToOutgoingContext(requestid.NewContext(callCtx(t), "req-ctx"), requestid.Header, "req-explicit")
	if _, err := client.UnaryCall(ctx, &testgrpc.SimpleRequest{}); err != nil {
		t.Fatalf("UnaryCall: %v", err)
	}
	if got, want := svc.seen(), []string{"req-unary", "req-stream", "req-explicit"}; !slices.Equal(got, want) {
		t.Fatalf("server saw %v, want %v", got, want)
	}
}

// drain reads a server stream to its end.
func drain(st testgrpc.TestService_StreamingOutputCallClient, err error) error {
	for err == nil {
		_, err = st.Recv()
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

func TestDialer(t *testing.T) {
	lis := bufconn.Listen(1 << 20)
	serve(t, lis, &service{})
	dialer := func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }
	client, _ := dial(t, "passthrough:///bufnet", grpcclient.Options{Dialer: dialer})
	if _, err := client.UnaryCall(callCtx(t), &testgrpc.SimpleRequest{}); err != nil {
		t.Fatalf("UnaryCall over bufconn: %v", err)
	}
}

func TestUnixSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "grpc.sock")
	lis, err := net.Listen("unix", path)
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	serve(t, lis, &service{})
	client, _ := dial(t, "unix://"+path, grpcclient.Options{})
	if _, err := client.UnaryCall(callCtx(t), &testgrpc.SimpleRequest{}); err != nil {
		t.Fatalf("UnaryCall over a unix socket: %v", err)
	}
}
