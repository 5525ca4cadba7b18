package grpcserver_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/sas-platform/sas/services/platform/grpcserver"
	"github.com/sas-platform/sas/services/platform/requestid"
)

func TestRequestID(t *testing.T) {
	seen := make(chan string, 1)
	record := func(ctx context.Context) error {
		seen <- requestid.FromContext(ctx)
		return nil
	}
	r := start(t, grpcserver.Options{}, &service{unary: record, stream: record})

	tests := []struct {
		name, sent string
		keep       bool
	}{
		{"generated when absent", "", false},
		{"kept when valid", "0f8fad5b-d9cb-469f-a165-70867728950e", true},
		{"replaced when invalid", `bad id "quoted"`, false},
		{"replaced when too long", strings.Repeat("a", requestid.MaxLen+1), false},
	}
	for _, tt := range tests {
		for _, kind := range []string{"unary", "stream"} {
			t.Run(tt.name+"/"+kind, func(t *testing.T) {
				ctx := callCtx(t)
				if tt.sent != "" {
					ctx = metadata.AppendToOutgoingContext(ctx, requestid.Header, tt.sent)
				}
				header := callWithHeader(t, ctx, r.client, kind)
				got := <-seen
				if returned := header.Get(requestid.Header); len(returned) != 1 || returned[0] != got {
					t.Fatalf("header %v, handler saw %q", returned, got)
				}
				if tt.keep && got != tt.sent || !tt.keep && (got == tt.sent || !requestid.Valid(got)) {
					t.Fatalf("request id %q for sent %q", got, tt.sent)
				}
			})
		}
	}
}

// callWithHeader makes a successful unary or stream call and returns its
// response header.
func callWithHeader(t *testing.T, ctx context.Context, c testgrpc.TestServiceClient, kind string) metadata.MD {
	t.Helper()
	var header metadata.MD
	var err error
	if kind == "unary" {
		_, err = c.UnaryCall(ctx, &testgrpc.SimpleRequest{}, grpc.Header(&header))
	} else {
		header, err = streamCall(ctx, c)
	}
	if err != nil {
		t.Fatalf("%s call: %v", kind, err)
	}
	return header
}

func TestRequestIDInTrailerOnError(t *testing.T) {
	fail := func(context.Context) error { return status.Error(codes.Unavailable, "later") }
	r := start(t, grpcserver.Options{}, &service{unary: fail, stream: fail})
	ctx := metadata.AppendToOutgoingContext(callCtx(t), requestid.Header, "req-failed")

	var header, trailer metadata.MD
	_, err := r.client.UnaryCall(ctx, &testgrpc.SimpleRequest{}, grpc.Header(&header), grpc.Trailer(&trailer))
	if status.Code(err) != codes.Unavailable {
		t.Fatalf("UnaryCall = %v, want Unavailable", err)
	}
	if len(header.Get(requestid.Header)) != 0 || !slices.Equal(trailer.Get(requestid.Header), []string{"req-failed"}) {
		t.Fatalf("unary header %v, trailer %v: want the id in the trailer only", header, trailer)
	}

	st, err := r.client.StreamingOutputCall(ctx, &testgrpc.StreamingOutputCallRequest{})
	if err != nil {
		t.Fatalf("StreamingOutputCall: %v", err)
	}
	if _, err := st.Recv(); status.Code(err) != codes.Unavailable {
		t.Fatalf("Recv = %v, want Unavailable", err)
	}
	if got := st.Trailer().Get(requestid.Header); !slices.Equal(got, []string{"req-failed"}) {
		t.Fatalf("stream trailer %v, want req-failed", st.Trailer())
	}
}
