package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"

	"google.golang.org/grpc"

	"github.com/sas-platform/sas/services/accounts"
	"github.com/sas-platform/sas/services/accounts/oidc"
	"github.com/sas-platform/sas/services/availability"
	"github.com/sas-platform/sas/services/cmd/internal/routes"
	"github.com/sas-platform/sas/services/directory"
	"github.com/sas-platform/sas/services/gateway"
	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/search"
)

// sasd is every service and the gateway in one process.
func sasd() app.Process {
	return app.Process{
		Name:     "sasd",
		Services: []app.Service{accounts.Service(), directory.Service(), availability.Service(), search.Service()},
		Gateway:  restGateway,
		Banner:   banner,
	}
}

func restGateway(ctx context.Context, a *app.App, conn *grpc.ClientConn) (*http.Server, error) {
	h, err := gateway.New(ctx, gateway.Options{
		Logger: a.Log, Conn: conn, Local: a.Local(), TracerProvider: a.Telemetry.TracerProvider,
		MeterProvider: a.Telemetry.MeterProvider, Propagators: a.Telemetry.Propagators, MaxInFlight: a.MaxInFlight,
		Extra: extraRoutes(a, conn),
	})
	if err != nil {
		return nil, err
	}
	return gateway.NewServer("", h), nil
}

// extraRoutes are served beside the REST API: the FHIR resources, which
// call the API through conn, and the built-in OIDC issuer at /dev/oidc/
// when no real issuer is configured (POST /dev/oidc/token with an e-mail
// gives an ID token to exchange at /v1/token).
func extraRoutes(a *app.App, conn *grpc.ClientConn) map[string]http.Handler {
	routes := routes.FHIR(conn, conn, a.Verifier)
	if a.Accounts.OIDCIssuer == "" {
		routes["/dev/oidc/"] = oidc.Dev().Handler("/dev/oidc", a.Accounts.OIDCClientID)
	}
	return routes
}

func stdIO() app.IO {
	return app.IO{Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr}
}

func banner(w io.Writer, grpcAddr, httpAddr string) {
	g, h := app.Localhost(grpcAddr), app.Localhost(httpAddr)
	fmt.Fprintf(w, `
SAS platform running: REST on http://%[2]s, gRPC on %[1]s (logs on stderr, Ctrl-C to stop).
Try (every RPC but sign-in needs a token; the bootstrap credential is in var/bootstrap-admin.json):
  go run ./services/cmd/sasctl login && H="Authorization: Bearer $(cat ~/.config/sas/token)"
  curl -s -H "$H" 'http://%[2]s/v1/territories?pageSize=3'
  curl -s -H "$H" http://%[2]s/v1/territories/SAS-44
  curl -s http://%[2]s/.well-known/jwks.json
  curl -s http://%[2]s/openapi.json | head -c 200
  curl -s http://%[2]s/readyz
  .bin/grpcurl -plaintext %[1]s list
  .bin/grpcurl -plaintext -H "$H" -d '{"name":"territories/SAS-75"}' %[1]s sas.accounts.v1.TerritoryService/GetTerritory
  go run ./services/cmd/sasctl -addr %[1]s territories list

`, g, h)
}
