package availability

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/availability/pull"
	"github.com/sas-platform/sas/services/availability/server"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/app"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

// vendorRates reads a vendor's push limit from its account.
func vendorRates(conn *grpc.ClientConn, creds grpc.CallOption) server.PushRates {
	client := accountsv1.NewVendorServiceClient(conn)
	return func(ctx context.Context, vendor string) (int, error) {
		resp, err := client.ListVendors(ctx, &accountsv1.ListVendorsRequest{PageSize: 1000}, creds)
		if err != nil {
			return 0, err
		}
		for _, v := range resp.GetVendors() {
			if v.GetName() == vendor {
				return int(v.GetPushRateLimit()), nil
			}
		}
		return 0, nil
	}
}

// orientations reads an orientation's territory from the search service.
func orientations(a *app.App, creds grpc.CallOption) server.Orientations {
	return func(ctx context.Context, name string) (string, error) {
		conn, err := a.PeerConn(a.SearchAddr)
		if err != nil {
			return "", err
		}
		o, err := searchv1.NewOrientationServiceClient(conn).GetOrientation(ctx, &searchv1.GetOrientationRequest{Name: name}, creds)
		if status.Code(err) == codes.NotFound {
			return "", pstore.ErrNotFound
		}
		return o.GetTerritory(), err
	}
}

// source tells the puller which vendors to pull and for whom.
type source struct {
	st       *store.DB
	vendors  accountsv1.VendorServiceClient
	creds    grpc.CallOption
	dir      string
	roots    *x509.CertPool
	mu       sync.Mutex
	tlsCache map[string]*tls.Config
}

func newSource(st *store.DB, conn *grpc.ClientConn, creds grpc.CallOption, s app.AvailabilitySettings, dataDir string) (*source, error) {
	src := &source{st: st, vendors: accountsv1.NewVendorServiceClient(conn), creds: creds, dir: s.VendorSecretsDir,
		tlsCache: map[string]*tls.Config{}}
	if src.dir == "" {
		src.dir = filepath.Join(dataDir, "secrets")
	}
	if s.VendorCAFile != "" {
		pem, err := os.ReadFile(s.VendorCAFile)
		if err != nil {
			return nil, fmt.Errorf("SAS_VENDOR_CA_FILE: %w", err)
		}
		src.roots = x509.NewCertPool()
		if !src.roots.AppendCertsFromPEM(pem) {
			return nil, errors.New("SAS_VENDOR_CA_FILE: no PEM certificate in it")
		}
	}
	return src, nil
}

// Targets implements pull.Source: the enabled vendors with a FHIR base URL.
func (s *source) Targets(ctx context.Context) ([]pull.Target, error) {
	var out []pull.Target
	for token := ""; ; {
		resp, err := s.vendors.ListVendors(ctx, &accountsv1.ListVendorsRequest{PageSize: 1000, PageToken: token}, s.creds)
		if err != nil {
			return nil, err
		}
		for _, v := range resp.GetVendors() {
			if v.GetFhirBaseUrl() == "" || !v.GetEnabled() {
				continue
			}
			cfg, err := s.tlsConfig(v.GetClientCertificateSecret())
			if err != nil {
				return nil, fmt.Errorf("%s: %w", v.GetName(), err)
			}
			out = append(out, pull.Target{Vendor: v.GetName(), BaseURL: v.GetFhirBaseUrl(), TLS: cfg})
		}
		if token = resp.GetNextPageToken(); token == "" {
			return out, nil
		}
	}
}

// tlsConfig loads a vendor's client certificate secret (kept once loaded).
func (s *source) tlsConfig(secret string) (*tls.Config, error) {
	if secret == "" && s.roots == nil {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cfg, ok := s.tlsCache[secret]; ok {
		return cfg, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: s.roots}
	if secret != "" {
		if filepath.Base(secret) != secret {
			return nil, fmt.Errorf("client certificate secret %q is not a plain name", secret)
		}
		cert, err := tls.LoadX509KeyPair(filepath.Join(s.dir, secret, "tls.crt"), filepath.Join(s.dir, secret, "tls.key"))
		if err != nil {
			return nil, fmt.Errorf("client certificate secret %q: %w", secret, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	s.tlsCache[secret] = cfg
	return cfg, nil
}

// Professionals implements pull.Source.
func (s *source) Professionals(ctx context.Context, vendor string) ([]string, error) {
	return s.st.VendorProfessionals(ctx, vendor)
}
