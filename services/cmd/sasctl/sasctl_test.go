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

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/accounts"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/importer"
	"github.com/sas-platform/sas/services/directory/server"
	dirstore "github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/sqlite"
	"github.com/sas-platform/sas/services/platform/sqlite/sqlitetest"
)

// serve starts the accounts service on loopback and returns its address.
func serve(t *testing.T) string {
	t.Helper()
	db := sqlitetest.New(t, store.Migrations("sqlite"))
	svc, err := accounts.New(context.Background(), db, sqlite.ClassifyError, pagetoken.NewRandom(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
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
	addr := serve(t)
	env := func(string) string { return "" }
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
		{args: []string{"login"}, wantErr: "issue 4"},
		{args: []string{"frobnicate"}, wantErr: `unknown command "frobnicate"`},
	}
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

func TestGenerateThenImport(t *testing.T) {
	addr := serve(t)
	file := filepath.Join(t.TempDir(), "PS_LibreAcces_Personne_activite_202611240800.txt")
	var out strings.Builder
	env := func(string) string { return "" }
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
