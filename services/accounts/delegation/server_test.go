package delegation_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"slices"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/delegation"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/accounts/territory"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/sqlite"
	"github.com/sas-platform/sas/services/platform/sqlite/sqlitetest"
)

type env struct {
	t      *testing.T
	iss    *authtest.Issuer
	db     *store.DB
	client accountsv1.DelegationServiceClient
	acc    map[string]*accountsv1.Account
}

var cast = []struct {
	key, nid  string
	role      accountsv1.Role
	territory string
}{
	{"nat", "", accountsv1.Role_ROLE_NATIONAL_ADMIN, "territories/SAS-44"},
	{"ars44", "", accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER, "territories/SAS-44"},
	{"ars75", "", accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER, "territories/SAS-75"},
	{"pro44", "810000000044", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44"},
	{"pro75", "810000000075", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-75"},
	{"msp44", "", accountsv1.Role_ROLE_STRUCTURE_MANAGER, "territories/SAS-44"},
	{"del44", "", accountsv1.Role_ROLE_DELEGATE, "territories/SAS-44"},
	{"del75", "", accountsv1.Role_ROLE_DELEGATE, "territories/SAS-75"},
	{"arm44", "", accountsv1.Role_ROLE_ARM, "territories/SAS-44"},
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ref, err := territory.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	db := store.New(sqlitetest.New(t, store.Migrations("sqlite")), sqlite.ClassifyError)
	if err := db.SeedReference(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, iss: authtest.New(t), db: db, acc: map[string]*accountsv1.Account{}}
	for _, c := range cast {
		a := &accountsv1.Account{Email: c.key + "@example.fr", Role: c.role, City: "Ville", Territory: c.territory,
			Departement: "departements/" + c.territory[len("territories/SAS-"):], NationalId: c.nid}
		if err := db.CreateAccount(context.Background(), a, nil); err != nil {
			t.Fatal(err)
		}
		e.acc[c.key] = a
	}
	lis := bufconn.Listen(1 << 20)
	s := grpc.NewServer(append(e.iss.ServerOptions(),
		grpc.ChainUnaryInterceptor(apierr.UnaryServerInterceptor(slog.New(slog.NewTextHandler(io.Discard, nil)))))...)
	accountsv1.RegisterDelegationServiceServer(s, delegation.NewServer(db, pagetoken.NewRandom(time.Hour)))
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	e.client = accountsv1.NewDelegationServiceClient(conn)
	return e
}

func (e *env) as(key string) context.Context {
	a := e.acc[key]
	p := &auth.Principal{Subject: a.Name, Kind: auth.KindUser, Role: a.Role, Territory: a.Territory, NationalID: a.NationalId}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	e.t.Cleanup(cancel)
	return e.iss.Context(ctx, p)
}

// grant creates a grant from grantor to delegate in the store.
func (e *env) grant(grantor, delegate string, pros ...string) *accountsv1.Delegation {
	g := &accountsv1.Delegation{Delegate: e.acc[delegate].Name, Professionals: pros}
	if err := e.db.CreateDelegation(context.Background(), store.AccountID(e.acc[grantor].Name), g, nil); err != nil {
		e.t.Fatal(err)
	}
	return g
}

func wantCode(t *testing.T, err error, want codes.Code) {
	t.Helper()
	if got := status.Code(err); got != want {
		t.Fatalf("got %v (%v), want %v", got, err, want)
	}
}

func fields(err error) []string {
	var out []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.FieldViolations {
				out = append(out, v.Field)
			}
		}
	}
	return out
}

