package gateway

import (
	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"context"
	"errors"
	"net/http"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/sas-platform/sas/gen/openapi"
	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// readyTimeout bounds the health check behind /readyz.
const readyTimeout = time.Second

// handleProbes adds /openapi.json, /healthz and /readyz to mux.
func handleProbes(mux *runtime.ServeMux, conn *grpc.ClientConn) error {
	health := grpc_health_v1.NewHealthClient(conn)
	return errors.Join(
		mux.HandlePath(http.MethodGet, "/openapi.json", serveOpenAPI),
		mux.HandlePath(http.MethodGet, "/healthz", serveLive),
		mux.HandlePath(http.MethodGet, "/readyz", readiness(health)),
		mux.HandlePath(http.MethodGet, "/.well-known/jwks.json", jwks(accountsv1.NewAuthServiceClient(conn))),
	)
}

// jwks serves the access-token key set at its conventional address, in the
// RFC 7517 shape (no proto JSON wrapping).
func jwks(c accountsv1.AuthServiceClient) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		set, err := c.GetJwks(r.Context(), &accountsv1.GetJwksRequest{})
		if err != nil {
			writeStatus(w, http.StatusServiceUnavailable, "key set unavailable")
			return
		}
		raw, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(set)
		if err != nil {
			writeStatus(w, http.StatusInternalServerError, "key set")
			return
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(raw)
	}
}

// serveOpenAPI writes the merged OpenAPI v2 document of every service.
func serveOpenAPI(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openapi.JSON)
}

// serveLive answers the liveness probe: the process serves HTTP.
func serveLive(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
	writeStatus(w, http.StatusOK, "ok")
}

// readiness returns the readiness probe: 200 while the gRPC server reports
// SERVING for the whole server (service ""), 503 otherwise.
func readiness(health grpc_health_v1.HealthClient) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		state := checkHealth(ctx, health)
		if state != grpc_health_v1.HealthCheckResponse_SERVING.String() {
			writeStatus(w, http.StatusServiceUnavailable, state)
			return
		}
		writeStatus(w, http.StatusOK, "ok")
	}
}

// checkHealth returns the serving status of the gRPC server, or the gRPC code
// of the failed check.
func checkHealth(ctx context.Context, health grpc_health_v1.HealthClient) string {
	resp, err := health.Check(ctx, &grpc_health_v1.HealthCheckRequest{Service: ""})
	if err != nil {
		return code.Code(status.Code(err)).String()
	}
	return resp.GetStatus().String()
}

// writeStatus writes {"status": state} with the given HTTP status; state is
// always a fixed word or an enum name, so it needs no escaping.
func writeStatus(w http.ResponseWriter, code int, state string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(`{"status":"` + state + `"}` + "\n"))
}
