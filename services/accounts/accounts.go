// Package accounts is the accounts service: territories reference (régions,
// départements, SAS territories) today; accounts, roles, delegations, tokens
// and the audit trail come with issue 4 and answer UNIMPLEMENTED saying so.
package accounts

import (
	"context"
	"database/sql"
	"fmt"

	"google.golang.org/grpc"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/accounts/territory"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/platform/pagetoken"
)

// Service is the accounts service as a process hosts it: its own store
// ("accounts" schema or var/accounts.db), migrated and seeded at start-up.
func Service() app.Service {
	return app.Service{
		Names:   ServiceNames(),
		Roadmap: Roadmap(),
		Register: func(ctx context.Context, a *app.App, reg grpc.ServiceRegistrar) error {
			db, err := a.OpenDB(ctx, "accounts", store.Migrations)
			if err != nil {
				return err
			}
			svc, err := New(ctx, db.SQL, db.Classify, a.Pages)
			if err != nil {
				return err
			}
			svc.Register(reg)
			return nil
		},
	}
}

// Accounts is the accounts service, ready to register.
type Accounts struct {
	territories *territory.Server
}

// New seeds the shipped reference into db (already migrated with
// store.Migrations) and returns the service.
func New(ctx context.Context, db *sql.DB, classify func(error) error, pages *pagetoken.Sealer) (*Accounts, error) {
	ref, err := territory.LoadReference()
	if err != nil {
		return nil, err
	}
	st := store.New(db, classify)
	if err := st.SeedReference(ctx, ref); err != nil {
		return nil, fmt.Errorf("seed territories: %w", err)
	}
	return &Accounts{territories: territory.NewServer(st, pages)}, nil
}

// Register adds the accounts gRPC services to reg.
func (s *Accounts) Register(reg grpc.ServiceRegistrar) {
	accountsv1.RegisterTerritoryServiceServer(reg, s.territories)
	accountsv1.RegisterAccountServiceServer(reg, accountsv1.UnimplementedAccountServiceServer{})
	accountsv1.RegisterDelegationServiceServer(reg, accountsv1.UnimplementedDelegationServiceServer{})
	accountsv1.RegisterVendorServiceServer(reg, accountsv1.UnimplementedVendorServiceServer{})
	accountsv1.RegisterAuthServiceServer(reg, accountsv1.UnimplementedAuthServiceServer{})
	accountsv1.RegisterAuditServiceServer(reg, accountsv1.UnimplementedAuditServiceServer{})
	accountsv1.RegisterRegulatorServiceServer(reg, accountsv1.UnimplementedRegulatorServiceServer{})
}

// ServiceNames lists the gRPC services Register adds, for health checks.
func ServiceNames() []string {
	return []string{
		accountsv1.TerritoryService_ServiceDesc.ServiceName,
		accountsv1.AccountService_ServiceDesc.ServiceName,
		accountsv1.DelegationService_ServiceDesc.ServiceName,
		accountsv1.VendorService_ServiceDesc.ServiceName,
		accountsv1.AuthService_ServiceDesc.ServiceName,
		accountsv1.AuditService_ServiceDesc.ServiceName,
		accountsv1.RegulatorService_ServiceDesc.ServiceName,
	}
}

// Roadmap says what the unimplemented RPCs wait for.
func Roadmap() apierr.Roadmap {
	const missing = "accounts, sign-in, delegations, vendors and the audit trail come with issue 4"
	r := apierr.Roadmap{}
	for _, name := range ServiceNames()[1:] {
		r[name] = missing
	}
	return r
}