func TestCreateScope(t *testing.T) {
	tests := []struct {
		caller, parent, delegate string
		pros                     []string
		want                     codes.Code
	}{
		{"pro44", "me", "del44", nil, codes.OK},
		{"pro44", "pro44", "del75", []string{"professionals/810000000044"}, codes.OK},
		{"msp44", "me", "del44", []string{"professionals/810000000044", "professionals/810000000075"}, codes.OK},
		{"ars44", "pro44", "del44", nil, codes.OK},
		{"nat", "pro75", "del44", nil, codes.OK},
		{"ars44", "pro75", "del44", nil, codes.NotFound},
		{"pro44", "pro75", "del44", nil, codes.PermissionDenied},
		{"del44", "me", "del75", nil, codes.PermissionDenied}, // policy
		{"arm44", "me", "del44", nil, codes.PermissionDenied}, // policy
		{"ars44", "arm44", "del44", nil, codes.InvalidArgument},
		{"pro44", "me", "arm44", nil, codes.InvalidArgument},
		{"pro44", "me", "del44", []string{"professionals/810000000075"}, codes.InvalidArgument},
		{"msp44", "me", "del44", nil, codes.InvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.caller+" for "+tt.parent+" to "+tt.delegate, func(t *testing.T) {
			e := newEnv(t)
			parent := "accounts/me"
			if tt.parent != "me" {
				parent = e.acc[tt.parent].Name
			}
			g, err := e.client.CreateDelegation(e.as(tt.caller), &accountsv1.CreateDelegationRequest{Parent: parent,
				Delegation: &accountsv1.Delegation{Delegate: e.acc[tt.delegate].Name, Professionals: tt.pros}})
			wantCode(t, err, tt.want)
			if err == nil {
				grantor := e.acc[tt.parent]
				if tt.parent == "me" {
					grantor = e.acc[tt.caller]
				}
				if g.CreateTime == nil || g.Name[:len(grantor.Name)] != grantor.Name {
					t.Fatalf("created %v", g)
				}
			}
		})
	}
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t)
	del := e.acc["del44"].Name
	tests := []struct {
		name   string
		g      *accountsv1.Delegation
		fields []string
	}{
		{"no delegate", &accountsv1.Delegation{}, []string{"delegation.delegate"}},
		{"unknown delegate", &accountsv1.Delegation{Delegate: "accounts/00000000-0000-4000-8000-000000000000"}, []string{"delegation.delegate"}},
		{"past expiry", &accountsv1.Delegation{Delegate: del, ExpireTime: timestamppb.New(time.Now().Add(-time.Hour))}, []string{"delegation.expire_time"}},
		{"bad professional", &accountsv1.Delegation{Delegate: del, Professionals: []string{"810000000044"}}, []string{"delegation.professionals[0]"}},
		{"twice", &accountsv1.Delegation{Delegate: del, Professionals: []string{"professionals/810000000044", "professionals/810000000044"}}, []string{"delegation.professionals[1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client.CreateDelegation(e.as("pro44"), &accountsv1.CreateDelegationRequest{Parent: "accounts/me", Delegation: tt.g})
			wantCode(t, err, codes.InvalidArgument)
			if f := fields(err); !slices.Equal(f, tt.fields) {
				t.Fatalf("fields %v, want %v", f, tt.fields)
			}
		})
	}
	_, err := e.client.CreateDelegation(e.as("pro44"), &accountsv1.CreateDelegationRequest{Parent: "accounts/me"})
	wantCode(t, err, codes.InvalidArgument)
}

