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
type registerFunc func(context.Context, *runtime.ServeMux, grpc.ClientConnInterface) error

// client makes the registerFunc of a service from its generated
// Register…HandlerClient and New…Client.
func client[C any](register func(context.Context, *runtime.ServeMux, C) error, newClient func(grpc.ClientConnInterface) C) registerFunc {
	return func(ctx context.Context, mux *runtime.ServeMux, cc grpc.ClientConnInterface) error {
		return register(ctx, mux, newClient(cc))
	}
}

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
			client(accountsv1.RegisterTerritoryServiceHandlerClient, accountsv1.NewTerritoryServiceClient),
			client(accountsv1.RegisterAccountServiceHandlerClient, accountsv1.NewAccountServiceClient),
			client(accountsv1.RegisterDelegationServiceHandlerClient, accountsv1.NewDelegationServiceClient),
			client(accountsv1.RegisterVendorServiceHandlerClient, accountsv1.NewVendorServiceClient),
			client(accountsv1.RegisterAuthServiceHandlerClient, accountsv1.NewAuthServiceClient),
			client(accountsv1.RegisterAuditServiceHandlerClient, accountsv1.NewAuditServiceClient),
			client(accountsv1.RegisterRegulatorServiceHandlerClient, accountsv1.NewRegulatorServiceClient),
		},
		Directory: {
			client(directoryv1.RegisterDirectoryServiceHandlerClient, directoryv1.NewDirectoryServiceClient),
			client(directoryv1.RegisterImportServiceHandlerClient, directoryv1.NewImportServiceClient),
		},
		Availability: {
			client(availabilityv1.RegisterAvailabilityServiceHandlerClient, availabilityv1.NewAvailabilityServiceClient),
			client(availabilityv1.RegisterParticipationServiceHandlerClient, availabilityv1.NewParticipationServiceClient),
			client(availabilityv1.RegisterAppointmentServiceHandlerClient, availabilityv1.NewAppointmentServiceClient),
		},
		Search: {
			registerSearch,
			client(searchv1.RegisterOrientationServiceHandlerClient, searchv1.NewOrientationServiceClient),
		},
	}
}

// register adds the REST handlers of every service to mux, calling each
// platform service on its own connection of opts.Conns, else on
// opts.Local, else on opts.Conn.
func register(ctx context.Context, mux *runtime.ServeMux, opts Options) error {
	for svc, fns := range services() {
		var cc grpc.ClientConnInterface = opts.Conn
		if c := opts.Conns[svc]; c != nil {
			cc = c
		} else if opts.Local != nil {
			cc = opts.Local
		}
		for _, fn := range fns {
			if err := fn(ctx, mux, cc); err != nil {
				return err
			}
		}
	}
	return nil
}
