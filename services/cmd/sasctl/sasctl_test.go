package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/accounts"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/importer"
	"github.com/sas-platform/sas/services/directory/server"
	dirstore "github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/grpcserver"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
	"github.com/sas-platform/sas/services/platform/sqlite"
	"github.com/sas-platform/sas/services/platform/sqlite/sqlitetest"
)

// serve starts the accounts service (with its bootstrap credential written
// to dir) and the directory's imports on loopback, enforcing the platform
// policy with the accounts service's own keys, and returns the address.
func serve(t *testing.T, dir string) string {
	t.Helper()
	db := sqlitetest.New(t, store.Migrations("sqlite"))
	settings := app.AccountsSettings{TokenTTL: time.Minute, KeyRotation: time.Hour, OIDCClientID: "sas", SignInFailures: 5}
	svc, err := accounts.New(context.Background(), accounts.Config{DB: db, Classify: sqlite.ClassifyError,
		Pages: pagetoken.NewRandom(time.Hour), Settings: settings, ServiceSecret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Bootstrap(context.Background(), dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	authn := policy.Authenticator(auth.NewVerifier(auth.VerifierOptions{Source: svc.KeySource}))
	srv := grpcserver.New(grpcserver.Options{Authenticate: authn, ShutdownGrace: time.Second}).GRPC
	svc.Register(srv)
	registerDirectory(t, srv)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	addr := serve(t, dir)
	env := envWithToken(dir)
	var out strings.Builder
	if err := run(context.Background(), []string{"-addr", addr, "territories", "list"}, env, &out); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("before login: %v, want Unauthenticated", err)
	}
	tests := []struct {
		args    []string
		want    []string
		wantErr string
	}{
		{args: []string{"help"}, want: []string{"territories list"}},
		{args: []string{"-addr", addr, "territories", "list", "-filter", `region = "regions/94"`},
			want: []string{"territories/SAS-2A", "territories/SAS-2B", "SAS Corse-du-Sud"}},
		{args: []string{"-addr", addr, "territories", "get", "SAS-44"}, want: []string{"SAS Loire-Atlantique", "10"}},
		{args: []string{"-addr", addr, "territories", "get", "SAS-99"}, wantErr: "NotFound"},
		{args: []string{"-addr", addr, "login", "-credential", filepath.Join(dir, "nope.json")}, wantErr: "read credential"},
		{args: []string{"frobnicate"}, wantErr: `unknown command "frobnicate"`},
	}
	loginBootstrap(t, addr, dir, env)
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out strings.Builder
			err := run(context.Background(), tt.args, env, &out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// registerDirectory adds the directory's import service, on SQLite.
func registerDirectory(t *testing.T, srv *grpc.Server) {
	communes, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	st := dirstore.New(sqlitetest.New(t, dirstore.Migrations("sqlite")), sqlite.ClassifyError)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	imports := server.NewImports(ctx, st, importer.New(st, communes, log), pagetoken.NewRandom(time.Hour), log)
	t.Cleanup(func() { cancel(); imports.Wait(context.Background()) })
	directoryv1.RegisterImportServiceServer(srv, imports)
}

// envWithToken logs in with the bootstrap credential of dir and returns
// an environment whose token file is the one login wrote.
func envWithToken(dir string) func(string) string {
	return func(k string) string {
		if k == "SAS_TOKEN_FILE" {
			return filepath.Join(dir, "token")
		}
		return ""
	}
}

func loginBootstrap(t *testing.T, addr, dir string, env func(string) string) {
	t.Helper()
	var out strings.Builder
	if err := run(context.Background(), []string{"-addr", addr, "login", "-credential", filepath.Join(dir, accounts.BootstrapFile)}, env, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "signed in") {
		t.Fatalf("login said: %s", out.String())
	}
}

func TestGenerateThenImport(t *testing.T) {
	dir := t.TempDir()
	addr := serve(t, dir)
	file := filepath.Join(t.TempDir(), "PS_LibreAcces_Personne_activite_202611240800.txt")
	var out strings.Builder
	env := envWithToken(dir)
	loginBootstrap(t, addr, dir, env)
	if err := run(context.Background(), []string{"gen", "directory", "-professionals", "200", "-o", file}, env, &out); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"-addr", addr, "directory", "import", file}, env, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "STATE_SUCCEEDED") || !strings.Contains(out.String(), "professionals added 200") {
		t.Fatalf("output:\n%s", out.String())
	}
	err := run(context.Background(), []string{"-addr", addr, "directory", "import", "-max-rejection-percent", "200", file}, env, &out)
	if err == nil || !strings.Contains(err.Error(), "max_rejection_percent") {
		t.Fatalf("a bad threshold: %v", err)
	}
}
