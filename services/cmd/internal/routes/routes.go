// Package routes holds the HTTP routes served beside the REST API by both
// sasd and the standalone gateway: the FHIR R4 resources vendors call.
package routes

import (
	"net/http"

	"google.golang.org/grpc"

	"github.com/sas-platform/sas/services/accounts/regulators"
	"github.com/sas-platform/sas/services/availability/fhirapi"
	"github.com/sas-platform/sas/services/platform/auth"
)

// FHIR returns the FHIR R4 routes: regulators as Practitioner (through
// accounts), slot Bundles and Appointment (through availability). The
// handlers call the services' RPCs with the caller's token, so that
// authentication, policy and audit run as for any other call; verifier
// names the calling vendor.
func FHIR(accounts, availability *grpc.ClientConn, verifier *auth.Verifier) map[string]http.Handler {
	vendors := fhirapi.Handler(availability, verifier)
	return map[string]http.Handler{
		"/fhir/r4/Practitioner": regulators.FHIRHandler(accounts),
		"/fhir/r4":              vendors,
		"/fhir/r4/Appointment":  vendors,
		"/fhir/r4/Appointment/": vendors,
	}
}
