package grpcserver_test

import (
	"context"
	"testing"
	"time"

	testgrpc "google.golang.org/grpc/interop/grpc_testing"

	"github.com/sas-platform/sas/services/platform/grpcserver"
)

// remaining is how long a handler had left, or -1 without a deadline.
func remaining(ctx context.Context) time.Duration {
	d, ok := ctx.Deadline()
	if !ok {
		return -1
	}
	return time.Until(d)
}

func TestDefaultDeadline(t *testing.T) {
	left := make(chan time.Duration, 1)
	record := func(ctx context.Context) error {
		left <- remaining(ctx)
		return nil
	}
	r := start(t, grpcserver.Options{DefaultTimeout: 7 * time.Second}, &service{unary: record, stream: record})

	if _, err := r.client.UnaryCall(context.Background(), &testgrpc.SimpleRequest{}); err != nil {
		t.Fatalf("UnaryCall: %v", err)
	}
	if got := <-left; got <= 0 || got > 7*time.Second {
		t.Errorf("unary without deadline had %v left, want (0, 7s]", got)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := r.client.UnaryCall(ctx, &testgrpc.SimpleRequest{}); err != nil {
		t.Fatalf("UnaryCall: %v", err)
	}
	if got := <-left; got <= 7*time.Second {
		t.Errorf("unary with a 1m deadline had %v left, want the caller's deadline", got)
	}

	if _, err := streamCall(context.Background(), r.client); err != nil {
		t.Fatalf("StreamingOutputCall: %v", err)
	}
	if got := <-left; got != -1 {
		t.Errorf("stream without deadline had %v left, want none", got)
	}
}
