package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts"
	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

// platform is a running sasd on loopback.
type platform struct {
	conn *grpc.ClientConn // sends the national admin's token
	// anon sends no token.
	anon  *grpc.ClientConn
	rest  string // http://127.0.0.1:port
	token string // national admin (bootstrap credential)
	dir   string // data folder
	proc  child  // sasd's process when it runs apart (load runs); zero in-process
}

// syncBuffer collects the process's logs across goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs sasd with args until the test ends, and checks it then stops cleanly.
func start(t *testing.T, args ...string) platform { return startBench(t, args...) }

// testArgs are the settings of a test's sasd: loopback on ports of its
// own, data in dir, warnings and errors only.
func testArgs(dir string) []string {
	return []string{"-grpc-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-data-dir", dir, "-log-level", "warn"}
}

// startBench is start for tests and benchmarks.
func startBench(t testing.TB, args ...string) platform {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan [2]string, 1)
	p := sasd()
	p.Banner = func(_ io.Writer, g, h string) { addrs <- [2]string{g, h} }
	logs := &syncBuffer{}
	done := make(chan error, 1)
	dir := t.TempDir()
	args = append(testArgs(dir), args...)
	go func() {
		done <- p.Run(ctx, args, app.IO{Getenv: func(string) string { return "" }, Stdout: io.Discard, Stderr: logs})
	}()
	var got [2]string
	select {
	case got = <-addrs:
	case err := <-done:
		cancel()
		t.Fatalf("sasd stopped at start: %v\n%s", err, logs)
	case <-time.After(time.Minute):
		cancel()
		t.Fatalf("sasd did not start within a minute\n%s", logs)
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("sasd stop: %v\n%s", err, logs)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("sasd did not stop within 30 s\n%s", logs)
		}
	})
	return connect(t, got[0], got[1], dir)
}

// connect returns the platform sasd serves on grpcAddr and httpAddr, with
// its data in dir; the connections close when t ends, before sasd stops.
func connect(t testing.TB, grpcAddr, httpAddr, dir string) platform {
	t.Helper()
	anon, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	token := bootstrapToken(t, anon, dir)
	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(&auth.TokenSource{Fetch: func(context.Context) (string, time.Time, error) {
			return token, time.Now().Add(time.Hour), nil
		}}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		anon.Close()
	})
	return platform{conn: conn, anon: anon, rest: "http://" + httpAddr, token: token, dir: dir}
}

// bootstrapToken signs in with the credential sasd wrote on its first start.
func bootstrapToken(t testing.TB, conn *grpc.ClientConn, dir string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, accounts.BootstrapFile))
	if err != nil {
		t.Fatalf("bootstrap credential: %v", err)
	}
	var b accounts.Bootstrap
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	resp, err := accountsv1.NewAuthServiceClient(conn).IssueToken(context.Background(), &accountsv1.IssueTokenRequest{
		Grant: &accountsv1.IssueTokenRequest_ClientCredentials{ClientCredentials: &accountsv1.ClientCredentials{ClientId: b.ClientID, ClientSecret: b.ClientSecret}}})
	if err != nil {
		t.Fatalf("sign in with the bootstrap credential: %v", err)
	}
	return resp.AccessToken
}

// configurations are the store and cache combinations sasd runs on.
func configurations(t *testing.T) map[string]func(t *testing.T) []string {
	return map[string]func(t *testing.T) []string{
		"sqlite+memory": func(*testing.T) []string { return nil },
		"postgres+redis": func(t *testing.T) []string {
			redisURL := os.Getenv("SAS_TEST_REDIS_URL")
			if redisURL == "" {
				redisURL = "redis://127.0.0.1:6379/0"
			}
			return []string{"-postgres-url", pgtest.NewEmpty(t), "-redis-url", redisURL}
		},
	}
}

// restCall does an HTTP call and returns status, body and the request id header.
func restCall(t testing.TB, method, url, body, token string) (int, []byte, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b, resp.Header.Get("X-Request-Id")
}

