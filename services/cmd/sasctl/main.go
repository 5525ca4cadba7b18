// Command sasctl is the command-line client of the SAS platform: it talks to
// a running platform over gRPC. `sasctl help` lists the commands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sasctl:", err)
		os.Exit(1)
	}
}

const usage = `usage: sasctl [-addr host:port] COMMAND

Commands:
  territories list [-filter F]   list SAS territories (filter: region = "regions/52", active = true, ...)
  territories get ID             show one territory, e.g. SAS-44
  directory import [-max-rejection-percent P] FILE
                                 import an RPPS/ADELI extraction and follow the job
  gen directory -professionals N [-seed S] [-o FILE]
                                 write a synthetic extraction in the real format
  login [-credential FILE | -email E [-http URL]]
                                 sign in: with the bootstrap credential sasd wrote to
                                 var/bootstrap-admin.json (default), a vendor's client
                                 credentials file, or an account's e-mail through sasd's
                                 development OIDC issuer; the token is kept for later commands

The platform address is -addr, else $SAS_GRPC_TARGET, else localhost:9090.
Commands send the access token of $SAS_TOKEN, else of the file login wrote
($SAS_TOKEN_FILE, else sas/token in the user's config folder).
`

func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	addr := getenv("SAS_GRPC_TARGET")
	if addr == "" {
		addr = "localhost:9090"
	}
	if len(args) >= 2 && args[0] == "-addr" {
		addr, args = args[1], args[2:]
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" {
		fmt.Fprint(out, usage)
		return nil
	}
	switch {
	case args[0] == "territories":
		return territories(ctx, addr, args[1:], getenv, out)
	case args[0] == "login":
		return login(ctx, addr, args[1:], getenv, out)
	case args[0] == "directory" && len(args) > 1 && args[1] == "import":
		return importFile(ctx, addr, args[2:], getenv, out)
	case args[0] == "gen":
		return generate(args[1:], out)
	}
	return fmt.Errorf("unknown command %q\n\n%s", strings.Join(args, " "), usage)
}
