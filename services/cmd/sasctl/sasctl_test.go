package main

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/sas-platform/sas/services/accounts"
	"github.com/sas-platform/sas/services/accounts/store"
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
		{args: []string{"directory", "import", "x.txt"}, wantErr: "issue 3"},
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
