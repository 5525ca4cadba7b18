package gateway_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/gateway"
)

// named answers GetTerritory with its own name, to tell servers apart.
type named struct {
	territories
	name string
}

func (n *named) GetTerritory(context.Context, *accountsv1.GetTerritoryRequest) (*commonv1.Territory, error) {
	return &commonv1.Territory{Name: "territories/" + n.name}, nil
}

// TestConnsPerService: with the accounts service deployed apart, its REST
// routes call the accounts connection, not the default one.
func TestConnsPerService(t *testing.T) {
	def := startGRPC(t, &named{name: "DEFAULT"}, health.NewServer())
	acc := startGRPC(t, &named{name: "ACCOUNTS"}, health.NewServer())
	for _, tc := range []struct {
		conns map[string]*grpc.ClientConn
		want  string
	}{
		{nil, "territories/DEFAULT"},
		{map[string]*grpc.ClientConn{gateway.Accounts: acc}, "territories/ACCOUNTS"},
		{map[string]*grpc.ClientConn{gateway.Search: acc}, "territories/DEFAULT"},
	} {
		h, err := gateway.New(t.Context(), gateway.Options{Logger: slog.New(slog.DiscardHandler), Conn: def, Conns: tc.conns})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		resp, err := http.Get(srv.URL + "/v1/territories/SAS-44")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		srv.Close()
		if !strings.Contains(string(body), tc.want) {
			t.Errorf("conns %v: %s, want %s", tc.conns, body, tc.want)
		}
	}
}