func TestBothSides(t *testing.T) {
	e := newEnv(t)
	g1 := e.grant("pro44", "del44")
	g2 := e.grant("msp44", "del44", "professionals/810000000075")
	g3 := e.grant("pro75", "del75")
	names := func(resp *accountsv1.ListDelegationsResponse, err error) []string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, g := range resp.Delegations {
			out = append(out, g.Name)
		}
		return out
	}
	list := func(caller, parent, filter string) []string {
		t.Helper()
		return names(e.client.ListDelegations(e.as(caller), &accountsv1.ListDelegationsRequest{Parent: parent, Filter: filter}))
	}
	tests := []struct {
		caller, parent, filter string
		want                   []string
	}{
		{"pro44", "accounts/me", "", []string{g1.Name}},
		{"pro44", "accounts/-", "", []string{g1.Name}},
		{"del44", "accounts/-", "", []string{g1.Name, g2.Name}},
		{"del44", "accounts/-", `delegate = "accounts/me"`, []string{g1.Name, g2.Name}},
		{"del44", "accounts/-", `delegate = "` + e.acc["del44"].Name + `"`, []string{g1.Name, g2.Name}},
		{"del44", e.acc["msp44"].Name, "", []string{g2.Name}},
		{"ars44", "accounts/-", "", []string{g1.Name, g2.Name}},
		{"ars44", "accounts/-", `professional = "professionals/810000000075"`, []string{g2.Name}},
		{"nat", "accounts/-", `delegate = "` + e.acc["del75"].Name + `"`, []string{g3.Name}},
		{"nat", "accounts/-", `professional = "professionals/810000000075"`, []string{g2.Name, g3.Name}},
		{"ars44", e.acc["pro44"].Name, "", []string{g1.Name}},
	}
	for _, tt := range tests {
		if got := list(tt.caller, tt.parent, tt.filter); !slices.Equal(got, tt.want) {
			t.Errorf("%s lists %s %q: %v, want %v", tt.caller, tt.parent, tt.filter, got, tt.want)
		}
	}
	_, err := e.client.ListDelegations(e.as("del44"), &accountsv1.ListDelegationsRequest{Parent: "accounts/-", Filter: `delegate = "` + e.acc["del75"].Name + `"`})
	wantCode(t, err, codes.PermissionDenied)
	_, err = e.client.ListDelegations(e.as("ars44"), &accountsv1.ListDelegationsRequest{Parent: e.acc["pro75"].Name})
	wantCode(t, err, codes.NotFound)
	_, err = e.client.ListDelegations(e.as("pro44"), &accountsv1.ListDelegationsRequest{Parent: e.acc["pro75"].Name})
	wantCode(t, err, codes.PermissionDenied)

	for caller, want := range map[string]codes.Code{"pro44": codes.OK, "del44": codes.OK, "ars44": codes.OK, "del75": codes.NotFound, "ars75": codes.NotFound, "msp44": codes.PermissionDenied} {
		got, err := e.client.GetDelegation(e.as(caller), &accountsv1.GetDelegationRequest{Name: g1.Name})
		if status.Code(err) != want || err == nil && !proto.Equal(got, g1) {
			t.Errorf("%s gets %s: %v, %v; want %v", caller, g1.Name, got, err, want)
		}
	}
}

func TestPages(t *testing.T) {
	e := newEnv(t)
	for range 7 {
		e.grant("pro44", "del44")
	}
	req := &accountsv1.ListDelegationsRequest{Parent: "accounts/me", PageSize: 3}
	n := 0
	for {
		resp, err := e.client.ListDelegations(e.as("pro44"), req)
		if err != nil {
			t.Fatal(err)
		}
		n += len(resp.Delegations)
		if resp.NextPageToken == "" {
			break
		}
		req.PageToken = resp.NextPageToken
	}
	if n != 7 {
		t.Fatalf("walked %d grants, want 7", n)
	}
	req.Parent = "accounts/-"
	_, err := e.client.ListDelegations(e.as("pro44"), req)
	wantCode(t, err, codes.InvalidArgument)
}

func TestRevoke(t *testing.T) {
	e := newEnv(t)
	g := e.grant("pro44", "del44")
	ctx := context.Background()
	if nids, _ := e.db.ActsFor(ctx, store.AccountID(e.acc["del44"].Name)); !slices.Equal(nids, []string{"810000000044"}) {
		t.Fatalf("acts for %v", nids)
	}
	_, err := e.client.DeleteDelegation(e.as("del44"), &accountsv1.DeleteDelegationRequest{Name: g.Name})
	wantCode(t, err, codes.PermissionDenied) // policy: the grantor revokes
	_, err = e.client.DeleteDelegation(e.as("ars75"), &accountsv1.DeleteDelegationRequest{Name: g.Name})
	wantCode(t, err, codes.NotFound)
	req := &accountsv1.DeleteDelegationRequest{Name: g.Name, RequestId: "2f1c3c1e-8a43-4c6b-9f1e-0c2d3e4f5a6b"}
	for range 2 { // a retry answers as the first call
		if _, err := e.client.DeleteDelegation(e.as("pro44"), req); err != nil {
			t.Fatal(err)
		}
	}
	_, err = e.client.DeleteDelegation(e.as("pro44"), &accountsv1.DeleteDelegationRequest{Name: g.Name})
	wantCode(t, err, codes.NotFound)
	if nids, _ := e.db.ActsFor(ctx, store.AccountID(e.acc["del44"].Name)); len(nids) != 0 {
		t.Fatalf("acts for %v after revocation", nids)
	}
}
