// Package directory is the directory service: health professionals of the
// national directory (RPPS/ADELI) imported from its public extraction, their
// geocoded practice sites, the code tables, the opt-out flag and the change feed.
package directory

import (
	"context"

	"google.golang.org/grpc"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/importer"
	"github.com/sas-platform/sas/services/directory/server"
	"github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/platform/app"
)

// Service is the directory service as a process hosts it: its own store
// ("directory" schema or var/directory.db), migrated at start-up.
func Service() app.Service {
	return app.Service{
		Names:    []string{directoryv1.DirectoryService_ServiceDesc.ServiceName, directoryv1.ImportService_ServiceDesc.ServiceName},
		Register: register,
	}
}

func register(ctx context.Context, a *app.App, reg grpc.ServiceRegistrar) error {
	db, err := a.OpenDB(ctx, "directory", store.Migrations)
	if err != nil {
		return err
	}
	communes, err := geo.Load()
	if err != nil {
		return err
	}
	st := store.New(db.SQL, db.Classify)
	imp := importer.New(st, communes, a.Log)
	if err := loadDemo(ctx, st, imp, communes, a.DemoProfessionals); err != nil {
		return err
	}
	imports := server.NewImports(ctx, st, imp, a.Pages, a.Log)
	a.OnClose("directory imports", imports.Wait)
	directoryv1.RegisterDirectoryServiceServer(reg, server.NewDirectory(st, a.Pages))
	directoryv1.RegisterImportServiceServer(reg, imports)
	return nil
}
