package grpcserver_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/sas-platform/sas/services/platform/grpcserver"
	"github.com/sas-platform/sas/services/platform/logging"
	"github.com/sas-platform/sas/services/platform/requestid"
)

func TestAccessLog(t *testing.T) {
	var logs syncBuffer
	codeToReturn := make(chan codes.Code, 1)
	opts := grpcserver.Options{
		Logger:         logging.New(&logs, slog.LevelDebug, "test"),
		TracerProvider: sdktrace.NewTracerProvider(),
	}
	r := start(t, opts, &service{unary: func(context.Context) error {
		if c := <-codeToReturn; c != codes.OK {
			return status.Error(c, "secret personal detail")
		}
		return nil
	}})

	for _, c := range []codes.Code{codes.OK, codes.NotFound, codes.Unavailable, codes.Internal} {
		codeToReturn <- c
		ctx := metadata.AppendToOutgoingContext(callCtx(t), requestid.Header, "req-"+c.String())
		_, _ = r.client.UnaryCall(ctx, &testgrpc.SimpleRequest{})
	}
	if _, err := healthpb.NewHealthClient(r.conn).Check(callCtx(t), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatalf("health: %v", err)
	}
	r.shutdown(t)

	lines := accessLines(t, logs.String())
	want := []struct{ method, code, level string }{
		{"/grpc.testing.TestService/UnaryCall", "OK", "INFO"},
		{"/grpc.testing.TestService/UnaryCall", "NotFound", "INFO"},
		{"/grpc.testing.TestService/UnaryCall", "Unavailable", "WARN"},
		{"/grpc.testing.TestService/UnaryCall", "Internal", "ERROR"},
		{"/grpc.health.v1.Health/Check", "OK", "DEBUG"},
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d access lines, want %d:\n%s", len(lines), len(want), logs.String())
	}
	for i, w := range want {
		l := lines[i]
		if l["method"] != w.method || l["code"] != w.code || l["level"] != w.level {
			t.Errorf("line %d = %v, want %+v", i, l, w)
		}
		if _, ok := l["duration_ms"].(float64); !ok {
			t.Errorf("line %d has no duration_ms: %v", i, l)
		}
	}
	for _, l := range lines[:4] {
		if l["request_id"] != "req-"+l["code"].(string) || len(l["trace_id"].(string)) != 32 {
			t.Errorf("line lacks request or trace id: %v", l)
		}
	}
	if strings.Contains(logs.String(), "secret personal detail") {
		t.Error("access log carries a status message")
	}
}

// accessLines decodes the "grpc call" lines of out.
func accessLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, raw := range strings.Split(strings.TrimSpace(out), "\n") {
		var l map[string]any
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("decode %q: %v", raw, err)
		}
		if l["msg"] == "grpc call" {
			lines = append(lines, l)
		}
	}
	return lines
}
