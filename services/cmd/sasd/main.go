// Command sasd runs every SAS service and the REST gateway in one process,
// for development, demos and small deployments. `sasd -h` lists the settings.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := sasd().Run(ctx, os.Args[1:], stdIO()); err != nil {
		fmt.Fprintln(os.Stderr, "sasd:", err)
		os.Exit(1)
	}
}
