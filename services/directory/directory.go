// Package directory is the directory service: health professionals of the
// national directory (RPPS/ADELI), their practice sites, the opt-out flag and
// the change feed. Its RPCs are built with the directory sync (issue 3); until
// then they answer UNIMPLEMENTED saying so.
package directory

import (
	"context"

	"google.golang.org/grpc"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
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

// Register adds the directory's gRPC services to reg.
func Register(reg grpc.ServiceRegistrar) {
	directoryv1.RegisterDirectoryServiceServer(reg, directoryv1.UnimplementedDirectoryServiceServer{})
	directoryv1.RegisterImportServiceServer(reg, directoryv1.UnimplementedImportServiceServer{})
}

// ServiceNames lists the gRPC services Register adds, for health checks.
func ServiceNames() []string {
	return []string{directoryv1.DirectoryService_ServiceDesc.ServiceName, directoryv1.ImportService_ServiceDesc.ServiceName}
}

// Roadmap says what the unimplemented RPCs wait for.
func Roadmap() apierr.Roadmap {
	const missing = "the directory sync from the RPPS/ADELI extraction comes with issue 3"
	r := apierr.Roadmap{}
	for _, name := range ServiceNames() {
		r[name] = missing
	}
	return r
}
