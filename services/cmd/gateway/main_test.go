package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts"
	"github.com/sas-platform/sas/services/availability"
	"github.com/sas-platform/sas/services/directory"
	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/search"
)

// TestGatewayServesFHIR runs the services gRPC-only in one process and the
// standalone gateway in front of them, as Kubernetes deploys them: a vendor
// reaches the FHIR routes through the gateway, which names it from its token
// with the keys of the remote accounts service.
func TestGatewayServesFHIR(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	grpcAddr, dir := startServices(t, ctx)
	rest := startGateway(t, ctx, grpcAddr)

	anon, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer anon.Close()
	admin := auth.WithBearer(ctx, signIn(t, anon, bootstrap(t, dir)))
	v, err := accountsv1.NewVendorServiceClient(anon).CreateVendor(admin, &accountsv1.CreateVendorRequest{
		VendorId: "doctoagenda", Vendor: &accountsv1.Vendor{DisplayName: "DoctoAgenda", Enabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	vendor := signIn(t, anon, &accountsv1.ClientCredentials{ClientId: v.GetVendor().GetClientId(), ClientSecret: v.GetClientSecret()})

	for _, c := range []struct {
		method, path, body, token string
		status                    int
		want                      string
	}{
		// Without a token: refused before any call.
		{"POST", "/fhir/r4", `{"resourceType":"Bundle"}`, "", http.StatusUnauthorized, "OperationOutcome"},
		// A vendor's push of something else than a Bundle: a precise error,
		// which needs the vendor named from its token.
		{"POST", "/fhir/r4", `{"resourceType":"Patient"}`, vendor, http.StatusBadRequest, "Patient"},
		// The regulators a vendor may know, through accounts.
		{"GET", "/fhir/r4/Practitioner?_count=5", "", vendor, http.StatusOK, `"searchset"`},
		{"GET", "/fhir/r4/Appointment/none", "", vendor, http.StatusMethodNotAllowed, "OperationOutcome"},
	} {
		req, _ := http.NewRequestWithContext(ctx, c.method, rest+c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/fhir+json")
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(body), c.want) {
			t.Errorf("%s %s: %d %s, want %d with %s", c.method, c.path, resp.StatusCode, body, c.status, c.want)
		}
	}
}

// startServices runs every service, gRPC only, until ctx is done; it
// returns their address and data folder.
func startServices(t *testing.T, ctx context.Context) (string, string) {
	p := app.Process{Name: "services", Services: []app.Service{accounts.Service(), directory.Service(), availability.Service(), search.Service()}}
	addrs := make(chan string, 1)
	p.Banner = func(_ io.Writer, g, _ string) { addrs <- g }
	dir := t.TempDir()
	done := make(chan error, 1)
	go func() {
		done <- p.Run(ctx, []string{"-grpc-addr", "127.0.0.1:0", "-data-dir", dir, "-log-level", "warn"},
			app.IO{Getenv: func(string) string { return "" }, Stdout: io.Discard, Stderr: io.Discard})
	}()
	t.Cleanup(func() {
		if err := <-done; err != nil {
			t.Errorf("services stop: %v", err)
		}
	})
	select {
	case addr := <-addrs:
		return addr, dir
	case err := <-done:
		done <- err
		t.Fatalf("services stopped at start: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("services did not start within a minute")
	}
	return "", ""
}

// startGateway runs the gateway in front of grpcAddr until ctx is done and
// returns its base URL.
func startGateway(t *testing.T, ctx context.Context, grpcAddr string) string {
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, []string{"-grpc-target", grpcAddr, "-http-addr", "127.0.0.1:0", "-log-level", "warn"}, w)
		w.CloseWithError(err)
		done <- err
	}()
	t.Cleanup(func() {
		if err := <-done; err != nil {
			t.Errorf("gateway stop: %v", err)
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("gateway start: %v", err)
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	// "serving REST on http://127.0.0.1:port in front of …"
	fields := strings.Fields(line)
	if len(fields) < 4 || !strings.HasPrefix(fields[3], "http://") {
		t.Fatalf("gateway start: %q", line)
	}
	return fields[3]
}

func bootstrap(t *testing.T, dir string) *accountsv1.ClientCredentials {
	raw, err := os.ReadFile(filepath.Join(dir, accounts.BootstrapFile))
	if err != nil {
		t.Fatal(err)
	}
	var b accounts.Bootstrap
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	return &accountsv1.ClientCredentials{ClientId: b.ClientID, ClientSecret: b.ClientSecret}
}

func signIn(t *testing.T, conn *grpc.ClientConn, c *accountsv1.ClientCredentials) string {
	resp, err := accountsv1.NewAuthServiceClient(conn).IssueToken(context.Background(), &accountsv1.IssueTokenRequest{
		Grant: &accountsv1.IssueTokenRequest_ClientCredentials{ClientCredentials: c}})
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	return resp.GetAccessToken()
}
