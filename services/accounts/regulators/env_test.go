package regulators_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/regulators"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/accounts/territory"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
	"github.com/sas-platform/sas/services/platform/dbtest"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
)

// env is the RegulatorService on a real gRPC server (policy, audit and
// error mapping as in production) over a seeded store, with the FHIR
// handler in front of it on an httptest server.
type env struct {
	t      *testing.T
	iss    *authtest.Issuer
	db     *store.DB
	audit  *audit.Recorder
	client accountsv1.RegulatorServiceClient
	fhir   string // base URL of the FHIR handler
}

// run runs each test on SQLite and on PostgreSQL.
func run(t *testing.T, tests map[string]func(*testing.T, *env)) {
	wrapped := make(map[string]func(*testing.T, dbtest.Engine), len(tests))
	for name, test := range tests {
		wrapped[name] = func(t *testing.T, e dbtest.Engine) { test(t, newEnv(t, e)) }
	}
	dbtest.Run(t, "accounts", store.Migrations, wrapped)
}

func newEnv(t *testing.T, e dbtest.Engine) *env {
	t.Helper()
	ref, err := territory.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	db := store.New(e.DB, e.Classify)
	if err := db.SeedReference(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rec := audit.NewRecorder(log, func() audit.Sink { return db })
	t.Cleanup(func() { _ = rec.Close(context.Background()) })
	iss := authtest.New(t)
	s := grpc.NewServer(append(iss.ServerOptions(), grpc.ChainUnaryInterceptor(
		rec.UnaryServerInterceptor(policy.Audited), apierr.UnaryServerInterceptor(log)))...)
	accountsv1.RegisterRegulatorServiceServer(s, regulators.NewServer(db, pagetoken.NewRandom(time.Hour)))
	conn := serve(t, s)
	web := httptest.NewServer(regulators.FHIRHandler(conn))
	t.Cleanup(web.Close)
	return &env{t: t, iss: iss, db: db, audit: rec, client: accountsv1.NewRegulatorServiceClient(conn), fhir: web.URL}
}

// serve runs s on an in-memory listener and returns a connection to it.
func serve(t *testing.T, s *grpc.Server) *grpc.ClientConn {
	lis := bufconn.Listen(1 << 20)
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

// vendor is the principal of the vendor the tests call as (a new one each
// time: tokens set its token id).
func vendor() *auth.Principal { return authtest.Vendor("doctoagenda") }

// as returns a context calling with a token of p (none for nil).
func (e *env) as(p *auth.Principal) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	e.t.Cleanup(cancel)
	if p == nil {
		return ctx
	}
	return e.iss.Context(ctx, p)
}

// create adds an account of role in territory ("SAS-44" or "SAS-75").
func (e *env) create(email string, role accountsv1.Role, territory string) *accountsv1.Account {
	e.t.Helper()
	a := &accountsv1.Account{Email: email, Role: role, City: "Ville", Departement: "departements/" + territory[len("SAS-"):],
		Territory: "territories/" + territory, FamilyName: "Martin", GivenName: "Anne"}
	if err := e.db.CreateAccount(context.Background(), a, nil); err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return a
}

// update applies change to a and stores it.
func (e *env) update(a *accountsv1.Account, change func(*accountsv1.Account)) {
	e.t.Helper()
	change(a)
	if err := e.db.UpdateAccount(context.Background(), a, "", nil); err != nil {
		e.t.Fatalf("update %s: %v", a.Name, err)
	}
}

// transition applies tr to a.
func (e *env) transition(a *accountsv1.Account, tr store.Transition) {
	e.t.Helper()
	if _, err := e.db.ChangeState(context.Background(), store.AccountID(a.Name), "", tr, nil); err != nil {
		e.t.Fatalf("change state of %s: %v", a.Name, err)
	}
}

// sync calls SyncRegulators as the vendor and fails t on error.
func (e *env) sync(req *accountsv1.SyncRegulatorsRequest) *accountsv1.SyncRegulatorsResponse {
	e.t.Helper()
	resp, err := e.client.SyncRegulators(e.as(vendor()), req)
	if err != nil {
		e.t.Fatalf("sync %v: %v", req, err)
	}
	return resp
}

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
