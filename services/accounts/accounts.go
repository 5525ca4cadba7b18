// Package accounts is the accounts service: territories reference, user
// accounts scoped by territory, delegations, vendors and the regulators they
// know, sign-in (access tokens and their key set) and the audit trail.
package accounts

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/go-jose/go-jose/v4"
	"google.golang.org/grpc"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/accounts/account"
	"github.com/sas-platform/sas/services/accounts/auditlog"
	"github.com/sas-platform/sas/services/accounts/authn"
	"github.com/sas-platform/sas/services/accounts/delegation"
	"github.com/sas-platform/sas/services/accounts/oidc"
	"github.com/sas-platform/sas/services/accounts/regulators"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/accounts/territory"
	"github.com/sas-platform/sas/services/accounts/vendors"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	platformstore "github.com/sas-platform/sas/services/platform/store"
)

// BootstrapFile is where sasd writes the bootstrap credential, under the data folder.
const BootstrapFile = "bootstrap-admin.json"

// Service is the accounts service as a process hosts it: its own store
// ("accounts" schema or var/accounts.db), migrated and seeded at start-up.
func Service() app.Service {
	return app.Service{
		Names:   ServiceNames(),
		Roadmap: Roadmap(),
		Register: func(ctx context.Context, a *app.App, reg grpc.ServiceRegistrar) error {
			db, err := a.OpenDB(ctx, "accounts", store.Migrations)
			if err != nil {
				return err
			}
			// National ids are checked against the directory: this process's
			// own when SAS_DIRECTORY_ADDR is empty, else the one deployed apart.
			directory, err := a.PeerConn(a.DirectoryAddr)
			if err != nil {
				return err
			}
			svc, err := New(ctx, Config{DB: db.SQL, Classify: db.Classify, Pages: a.Pages, Audit: a.Audit,
				Settings: a.Settings.Accounts, ServiceSecret: a.ServiceSecret,
				Directory: directoryCheck{conn: directory, creds: a.ServiceCredentials(a.Name)}})
			if err != nil {
				return err
			}
			a.SetAuditSink(svc.store)
			if err := svc.Bootstrap(ctx, a.DataDir, a.Stdout); err != nil {
				return err
			}
			bg, stop := context.WithCancel(context.WithoutCancel(ctx))
			a.OnClose("accounts background", func(context.Context) error { stop(); return nil })
			logErr := func(err error) { a.Log.Error("accounts background", "err", err) }
			go svc.keys.Run(bg, logErr)
			go auditlog.Purge(bg, svc.store, a.Settings.Accounts.AuditRetention, logErr)
			go svc.sweep(bg, a.Settings.Accounts, a.Log)
			svc.Register(reg)
			return nil
		},
	}
}

// Config configures New.
type Config struct {
	DB            *sql.DB
	Classify      func(error) error
	Pages         *pagetoken.Sealer
	Audit         *audit.Recorder
	Settings      app.AccountsSettings
	ServiceSecret string
	// Directory checks national ids of accounts; nil skips the check.
	Directory account.Directory
}

// Accounts is the accounts service, ready to register.
type Accounts struct {
	store       *store.DB
	keys        *KeyRing
	territories *territory.Server
	accounts    *account.Server
	delegations *delegation.Server
	auth        *authn.Server
	vendors     *vendors.Server
	audit       *auditlog.Server
	regulators  *regulators.Server
}

// KeyRing is the token signing key ring.
type KeyRing = authn.KeyRing

// New seeds the shipped reference into the store (already migrated with
// store.Migrations), loads or creates the signing key, and returns the service.
func New(ctx context.Context, cfg Config) (*Accounts, error) {
	ref, err := territory.LoadReference()
	if err != nil {
		return nil, err
	}
	st := store.New(cfg.DB, cfg.Classify)
	if err := st.SeedReference(ctx, ref); err != nil {
		return nil, fmt.Errorf("seed territories: %w", err)
	}
	s := cfg.Settings
	keys, err := authn.NewKeyRing(ctx, st, s.TokenTTL, s.KeyRotation)
	if err != nil {
		return nil, err
	}
	var verifier *oidc.Verifier
	if s.OIDCIssuer == "" {
		verifier = oidc.NewStaticVerifier(oidc.DevIssuerURL, s.OIDCClientID, oidc.Dev().Keys)
	} else {
		verifier = oidc.NewVerifier(s.OIDCIssuer, s.OIDCClientID, http.DefaultClient)
	}
	accts := account.NewServer(st, cfg.Pages, cfg.Directory)
	// The export adds what the audit trail holds about the holder's actions.
	accts.Extra = func(ctx context.Context, name string) (map[string]any, error) {
		events, _, err := st.AuditEvents(ctx, store.AuditQuery{Actor: name, Limit: 10_000})
		if err != nil {
			return nil, err
		}
		list := make([]any, 0, len(events))
		for _, e := range events {
			raw, err := protojson.Marshal(e)
			if err != nil {
				return nil, err
			}
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, err
			}
			list = append(list, m)
		}
		return map[string]any{"audit_events": list}, nil
	}
	return &Accounts{
		store:       st,
		keys:        keys,
		territories: territory.NewServer(st, cfg.Pages),
		accounts:    accts,
		delegations: delegation.NewServer(st, cfg.Pages),
		auth: authn.NewServer(authn.Config{Keys: keys, Accounts: st, Clients: st, OIDC: verifier,
			ServiceSecret: cfg.ServiceSecret, TokenTTL: s.TokenTTL, FailuresPerMinute: s.SignInFailures, Audit: cfg.Audit}),
		vendors:    vendors.NewServer(st, cfg.Pages),
		audit:      auditlog.NewServer(st, cfg.Pages),
		regulators: regulators.NewServer(st, cfg.Pages),
	}, nil
}

