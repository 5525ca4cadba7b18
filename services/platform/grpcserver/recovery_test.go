package grpcserver_test

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"google.golang.org/grpc/codes"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"

	"github.com/sas-platform/sas/services/platform/grpcserver"
	"github.com/sas-platform/sas/services/platform/logging"
)

func TestPanicBecomesInternal(t *testing.T) {
	var logs syncBuffer
	reader := sdkmetric.NewManualReader()
	opts := grpcserver.Options{
		Logger:        logging.New(&logs, slog.LevelInfo, "test"),
		MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
	}
	var panicking atomic.Bool
	panicking.Store(true)
	svc := &service{
		unary: func(context.Context) error {
			if panicking.Load() {
				panic("boom")
			}
			return nil
		},
		stream: func(context.Context) error { panic("stream boom") },
	}
	r := start(t, opts, svc)

	_, err := r.client.UnaryCall(callCtx(t), &testgrpc.SimpleRequest{})
	if st := status.Convert(err); st.Code() != codes.Internal || st.Message() != "internal error" {
		t.Fatalf("UnaryCall = %v, want Internal \"internal error\"", err)
	}
	if _, err := streamCall(callCtx(t), r.client); status.Code(err) != codes.Internal {
		t.Fatalf("StreamingOutputCall = %v, want Internal", err)
	}
	panicking.Store(false)
	if _, err := r.client.UnaryCall(callCtx(t), &testgrpc.SimpleRequest{}); err != nil {
		t.Fatalf("UnaryCall after panic: %v", err)
	}

	out := logs.String()
	if !strings.Contains(out, `"panic":"boom"`) || !strings.Contains(out, "recovery_test.go") {
		t.Errorf("panic log lacks value or stack:\n%s", out)
	}
	if got := panics(t, reader); got != 2 {
		t.Errorf("%s = %d, want 2", grpcserver.PanicsMetric, got)
	}
}

// panics sums the panic counter read by reader.
func panics(t *testing.T, reader *sdkmetric.ManualReader) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatalf("Collect: %v", err)
	}
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == grpcserver.PanicsMetric {
				for _, dp := range sum.DataPoints {
					n += dp.Value
				}
			}
		}
	}
	return n
}
