// Package directory is the directory service: health professionals of the
// national directory (RPPS/ADELI), their practice sites, the opt-out flag and
// the change feed. Its RPCs are built with the directory sync (issue 3); until
// then they answer UNIMPLEMENTED saying so.
package directory

import (
	"google.golang.org/grpc"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/platform/app"
)

// Service is the directory service as a process hosts it.
func Service() app.Service {
	return app.Pending("the directory sync from the RPPS/ADELI extraction comes with issue 3",
		func(reg grpc.ServiceRegistrar) {
			directoryv1.RegisterDirectoryServiceServer(reg, directoryv1.UnimplementedDirectoryServiceServer{})
			directoryv1.RegisterImportServiceServer(reg, directoryv1.UnimplementedImportServiceServer{})
		},
		directoryv1.DirectoryService_ServiceDesc.ServiceName, directoryv1.ImportService_ServiceDesc.ServiceName)
}
