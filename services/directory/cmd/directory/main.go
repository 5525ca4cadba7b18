// Command directory runs the directory service alone (gRPC only), for deployments
// where each service has its own process. `directory -h` lists the settings.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/sas-platform/sas/services/directory"
	"github.com/sas-platform/sas/services/platform/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := app.Process{Name: "directory", Services: []app.Service{directory.Service()}, Banner: app.GRPCBanner}
	if err := p.Run(ctx, os.Args[1:], app.IO{Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr}); err != nil {
		fmt.Fprintln(os.Stderr, "directory:", err)
		os.Exit(1)
	}
}
