package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"
	"google.golang.org/grpc/test/bufconn"

	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/config"
	"github.com/sas-platform/sas/services/platform/grpcclient"
	"github.com/sas-platform/sas/services/platform/grpcserver"
)

// Service is one service as a process hosts it.
type Service struct {
	// Names are the gRPC service names it registers, marked SERVING once ready.
	Names []string
	// Roadmap explains its unimplemented RPCs.
	Roadmap apierr.Roadmap
	// Register opens what the service needs and registers it on reg.
	Register func(ctx context.Context, a *App, reg grpc.ServiceRegistrar) error
	// Ready, when set, holds Names NOT_SERVING until it is closed (search:
	// until its read model is loaded), so that a readiness probe keeps
	// traffic away meanwhile; nil: SERVING once registered.
	Ready <-chan struct{}
}

// Gateway builds the REST server over a connection to the process's own gRPC server.
type Gateway func(ctx context.Context, a *App, conn *grpc.ClientConn) (*http.Server, error)

// Process describes a binary: its name, services and, optionally, the gateway.
type Process struct {
	Name     string
	Services []Service
	Gateway  Gateway // nil: gRPC only
	// Banner, when set, prints what to try once the process listens.
	Banner func(w io.Writer, grpcAddr, httpAddr string)
}

// IO is where a process reads its environment and writes.
type IO struct {
	Getenv         func(string) string
	Stdout, Stderr io.Writer
}

// Run parses args, starts the services and serves until ctx is done, then
// stops in order: readiness off, REST drained, gRPC drained, telemetry
// flushed, stores closed.
func (p Process) Run(ctx context.Context, args []string, io IO) error {
	var s Settings
	set := config.New(p.Name, io.Getenv)
	s.Declare(set, p.Gateway != nil)
	if err := set.Parse(args); errors.Is(err, flag.ErrHelp) {
		set.Usage(io.Stdout)
		return nil
	} else if err != nil {
		return err
	}
	a, err := Start(ctx, p.Name, s, io.Stderr)
	if err != nil {
		return err
	}
	a.Stdout = io.Stdout
	defer func() { err = errors.Join(err, a.Close()) }()
	err = p.serve(ctx, a, io.Stdout)
	return err
}

func (p Process) serve(ctx context.Context, a *App, stdout io.Writer) error {
	// The in-memory listener serves the process's own calls (gateway,
	// service to service) through every interceptor, without TCP.
	mem := bufconn.Listen(1 << 20)
	conn, err := grpcclient.Dial("passthrough:///"+p.Name, grpcclient.Options{
		TracerProvider: a.Telemetry.TracerProvider, MeterProvider: a.Telemetry.MeterProvider, Propagators: a.Telemetry.Propagators,
		Dialer: func(ctx context.Context, _ string) (net.Conn, error) { return mem.DialContext(ctx) },
	})
	if err != nil {
		return fmt.Errorf("dial in-memory gRPC: %w", err)
	}
	a.OnClose("in-memory connection", func(context.Context) error { return conn.Close() })
	a.peers.self = conn
	srv, err := p.register(ctx, a)
	if err != nil {
		return err
	}
	a.peers.local = srv.Local(conn)
	if a.MigrateOnly {
		// Registering opened and migrated every store; the stores close
		// with the process.
		fmt.Fprintln(stdout, "stores migrated")
		return nil
	}
	if err := a.serveDebug(); err != nil {
		return err
	}
	tcp, err := net.Listen("tcp", a.GRPCAddr)
	if err != nil {
		return fmt.Errorf("listen gRPC: %w", err)
	}
	if p.Gateway == nil {
		p.banner(stdout, tcp.Addr(), nil)
		return srv.Serve(ctx, tcp, mem)
	}
	return p.serveWithGateway(ctx, a, srv, tcp, mem, stdout)
}

func (p Process) register(ctx context.Context, a *App) (*grpcserver.Server, error) {
	roadmap := apierr.Roadmap{}
	for _, svc := range p.Services {
		for k, v := range svc.Roadmap {
			roadmap[k] = v
		}
	}
	srv := a.GRPCServer(roadmap)
	for _, svc := range p.Services {
		if err := svc.Register(ctx, a, srv); err != nil {
			return nil, err
		}
	}
	for _, svc := range p.Services {
		serving := func(on bool) {
			for _, name := range svc.Names {
				srv.SetServing(name, on)
			}
		}
		if svc.Ready == nil {
			serving(true)
			continue
		}
		serving(false)
		go func() {
			select {
			case <-svc.Ready:
				serving(true)
			case <-ctx.Done():
			}
		}()
	}
	// The process itself (liveness) serves at once.
	srv.SetServing("", true)
	return srv, nil
}

// serveWithGateway serves gRPC on tcp and on an in-memory listener that the
// gateway dials, so REST calls run every gRPC interceptor too.
func (p Process) serveWithGateway(ctx context.Context, a *App, srv *grpcserver.Server, tcp, mem net.Listener, stdout io.Writer) error {
	httpSrv, err := p.Gateway(ctx, a, a.Self())
	if err != nil {
		return fmt.Errorf("gateway: %w", err)
	}
	httpLis, err := net.Listen("tcp", a.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen HTTP: %w", err)
	}
	p.banner(stdout, tcp.Addr(), httpLis.Addr())
	g, gctx := errgroup.WithContext(ctx)
	grpcCtx, stopGRPC := context.WithCancel(context.WithoutCancel(ctx))
	g.Go(func() error { return srv.Serve(grpcCtx, tcp, mem) })
	g.Go(func() error {
		defer stopGRPC()
		return a.ServeHTTP(gctx, httpSrv, httpLis, srv.Health.Shutdown)
	})
	return g.Wait()
}

func (p Process) banner(w io.Writer, grpcAddr, httpAddr net.Addr) {
	if p.Banner == nil {
		return
	}
	http := ""
	if httpAddr != nil {
		http = httpAddr.String()
	}
	p.Banner(w, grpcAddr.String(), http)
}

// ServeHTTP serves srv until ctx is done, then turns readiness off and drains
// the requests in flight within the shutdown timeout.
func (a *App) ServeHTTP(ctx context.Context, srv *http.Server, lis net.Listener, notReady func()) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve HTTP: %w", err)
	case <-ctx.Done():
	}
	notReady()
	sctx, cancel := context.WithTimeout(context.Background(), a.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// Localhost turns a listen address such as "[::]:8080" into one to type.
func Localhost(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return "localhost" + addr[i:]
	}
	return addr
}

// ServiceNames lists the gRPC services of every service of the process.
func (p Process) ServiceNames() []string {
	var names []string
	for _, svc := range p.Services {
		names = append(names, svc.Names...)
	}
	return names
}

// GRPCBanner says where a gRPC-only process listens.
func GRPCBanner(w io.Writer, grpcAddr, _ string) {
	fmt.Fprintf(w, "serving gRPC on %s (try: .bin/grpcurl -plaintext %s list)\n", Localhost(grpcAddr), Localhost(grpcAddr))
}

// Pending is a service whose RPCs a later issue builds: register adds the
// generated Unimplemented servers, and every RPC answers UNIMPLEMENTED with
// missing, the part still to build.
func Pending(missing string, register func(grpc.ServiceRegistrar), names ...string) Service {
	roadmap := apierr.Roadmap{}
	for _, name := range names {
		roadmap[name] = missing
	}
	return Service{
		Names:   names,
		Roadmap: roadmap,
		Register: func(_ context.Context, _ *App, reg grpc.ServiceRegistrar) error {
			register(reg)
			return nil
		},
	}
}
