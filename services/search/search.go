// Package search is the search service: the geolocated slot search for
// regulators over its own read model, cached in Redis, and the orientation
// handoff. Its RPCs are built with issue 6; until then they answer
// UNIMPLEMENTED saying so.
package search

import (
	"context"

	"google.golang.org/grpc"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/app"
)

// Service is the search service as a process hosts it. It opens the search
// cache (Redis, or in process) at start, so that a wrong SAS_REDIS_URL stops
// the start rather than the first search.
func Service() app.Service {
	svc := pending()
	register := svc.Register
	svc.Register = func(ctx context.Context, a *app.App, reg grpc.ServiceRegistrar) error {
		if _, err := a.OpenCache(ctx); err != nil {
			return err
		}
		return register(ctx, a, reg)
	}
	return svc
}

func pending() app.Service {
	return app.Pending("the geolocated slot search and orientation come with issue 6",
		func(reg grpc.ServiceRegistrar) {
			searchv1.RegisterSearchServiceServer(reg, searchv1.UnimplementedSearchServiceServer{})
			searchv1.RegisterOrientationServiceServer(reg, searchv1.UnimplementedOrientationServiceServer{})
		},
		searchv1.SearchService_ServiceDesc.ServiceName, searchv1.OrientationService_ServiceDesc.ServiceName)
}
