package gateway_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/gateway"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	"google.golang.org/grpc/health/grpc_health_v1"
)

// env is a gRPC server on loopback with the test TerritoryService and the
// health service, and the gateway in front of it.
type env struct {
	territories *territories
	health      *health.Server
	conn        *grpc.ClientConn
	handler     http.Handler
	url         string
	client      *http.Client
}

// newEnv starts the servers; they stop when t ends. Access logs go to log.
func newEnv(t *testing.T, log io.Writer) *env {
	t.Helper()
	e := &env{territories: &territories{}, health: health.NewServer()}
	e.conn = startGRPC(t, e.territories, e.health)
	h, err := gateway.New(t.Context(), gateway.Options{
		Logger: slog.New(slog.NewJSONHandler(log, nil)),
		Conn:   e.conn,
	})
	if err != nil {
		t.Fatalf("gateway.New: %v", err)
	}
	e.handler = h
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.url, e.client = srv.URL, srv.Client()
	return e
}

// startGRPC serves the given services on 127.0.0.1 and returns a client
// connection to them; both close when t ends.
func startGRPC(t *testing.T, ts accountsv1.TerritoryServiceServer, hs grpc_health_v1.HealthServer) *grpc.ClientConn {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	srv := grpc.NewServer()
	accountsv1.RegisterTerritoryServiceServer(srv, ts)
	grpc_health_v1.RegisterHealthServer(srv, hs)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(lis) }()
	t.Cleanup(func() {
		srv.Stop()
		if err := <-done; err != nil {
			t.Errorf("grpc serve: %v", err)
		}
	})
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// do sends an HTTP request to the gateway and returns the response with its body read.
func (e *env) do(t *testing.T, method, path, body string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return res, b
}
