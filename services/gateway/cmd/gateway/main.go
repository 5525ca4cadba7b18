// Command gateway serves the REST/JSON API of the SAS services in front of a
// remote gRPC server. Flags default to the SAS_HTTP_ADDR and SAS_GRPC_TARGET
// environment variables.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sas-platform/sas/services/gateway"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// shutdownTimeout bounds the graceful shutdown of the HTTP server.
const shutdownTimeout = 15 * time.Second

func main() {
	if err := run(); err != nil {
		slog.Error("gateway stopped", "error", err)
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM, then shuts the server down gracefully.
func run() error {
	fs := flag.NewFlagSet("gateway", flag.ContinueOnError)
	addr := fs.String("http-addr", env("SAS_HTTP_ADDR", ":8080"), "HTTP listen address")
	target := fs.String("grpc-target", env("SAS_GRPC_TARGET", "dns:///localhost:9090"), "gRPC server target")
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	conn, err := grpc.NewClient(*target,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(otelgrpc.NewClientHandler()))
	if err != nil {
		return fmt.Errorf("dial %s: %w", *target, err)
	}
	defer conn.Close()
	h, err := gateway.New(ctx, gateway.Options{Logger: slog.Default(), Conn: conn})
	if err != nil {
		return fmt.Errorf("build gateway: %w", err)
	}
	return serve(ctx, gateway.NewServer(*addr, h))
}

// serve runs srv until ctx is done, then shuts it down within shutdownTimeout.
func serve(ctx context.Context, srv *http.Server) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	slog.Info("gateway listening", "addr", srv.Addr)
	select {
	case err := <-errc:
		return fmt.Errorf("serve http: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// env returns the value of the environment variable key, or def when unset.
func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}
