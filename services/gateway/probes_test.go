package gateway_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sas-platform/sas/services/gateway"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health/grpc_health_v1"
)

func TestReadiness(t *testing.T) {
	e := newEnv(t, io.Discard)
	cases := []struct {
		name   string
		state  grpc_health_v1.HealthCheckResponse_ServingStatus
		status int
		body   string
	}{
		{"serving", grpc_health_v1.HealthCheckResponse_SERVING, http.StatusOK, `{"status":"ok"}`},
		{"not serving", grpc_health_v1.HealthCheckResponse_NOT_SERVING, http.StatusServiceUnavailable, `{"status":"NOT_SERVING"}`},
		{"serving again", grpc_health_v1.HealthCheckResponse_SERVING, http.StatusOK, `{"status":"ok"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.health.SetServingStatus("", tc.state)
			res, body := e.do(t, http.MethodGet, "/readyz", "", nil)
			if res.StatusCode != tc.status {
				t.Errorf("HTTP status = %d, want %d", res.StatusCode, tc.status)
			}
			checkBody(tc.body)(t, e, res, body)
			live, _ := e.do(t, http.MethodGet, "/healthz", "", nil)
			if live.StatusCode != http.StatusOK {
				t.Errorf("/healthz status = %d, want 200", live.StatusCode)
			}
		})
	}
}

func TestReadinessUnreachable(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := lis.Addr().String()
	if err := lis.Close(); err != nil {
		t.Fatalf("close listener: %v", err)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	h, err := gateway.New(t.Context(), gateway.Options{Logger: slog.New(slog.DiscardHandler), Conn: conn})
	if err != nil {
		t.Fatalf("gateway.New: %v", err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("HTTP status = %d, want 503", rec.Code)
	}
	checkBody(`{"status":"UNAVAILABLE"}`)(t, nil, rec.Result(), rec.Body.Bytes())
}

func TestNewWithoutConn(t *testing.T) {
	if _, err := gateway.New(t.Context(), gateway.Options{}); err != gateway.ErrNoConn {
		t.Errorf("New without Conn: err = %v, want ErrNoConn", err)
	}
}
