package grpcserver_test

import (
	"testing"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/sas-platform/sas/services/platform/grpcserver"
)

const directory = "sas.directory.v1.DirectoryService"

func TestHealthPerService(t *testing.T) {
	r := start(t, grpcserver.Options{}, &service{})
	health := healthpb.NewHealthClient(r.conn)
	check := func(svc string) (healthpb.HealthCheckResponse_ServingStatus, codes.Code) {
		resp, err := health.Check(callCtx(t), &healthpb.HealthCheckRequest{Service: svc})
		return resp.GetStatus(), status.Code(err)
	}

	if _, code := check(directory); code != codes.NotFound {
		t.Fatalf("unknown service: code %v, want NotFound", code)
	}
	r.srv.SetServing(directory, true)
	if st, _ := check(directory); st != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("after SetServing(true): %v", st)
	}
	r.srv.SetServing(directory, false)
	if st, _ := check(directory); st != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("after SetServing(false): %v", st)
	}
	if st, _ := check(""); st != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("overall: %v, want SERVING", st)
	}
}