// checkREST compares a REST answer with the gRPC one of the same case.
func checkREST(t *testing.T, status int, body []byte, wantStatus int, grpcResp proto.Message, code codes.Code) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("HTTP status %d, want %d: %s", status, wantStatus, body)
	}
	if code != codes.OK {
		var e struct{ Code int }
		if err := json.Unmarshal(body, &e); err != nil || codes.Code(e.Code) != code {
			t.Fatalf("REST error body %s: want JSON with code %d", body, code)
		}
		return
	}
	got := grpcResp.ProtoReflect().New().Interface()
	if err := protojson.Unmarshal(body, got); err != nil {
		t.Fatalf("REST body is not the gRPC message: %v\n%s", err, body)
	}
	opts := []cmp.Option{protocmp.Transform()}
	if got.ProtoReflect().Descriptor().Fields().ByName("next_page_token") != nil {
		opts = append(opts, protocmp.IgnoreFields(got, "next_page_token")) // sealed with a fresh nonce each time
	}
	if diff := cmp.Diff(grpcResp, got, opts...); diff != "" {
		t.Fatalf("REST and gRPC answers differ (-grpc +rest):\n%s", diff)
	}
}

func checkHealth(t *testing.T, conn *grpc.ClientConn, services []string) {
	t.Helper()
	client := healthpb.NewHealthClient(conn)
	for _, svc := range append([]string{""}, services...) {
		resp, err := client.Check(context.Background(), &healthpb.HealthCheckRequest{Service: svc})
		if err != nil || resp.Status != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("health of %q: %v, %v; want SERVING", svc, resp.GetStatus(), err)
		}
	}
}

func grpcCode(err error) codes.Code { return status.Code(err) }

// TestREADMEConfiguration keeps the README's configuration table equal to `sasd -h`.
func TestREADMEConfiguration(t *testing.T) {
	var usage strings.Builder
	if err := sasd().Run(context.Background(), []string{"-h"}, app.IO{Getenv: func(string) string { return "" }, Stdout: &usage, Stderr: io.Discard}); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), strings.TrimSpace(usage.String())) {
		t.Fatalf("README.md's configuration table differs from `sasd -h`; paste this:\n%s", usage.String())
	}
}

// TestBadSettingsStopTheStart checks that wrong settings fail fast, naming what is wrong.
func TestBadSettingsStopTheStart(t *testing.T) {
	tests := map[string]struct {
		args []string
		want string
	}{
		"unreachable Redis":      {[]string{"-redis-url", "redis://127.0.0.1:1/0"}, "open cache"},
		"unreachable PostgreSQL": {[]string{"-postgres-url", "postgres://postgres@127.0.0.1:1/test?connect_timeout=1"}, "open accounts store"},
		"bad duration":           {[]string{"-rpc-timeout", "soon"}, "rpc-timeout"},
		"bad log level":          {[]string{"-log-level", "chatty"}, "SAS_LOG_LEVEL"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"-grpc-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-data-dir", t.TempDir()}, tt.args...)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := sasd().Run(ctx, args, app.IO{Getenv: func(string) string { return "" }, Stdout: io.Discard, Stderr: io.Discard})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Run = %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

// TestMigrateOnly: -migrate-only migrates every store and exits without
// serving; the stores are then there for a normal start.
func TestMigrateOnly(t *testing.T) {
	dir := t.TempDir()
	var out strings.Builder
	err := sasd().Run(context.Background(), []string{"-migrate-only", "-data-dir", dir, "-grpc-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0", "-log-level", "warn"},
		app.IO{Getenv: func(string) string { return "" }, Stdout: &out, Stderr: io.Discard})
	if err != nil || !strings.Contains(out.String(), "stores migrated") {
		t.Fatalf("migrate-only: %v, %q", err, out.String())
	}
	for _, db := range []string{"accounts.db", "directory.db", "availability.db", "search.db"} {
		if _, err := os.Stat(filepath.Join(dir, db)); err != nil {
			t.Errorf("%s not created: %v", db, err)
		}
	}
}

// TestDebugListener: with SAS_DEBUG_ADDR, the runtime's counters and
// profiles are served there, and nowhere on the REST port.
func TestDebugListener(t *testing.T) {
	addr := freeAddr(t)
	p := start(t, "-debug-addr", addr)
	resp, err := http.Get("http://" + addr + "/debug/vars")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var vars struct{ Memstats struct{ HeapAlloc uint64 } }
	if err := json.NewDecoder(resp.Body).Decode(&vars); err != nil || vars.Memstats.HeapAlloc == 0 {
		t.Fatalf("/debug/vars: %v, heap %d", err, vars.Memstats.HeapAlloc)
	}
	for url, want := range map[string]int{"http://" + addr + "/debug/pprof/": 200, p.rest + "/debug/pprof/": 404} {
		r, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", url, r.StatusCode, want)
		}
	}
}
