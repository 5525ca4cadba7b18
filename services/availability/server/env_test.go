package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/availability/server"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
	"github.com/sas-platform/sas/services/platform/dbtest"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

// Professionals of the test directory.
const (
	proA     = "810000000001" // practises at sites/a and sites/b
	proB     = "810000000002"
	inactive = "810000000003"
	optedOut = "810000000004"
)

// t0 is the test's now.
var t0 = time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)

// env is the availability service on a real gRPC server (policy enforced,
// errors mapped as in production) over a fresh store.
type env struct {
	t      testing.TB
	iss    *authtest.Issuer
	db     *store.DB
	conn   *grpc.ClientConn
	slots  availabilityv1.AvailabilityServiceClient
	part   availabilityv1.ParticipationServiceClient
	appts  availabilityv1.AppointmentServiceClient
	rate   int
	orient map[string]string
	ctx    context.Context
}

func newEnv(t *testing.T, e dbtest.Engine) *env { return newBenchEnv(t, e) }

func newBenchEnv(t testing.TB, e dbtest.Engine) *env {
	t.Helper()
	db := store.New(e.DB, e.Classify)
	db.SetClock(func() time.Time { return t0 })
	if _, err := db.ApplyDirectory(context.Background(), []store.Professional{
		{NationalID: proA, Active: true, Sites: []string{"sites/a", "sites/b"}},
		{NationalID: proB, Active: true, Sites: []string{"sites/a"}},
		{NationalID: inactive, Active: false},
		{NationalID: optedOut, Active: true, OptedOut: true},
	}, []store.Site{{Name: "sites/a", Siret: "12345678900011", PostalCode: "44000", City: "Nantes"},
		{Name: "sites/b", Finess: "440000011", PostalCode: "44100", City: "Nantes"}}, "d1.1"); err != nil {
		t.Fatal(err)
	}
	v := &env{t: t, iss: authtest.New(t), db: db, rate: 100_000, orient: map[string]string{"orientations/o1": "territories/SAS-44"}}
	srv := server.New(db, pagetoken.NewRandom(time.Hour), server.Settings{},
		func(context.Context, string) (int, error) { return v.rate, nil },
		func(_ context.Context, name string) (string, error) {
			if t, ok := v.orient[name]; ok {
				return t, nil
			}
			return "", pstore.ErrNotFound
		})
	srv.SetClock(func() time.Time { return t0 })
	lis := bufconn.Listen(1 << 20)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := grpc.NewServer(append(v.iss.ServerOptions(), grpc.ChainUnaryInterceptor(apierr.UnaryServerInterceptor(log)),
		grpc.ChainStreamInterceptor(apierr.StreamServerInterceptor(log)))...)
	availabilityv1.RegisterAvailabilityServiceServer(s, srv)
	availabilityv1.RegisterParticipationServiceServer(s, server.ParticipationServer{Server: srv})
	availabilityv1.RegisterAppointmentServiceServer(s, server.AppointmentServer{Server: srv})
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	v.conn = conn
	v.slots = availabilityv1.NewAvailabilityServiceClient(conn)
	v.part = availabilityv1.NewParticipationServiceClient(conn)
	v.appts = availabilityv1.NewAppointmentServiceClient(conn)
	v.ctx = context.Background()
	return v
}

func (v *env) as(p *auth.Principal) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	v.t.Cleanup(cancel)
	return v.iss.Context(ctx, p)
}

func (v *env) vendor(id string) context.Context { return v.as(authtest.Vendor(id)) }

// professional is the account of the professional nationalID.
func (v *env) professional(nationalID string) context.Context {
	p := authtest.User("pro-"+nationalID, accountsv1.Role_ROLE_PROFESSIONAL, "territories/SAS-44")
	p.NationalID = nationalID
	return v.as(p)
}

// delegate acts for the professionals named.
func (v *env) delegate(actsFor ...string) context.Context {
	p := authtest.User("delegate", accountsv1.Role_ROLE_DELEGATE, "territories/SAS-44")
	p.ActsFor = actsFor
	return v.as(p)
}

// slot is a valid free slot of pro starting h hours after t0, lasting 30 minutes.
func slot(ext, pro string, h float64) *availabilityv1.Slot {
	start := t0.Add(time.Duration(h * float64(time.Hour)))
	return &availabilityv1.Slot{
		ExternalId: ext, Professional: "professionals/" + pro,
		Place:     &availabilityv1.PracticePlace{OrganizationIdentifier: "312345678900011"},
		StartTime: timestamppb.New(start), EndTime: timestamppb.New(start.Add(30 * time.Minute)),
		Status: availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_SNP,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE},
		Specialty:         "SM54", BookingUrl: "https://agenda.example.fr/dr-a",
	}
}
