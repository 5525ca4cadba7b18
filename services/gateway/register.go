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

// services returns the register function of every service.
func services() []registerFunc {
	return []registerFunc{
		accountsv1.RegisterTerritoryServiceHandler,
		accountsv1.RegisterAccountServiceHandler,
		accountsv1.RegisterDelegationServiceHandler,
		accountsv1.RegisterVendorServiceHandler,
		accountsv1.RegisterAuthServiceHandler,
		accountsv1.RegisterAuditServiceHandler,
		accountsv1.RegisterRegulatorServiceHandler,
		directoryv1.RegisterDirectoryServiceHandler,
		directoryv1.RegisterImportServiceHandler,
		availabilityv1.RegisterAvailabilityServiceHandler,
		availabilityv1.RegisterParticipationServiceHandler,
		availabilityv1.RegisterAppointmentServiceHandler,
		searchv1.RegisterSearchServiceHandler,
		searchv1.RegisterOrientationServiceHandler,
	}
}

// register adds the REST handlers of every service to mux, calling conn.
func register(ctx context.Context, mux *runtime.ServeMux, conn *grpc.ClientConn) error {
	for _, fn := range services() {
		if err := fn(ctx, mux, conn); err != nil {
			return err
		}
	}
	return nil
}
