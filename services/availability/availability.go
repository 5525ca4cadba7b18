// Package availability is the availability service: slots and ranges pushed
// by vendors, pulled from their FHIR servers or entered by hand, SAS
// participation settings, appointments reported back, and the change feed.
// Its RPCs are built with issue 5; until then they answer UNIMPLEMENTED saying so.
package availability

import (
	"google.golang.org/grpc"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/platform/app"
)

// Service is the availability service as a process hosts it.
func Service() app.Service {
	return app.Pending("slots from vendors (push and pull), participation and hand entry come with issue 5",
		func(reg grpc.ServiceRegistrar) {
			availabilityv1.RegisterAvailabilityServiceServer(reg, availabilityv1.UnimplementedAvailabilityServiceServer{})
			availabilityv1.RegisterParticipationServiceServer(reg, availabilityv1.UnimplementedParticipationServiceServer{})
			availabilityv1.RegisterAppointmentServiceServer(reg, availabilityv1.UnimplementedAppointmentServiceServer{})
		},
		availabilityv1.AvailabilityService_ServiceDesc.ServiceName,
		availabilityv1.ParticipationService_ServiceDesc.ServiceName,
		availabilityv1.AppointmentService_ServiceDesc.ServiceName)
}
