package orientation_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
	"github.com/sas-platform/sas/services/platform/dbtest"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
	"github.com/sas-platform/sas/services/search/orientation"
)

// t0 is the tests' now.
var t0 = time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)

// Callers of the tests.
var (
	arm44     = authtest.User("arm-44", accountsv1.Role_ROLE_ARM, "territories/SAS-44")
	nurse44   = authtest.User("nurse-44", accountsv1.Role_ROLE_ORIENTATION_NURSE, "territories/SAS-44")
	arm75     = authtest.User("arm-75", accountsv1.Role_ROLE_ARM, "territories/SAS-75")
	referent  = authtest.User("referent-44", accountsv1.Role_ROLE_TERRITORIAL_REFERENT, "territories/SAS-44")
	national  = authtest.User("ans", accountsv1.Role_ROLE_NATIONAL_ADMIN, "")
	service   = authtest.Service("availability")
	physician = authtest.User("pro", accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44")
)

// env is the OrientationService on a real gRPC server (policy, audit and
// error mapping as in production) over a fresh store, with in-memory
// availability and accounts services on the same server, called with the
// search service's own token as in production.
type env struct {
	t      *testing.T
	iss    *authtest.Issuer
	store  *orientation.Store
	avail  *availability
	accts  *accounts
	client searchv1.OrientationServiceClient
	audit  *audit.Recorder
	sink   *sink

	mu  sync.Mutex
	now time.Time
}

// run runs each test on SQLite and on PostgreSQL.
func run(t *testing.T, tests map[string]func(*testing.T, *env)) {
	wrapped := make(map[string]func(*testing.T, dbtest.Engine), len(tests))
	for name, test := range tests {
		wrapped[name] = func(t *testing.T, e dbtest.Engine) { test(t, newEnv(t, e)) }
	}
	dbtest.Run(t, "search", orientation.Migrations, wrapped)
}

func newEnv(t *testing.T, e dbtest.Engine) *env {
	t.Helper()
	iss := authtest.New(t)
	v := &env{t: t, iss: iss, store: orientation.New(e.DB, e.Classify), avail: newAvailability(),
		accts: newAccounts(iss.Key), sink: &sink{}, now: t0}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	v.audit = audit.NewRecorder(log, func() audit.Sink { return v.sink })
	t.Cleanup(func() { _ = v.audit.Close(context.Background()) })
	s := grpc.NewServer(append(iss.ServerOptions(), grpc.ChainUnaryInterceptor(
		v.audit.UnaryServerInterceptor(policy.Audited), apierr.UnaryServerInterceptor(log)))...)
	lis := bufconn.Listen(1 << 20)
	conn := dial(t, lis)
	self := &auth.TokenSource{Fetch: func(context.Context) (string, time.Time, error) {
		return iss.Token(authtest.Service("search")), time.Now().Add(15 * time.Minute), nil
	}}
	srv := orientation.NewServer(orientation.Config{Store: v.store, Pages: pagetoken.NewRandom(time.Hour),
		Availability: availabilityClient(conn), Auth: accountsv1.NewAuthServiceClient(conn),
		Credentials: grpc.PerRPCCredentials(self), Now: v.clock})
	searchv1.RegisterOrientationServiceServer(s, srv)
	v.avail.register(s)
	accountsv1.RegisterAuthServiceServer(s, v.accts)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	v.client = searchv1.NewOrientationServiceClient(conn)
	return v
}

// dial returns a connection to lis (connecting at the first call).
func dial(t *testing.T, lis *bufconn.Listener) *grpc.ClientConn {
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func (v *env) clock() time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.now
}

func (v *env) advance(d time.Duration) {
	v.mu.Lock()
	v.now = v.now.Add(d)
	v.mu.Unlock()
}

// as returns a context calling with a token of p.
func (v *env) as(p *auth.Principal) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	v.t.Cleanup(cancel)
	return v.iss.Context(ctx, p)
}

// orient creates an orientation as p and fails the test on error.
func (v *env) orient(p *auth.Principal, o *searchv1.Orientation) *searchv1.Orientation {
	v.t.Helper()
	got, err := v.client.CreateOrientation(v.as(p), &searchv1.CreateOrientationRequest{Orientation: o})
	if err != nil {
		v.t.Fatalf("orient %v: %v", o, err)
	}
	return got
}

// events flushes the audit trail and returns it.
func (v *env) events() []*audit.Event {
	v.t.Helper()
	if err := v.audit.Close(context.Background()); err != nil {
		v.t.Fatal(err)
	}
	return v.sink.all()
}

// sink keeps audit events in memory.
type sink struct {
	mu     sync.Mutex
	events []*audit.Event
}

func (s *sink) WriteAuditEvents(_ context.Context, events []*audit.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, events...)
	return nil
}

func (s *sink) all() []*audit.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*audit.Event(nil), s.events...)
}
