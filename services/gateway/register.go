package gateway

import (
	"context"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"google.golang.org/grpc"
)

// registerFunc registers the REST handlers of one service.
type registerFunc func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error

// The platform's services, as Options.Conns names them.
const (
	Accounts     = "accounts"
	Directory    = "directory"
	Availability = "availability"
	Search       = "search"
)

// services returns the register function of every gRPC service, by the
// platform service that hosts it.
func services() map[string][]registerFunc {
	return map[string][]registerFunc{
		Accounts: {
			accountsv1.RegisterTerritoryServiceHandler,
			accountsv1.RegisterAccountServiceHandler,
			accountsv1.RegisterDelegationServiceHandler,
			accountsv1.RegisterVendorServiceHandler,
			accountsv1.RegisterAuthServiceHandler,
			accountsv1.RegisterAuditServiceHandler,
			accountsv1.RegisterRegulatorServiceHandler,
		},
		Directory: {
			directoryv1.RegisterDirectoryServiceHandler,
			directoryv1.RegisterImportServiceHandler,
		},
		Availability: {
			availabilityv1.RegisterAvailabilityServiceHandler,
			availabilityv1.RegisterParticipationServiceHandler,
			availabilityv1.RegisterAppointmentServiceHandler,
		},
		Search: {
			registerSearch,
			searchv1.RegisterOrientationServiceHandler,
		},
	}
}

// register adds the REST handlers of every service to mux, calling each
// platform service on its own connection of conns, else on conn.
func register(ctx context.Context, mux *runtime.ServeMux, conn *grpc.ClientConn, conns map[string]*grpc.ClientConn) error {
	for svc, fns := range services() {
		c := conns[svc]
		if c == nil {
			c = conn
		}
		for _, fn := range fns {
			if err := fn(ctx, mux, c); err != nil {
				return err
			}
		}
	}
	return nil
}
