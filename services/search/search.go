// Package search is the search service: the geolocated slot search for
// regulators over its own read model, cached in Redis, and the orientation
// handoff. Its RPCs are built with issue 6; until then they answer
// UNIMPLEMENTED saying so.
package search

import (
	"context"

	"google.golang.org/grpc"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/app"
)

// Service is the service as a process hosts it.
func Service() app.Service {
	return app.Service{
		Names:   ServiceNames(),
		Roadmap: Roadmap(),
		Register: func(_ context.Context, _ *app.App, reg grpc.ServiceRegistrar) error {
			Register(reg)
			return nil
		},
	}
}

// Register adds the search gRPC services to reg.
func Register(reg grpc.ServiceRegistrar) {
	searchv1.RegisterSearchServiceServer(reg, searchv1.UnimplementedSearchServiceServer{})
	searchv1.RegisterOrientationServiceServer(reg, searchv1.UnimplementedOrientationServiceServer{})
}

// ServiceNames lists the gRPC services Register adds, for health checks.
func ServiceNames() []string {
	return []string{searchv1.SearchService_ServiceDesc.ServiceName, searchv1.OrientationService_ServiceDesc.ServiceName}
}

// Roadmap says what the unimplemented RPCs wait for.
func Roadmap() apierr.Roadmap {
	const missing = "the geolocated slot search and orientation come with issue 6"
	r := apierr.Roadmap{}
	for _, name := range ServiceNames() {
		r[name] = missing
	}
	return r
}