// Bootstrap is the national-admin credential created on first start.
type Bootstrap struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

// Bootstrap creates the bootstrap credential when there is none, prints it
// once and writes it to dataDir/bootstrap-admin.json (mode 0600) for sasctl login.
func (s *Accounts) Bootstrap(ctx context.Context, dataDir string, out io.Writer) error {
	_, err := s.store.Client(ctx, authn.BootstrapClientID)
	if err == nil {
		return nil
	} else if !errors.Is(err, platformstore.ErrNotFound) {
		return err
	}
	b := Bootstrap{ClientID: authn.BootstrapClientID, ClientSecret: vendors.NewSecret()}
	if err := s.store.CreateClient(ctx, store.Client{ID: b.ClientID, Subject: "accounts/" + authn.BootstrapClientID,
		SecretHash: authn.HashSecret(b.ClientSecret)}, time.Now()); err != nil {
		if errors.Is(err, platformstore.ErrAlreadyExists) {
			return nil // another replica made it first
		}
		return err
	}
	path := filepath.Join(dataDir, BootstrapFile)
	raw, _ := json.MarshalIndent(b, "", "  ")
	if err := os.MkdirAll(dataDir, 0o750); err == nil {
		err = os.WriteFile(path, append(raw, '\n'), 0o600)
	}
	if out != nil {
		fmt.Fprintf(out, "national-admin bootstrap credential (shown once, also in %s):\n  client_id=%s client_secret=%s\n  sign in with: go run ./services/cmd/sasctl login\n",
			path, b.ClientID, b.ClientSecret)
	}
	return nil
}

// KeySource is the service's own key set, for a verifier in the same process.
func (s *Accounts) KeySource(ctx context.Context) (*jose.JSONWebKeySet, error) {
	jwks, err := s.keys.JWKS(ctx)
	if err != nil {
		return nil, err
	}
	return app.JWKS(jwks)
}

// Register adds the accounts gRPC services to reg.
func (s *Accounts) Register(reg grpc.ServiceRegistrar) {
	accountsv1.RegisterTerritoryServiceServer(reg, s.territories)
	accountsv1.RegisterAccountServiceServer(reg, s.accounts)
	accountsv1.RegisterDelegationServiceServer(reg, s.delegations)
	accountsv1.RegisterVendorServiceServer(reg, s.vendors)
	accountsv1.RegisterAuthServiceServer(reg, s.auth)
	accountsv1.RegisterAuditServiceServer(reg, s.audit)
	accountsv1.RegisterRegulatorServiceServer(reg, s.regulators)
}

// ServiceNames lists the gRPC services Register adds, for health checks.
func ServiceNames() []string {
	return []string{
		accountsv1.TerritoryService_ServiceDesc.ServiceName,
		accountsv1.AccountService_ServiceDesc.ServiceName,
		accountsv1.DelegationService_ServiceDesc.ServiceName,
		accountsv1.VendorService_ServiceDesc.ServiceName,
		accountsv1.AuthService_ServiceDesc.ServiceName,
		accountsv1.AuditService_ServiceDesc.ServiceName,
		accountsv1.RegulatorService_ServiceDesc.ServiceName,
	}
}

// sweep flags and purges inactive accounts and forgets old idempotency
// answers, every hour.
func (s *Accounts) sweep(ctx context.Context, cfg app.AccountsSettings, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		now := time.Now()
		flagged, purged, err := s.store.Sweep(ctx, now, cfg.InactiveAfter, cfg.PurgeAfter)
		if err == nil {
			_, err = s.store.ForgetRequests(ctx, now.Add(-24*time.Hour))
		}
		if err != nil && ctx.Err() == nil {
			log.Error("account sweep", "err", err)
		} else if flagged+purged > 0 {
			log.Info("account sweep", "flagged_inactive", flagged, "purged", purged)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// directoryCheck asks the directory (in this process) whether a national
// id is a known, active professional.
type directoryCheck struct {
	conn  *grpc.ClientConn
	creds *auth.TokenSource
}

func (d directoryCheck) CheckProfessional(ctx context.Context, nationalID string) error {
	if d.conn == nil {
		return nil
	}
	p, err := directoryv1.NewDirectoryServiceClient(d.conn).GetProfessional(ctx,
		&directoryv1.GetProfessionalRequest{Name: "professionals/" + nationalID}, grpc.PerRPCCredentials(d.creds))
	if err != nil {
		return err
	}
	if !p.GetActive() {
		return status.Errorf(codes.FailedPrecondition, "professionals/%s is inactive in the directory", nationalID)
	}
	return nil
}

// Roadmap says what the unimplemented RPCs wait for.
func Roadmap() apierr.Roadmap {
	return apierr.Roadmap{}
}
