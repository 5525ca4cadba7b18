package grpcserver_test

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	"github.com/sas-platform/sas/services/platform/grpcserver"
)

type principalKey struct{}

// tokenAuth accepts "good", refuses "bad" with a plain error and anything
// else with Unauthenticated.
func tokenAuth(ctx context.Context, _ string) (context.Context, error) {
	switch v := metadata.ValueFromIncomingContext(ctx, "authorization"); {
	case len(v) == 1 && v[0] == "good":
		return context.WithValue(ctx, principalKey{}, "alice"), nil
	case len(v) == 1 && v[0] == "bad":
		return nil, errors.New("signature mismatch")
	}
	return nil, status.Error(codes.Unauthenticated, "missing token")
}

func TestAuthenticate(t *testing.T) {
	principals := make(chan any, 1)
	record := func(ctx context.Context) error {
		principals <- ctx.Value(principalKey{})
		return nil
	}
	r := start(t, grpcserver.Options{Authenticate: tokenAuth}, &service{unary: record, stream: record})
	withToken := func(tok string) context.Context {
		return metadata.AppendToOutgoingContext(callCtx(t), "authorization", tok)
	}

	for _, tok := range []string{"", "bad"} {
		if _, err := r.client.UnaryCall(withToken(tok), &testgrpc.SimpleRequest{}); status.Code(err) != codes.Unauthenticated {
			t.Errorf("unary with token %q: %v, want Unauthenticated", tok, err)
		}
		if _, err := streamCall(withToken(tok), r.client); status.Code(err) != codes.Unauthenticated {
			t.Errorf("stream with token %q: %v, want Unauthenticated", tok, err)
		}
	}
	if _, err := r.client.UnaryCall(withToken("good"), &testgrpc.SimpleRequest{}); err != nil {
		t.Fatalf("unary with good token: %v", err)
	}
	if p := <-principals; p != "alice" {
		t.Fatalf("handler saw principal %v, want alice", p)
	}
	if len(principals) != 0 {
		t.Fatal("a refused call reached the handler")
	}
	assertHealthAndReflectionOpen(t, r)
}

func assertHealthAndReflectionOpen(t *testing.T, r *running) {
	t.Helper()
	if _, err := healthpb.NewHealthClient(r.conn).Check(callCtx(t), &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("health check without token: %v", err)
	}
	st, err := reflectionpb.NewServerReflectionClient(r.conn).ServerReflectionInfo(callCtx(t))
	if err == nil {
		err = st.Send(&reflectionpb.ServerReflectionRequest{
			MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{},
		})
	}
	if err == nil {
		_, err = st.Recv()
	}
	if err != nil {
		t.Errorf("reflection without token: %v", err)
	}
}
