// Command gateway serves the REST/JSON API of the SAS services, and the FHIR
// R4 routes vendors call, in front of remote gRPC servers. `gateway -h`
// lists the settings.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"google.golang.org/grpc"

	"github.com/sas-platform/sas/services/cmd/internal/routes"
	"github.com/sas-platform/sas/services/gateway"
	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/config"
	"github.com/sas-platform/sas/services/platform/grpcclient"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gateway:", err)
		os.Exit(1)
	}
}

// run serves REST in front of the gRPC target until ctx is done; it tells
// stdout where it listens.
func run(ctx context.Context, args []string, stdout io.Writer) (err error) {
	var s app.Settings
	var target string
	set := config.New("gateway", os.Getenv)
	s.DeclareGateway(set)
	set.String(&target, "grpc-target", "SAS_GRPC_TARGET", "dns:///localhost:9090", "gRPC server the gateway calls (dns:/// for client-side balancing over a headless service)")
	// Services deployed apart each have their address; empty: SAS_GRPC_TARGET.
	targets := map[string]*string{gateway.Accounts: new(string), gateway.Directory: new(string),
		gateway.Availability: new(string), gateway.Search: new(string)}
	set.String(targets[gateway.Accounts], "accounts-addr", "SAS_ACCOUNTS_ADDR", "", "gRPC address of the accounts service. Empty: SAS_GRPC_TARGET")
	set.String(targets[gateway.Directory], "directory-addr", "SAS_DIRECTORY_ADDR", "", "gRPC address of the directory service. Empty: SAS_GRPC_TARGET")
	set.String(targets[gateway.Availability], "availability-addr", "SAS_AVAILABILITY_ADDR", "", "gRPC address of the availability service. Empty: SAS_GRPC_TARGET")
	set.String(targets[gateway.Search], "search-addr", "SAS_SEARCH_ADDR", "", "gRPC address of the search service. Empty: SAS_GRPC_TARGET")
	if err := set.Parse(args); errors.Is(err, flag.ErrHelp) {
		set.Usage(stdout)
		return nil
	} else if err != nil {
		return err
	}
	a, err := app.Start(ctx, "gateway", s, os.Stderr)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, a.Close()) }()
	dial := func(target string) (*grpc.ClientConn, error) {
		conn, err := grpcclient.Dial(target, grpcclient.Options{
			TracerProvider: a.Telemetry.TracerProvider, MeterProvider: a.Telemetry.MeterProvider, Propagators: a.Telemetry.Propagators,
		})
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", target, err)
		}
		a.OnClose("connection to "+target, func(context.Context) error { return conn.Close() })
		return conn, nil
	}
	conn, err := dial(target)
	if err != nil {
		return err
	}
	conns := map[string]*grpc.ClientConn{}
	for svc, t := range targets {
		if *t != "" {
			if conns[svc], err = dial(*t); err != nil {
				return err
			}
		}
	}
	connOf := func(svc string) *grpc.ClientConn { return cmp.Or(conns[svc], conn) }
	// FHIR calls name their vendor from the token, checked with the accounts service's keys.
	verifier := auth.NewVerifier(auth.VerifierOptions{Source: app.KeysFrom(connOf(gateway.Accounts))})
	h, err := gateway.New(ctx, gateway.Options{Logger: a.Log, Conn: conn, Conns: conns, TracerProvider: a.Telemetry.TracerProvider,
		MeterProvider: a.Telemetry.MeterProvider, Propagators: a.Telemetry.Propagators, MaxInFlight: a.MaxInFlight,
		Extra: routes.FHIR(connOf(gateway.Accounts), connOf(gateway.Availability), verifier)})
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", s.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen HTTP: %w", err)
	}
	fmt.Fprintf(stdout, "serving REST on http://%s in front of %s\n", app.Localhost(lis.Addr().String()), target)
	return a.ServeHTTP(ctx, gateway.NewServer("", h), lis, func() {})
}
