package fhirapi_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/availability/fhirapi"
	"github.com/sas-platform/sas/services/availability/server"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

// base is where the tests serve the FHIR endpoint, routed as sasd does.
const base = "/fhir/r4"

// env is the availability service on a real gRPC server (policy enforced,
// errors mapped as in production) with the FHIR handler on loopback
// calling it.
type env struct {
	t     *testing.T
	db    *store.DB
	iss   *authtest.Issuer
	url   string // the FHIR base URL
	slots availabilityv1.AvailabilityServiceClient
	appts availabilityv1.AppointmentServiceClient
	// orientations are the orientations the service knows, with their territory.
	orientations map[string]string
}

func start(t *testing.T, db *store.DB) *env {
	v := &env{t: t, db: db, iss: authtest.New(t), orientations: map[string]string{
		"orientations/o1": "territories/SAS-44", "orientations/o2": "territories/SAS-44"}}
	srv := server.New(db, pagetoken.NewRandom(time.Hour), server.Settings{}, nil,
		func(_ context.Context, name string) (string, error) {
			if territory, ok := v.orientations[name]; ok {
				return territory, nil
			}
			return "", pstore.ErrNotFound
		})
	lis := bufconn.Listen(1 << 20)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := grpc.NewServer(append(v.iss.ServerOptions(), grpc.ChainUnaryInterceptor(apierr.UnaryServerInterceptor(log)))...)
	availabilityv1.RegisterAvailabilityServiceServer(s, srv)
	availabilityv1.RegisterAppointmentServiceServer(s, server.AppointmentServer{Server: srv})
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	h := fhirapi.Handler(conn, v.iss.Verifier)
	mux := http.NewServeMux()
	for _, pattern := range []string{base, base + "/Appointment", base + "/Appointment/"} {
		mux.Handle(pattern, h)
	}
	web := httptest.NewServer(mux)
	t.Cleanup(web.Close)
	v.url = web.URL + base
	v.slots = availabilityv1.NewAvailabilityServiceClient(conn)
	v.appts = availabilityv1.NewAppointmentServiceClient(conn)
	return v
}

// as is a context calling the service as p.
func (v *env) as(p *auth.Principal) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	v.t.Cleanup(cancel)
	return v.iss.Context(ctx, p)
}

// response is an HTTP answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends body with method to url with a bearer token, when any.
func do(t *testing.T, method, url, token string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/fhir+json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: out}
}

func post(t *testing.T, url, token string, body []byte) (int, []byte) {
	t.Helper()
	r := do(t, http.MethodPost, url, token, body)
	return r.status, r.body
}
