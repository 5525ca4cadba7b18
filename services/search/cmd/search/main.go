// Command search runs the search service alone (gRPC only), for deployments
// where each service has its own process. `search -h` lists the settings.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/search"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := app.Process{Name: "search", Services: []app.Service{search.Service()}, Banner: app.GRPCBanner}
	if err := p.Run(ctx, os.Args[1:], app.IO{Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr}); err != nil {
		fmt.Fprintln(os.Stderr, "search:", err)
		os.Exit(1)
	}
}
