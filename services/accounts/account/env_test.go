package account_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/account"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/accounts/territory"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/sqlite"
	"github.com/sas-platform/sas/services/platform/sqlite/sqlitetest"
)

// env is an AccountService on a real gRPC server (policy enforced, errors
// mapped as in production) over a fresh SQLite store with a cast of accounts.
type env struct {
	t      *testing.T
	iss    *authtest.Issuer
	db     *store.DB
	srv    *account.Server
	dir    fakeDirectory
	client accountsv1.AccountServiceClient
	// The cast, by short name: nat (national admin), ars44, ars44b, ars75,
	// ref44 (referent), arm44, arm75, pro44, del44.
	acc map[string]*accountsv1.Account
}

var cast = []struct {
	key       string
	role      accountsv1.Role
	territory string
}{
	{"nat", accountsv1.Role_ROLE_NATIONAL_ADMIN, "territories/SAS-44"},
	{"ars44", accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER, "territories/SAS-44"},
	{"ars44b", accountsv1.Role_ROLE_GRADES_ACCOUNT_MANAGER, "territories/SAS-44"},
	{"ars75", accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER, "territories/SAS-75"},
	{"ref44", accountsv1.Role_ROLE_TERRITORIAL_REFERENT, "territories/SAS-44"},
	{"arm44", accountsv1.Role_ROLE_ARM, "territories/SAS-44"},
	{"arm75", accountsv1.Role_ROLE_ARM, "territories/SAS-75"},
	{"pro44", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44"},
	{"del44", accountsv1.Role_ROLE_DELEGATE, "territories/SAS-44"},
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
	e := &env{t: t, iss: authtest.New(t), db: db, dir: fakeDirectory{}, acc: map[string]*accountsv1.Account{}}
	for _, c := range cast {
		a := accountOf(c.key+"@example.fr", c.role, c.territory)
		if c.role == accountsv1.Role_ROLE_PROFESSIONAL {
			a.NationalId = "810000000044"
		}
		if err := db.CreateAccount(context.Background(), a, nil); err != nil {
			t.Fatal(err)
		}
		e.acc[c.key] = a
	}
	e.srv = account.NewServer(db, pagetoken.NewRandom(time.Hour), e.dir)
	e.client = accountsv1.NewAccountServiceClient(serve(t, e.iss, func(s *grpc.Server) {
		accountsv1.RegisterAccountServiceServer(s, e.srv)
	}))
	return e
}

// accountOf is a valid account of role in territory (SAS-44 or SAS-75).
func accountOf(email string, role accountsv1.Role, territory string) *accountsv1.Account {
	dep := "departements/" + territory[len("territories/SAS-"):]
	return &accountsv1.Account{Email: email, Role: role, City: "Ville", Departement: dep, Territory: territory,
		FamilyName: "Martin", GivenName: "Anne"}
}

// serve runs a gRPC server on an in-memory listener and returns a client
// connection to it.
func serve(t *testing.T, iss *authtest.Issuer, register func(*grpc.Server)) *grpc.ClientConn {
	lis := bufconn.Listen(1 << 20)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := grpc.NewServer(append(iss.ServerOptions(), grpc.ChainUnaryInterceptor(apierr.UnaryServerInterceptor(log)))...)
	register(s)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// as returns a context calling with the token of cast member key.
func (e *env) as(key string) context.Context {
	a := e.acc[key]
	p := &auth.Principal{Subject: a.Name, Kind: auth.KindUser, Role: a.Role, Territory: a.Territory, NationalID: a.NationalId}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	e.t.Cleanup(cancel)
	return e.iss.Context(ctx, p)
}

// fakeDirectory answers CheckProfessional from a map (absent: known and active).
type fakeDirectory map[string]error

func (d fakeDirectory) CheckProfessional(_ context.Context, nid string) error { return d[nid] }

var (
	unknownPro  = status.Error(codes.NotFound, "professionals/810009999999 not found")
	inactivePro = status.Error(codes.FailedPrecondition, "inactive")
)

// fields returns the fields named by the BadRequest detail of err.
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

// wantCode fails t unless err has code want.
func wantCode(t *testing.T, err error, want codes.Code) {
	t.Helper()
	if got := status.Code(err); got != want {
		t.Fatalf("got %v (%v), want %v", got, err, want)
	}
}
