// Package availability is the availability service: slots and ranges pushed
// by vendors, pulled from their FHIR servers or entered by hand, SAS
// participation settings, appointments reported back, and the change feed.
// Its RPCs are built with issue 5; until then they answer UNIMPLEMENTED saying so.
package availability

import (
	"context"

	"google.golang.org/grpc"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
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

// Register adds the availability gRPC services to reg.
func Register(reg grpc.ServiceRegistrar) {
	availabilityv1.RegisterAvailabilityServiceServer(reg, availabilityv1.UnimplementedAvailabilityServiceServer{})
	availabilityv1.RegisterParticipationServiceServer(reg, availabilityv1.UnimplementedParticipationServiceServer{})
	availabilityv1.RegisterAppointmentServiceServer(reg, availabilityv1.UnimplementedAppointmentServiceServer{})
}

// ServiceNames lists the gRPC services Register adds, for health checks.
func ServiceNames() []string {
	return []string{
		availabilityv1.AvailabilityService_ServiceDesc.ServiceName,
		availabilityv1.ParticipationService_ServiceDesc.ServiceName,
		availabilityv1.AppointmentService_ServiceDesc.ServiceName,
	}
}

// Roadmap says what the unimplemented RPCs wait for.
func Roadmap() apierr.Roadmap {
	const missing = "slots from vendors (push and pull), participation and hand entry come with issue 5"
	r := apierr.Roadmap{}
	for _, name := range ServiceNames() {
		r[name] = missing
	}
	return r
}
