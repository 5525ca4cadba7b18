package app

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"google.golang.org/grpc"

	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/grpcserver"
	"github.com/sas-platform/sas/services/platform/logging"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
	"github.com/sas-platform/sas/services/platform/shutdown"
	"github.com/sas-platform/sas/services/platform/telemetry"
)

// pageTokenTTL is how long a List page token stays valid.
const pageTokenTTL = time.Hour

// App holds what one process shares between its services.
type App struct {
	Settings
	Name string
	Log  *slog.Logger
	// Stdout is where a process prints what its operator must see once.
	Stdout io.Writer
	// Verifier checks access tokens against the accounts service's keys.
	Verifier *auth.Verifier
	// Audit appends the audit trail of this process's calls.
	Audit     *audit.Recorder
	Telemetry *telemetry.Providers
	Pages     *pagetoken.Sealer
	closers   shutdown.Stack
	peers     peers
}

// Start builds logging, telemetry and the page-token sealer.
func Start(ctx context.Context, name string, s Settings, logs io.Writer) (*App, error) {
	tuneGC()
	level, err := logging.ParseLevel(s.LogLevel)
	if err != nil {
		return nil, fmt.Errorf("SAS_LOG_LEVEL: %w", err)
	}
	a := &App{Settings: s, Name: name, Log: logging.New(logs, level, name)}
	if a.ServiceSecret == "" {
		if a.AccountsAddr != "" {
			return nil, errors.New("SAS_SERVICE_SECRET: required when SAS_ACCOUNTS_ADDR is set")
		}
		a.ServiceSecret = randomSecret()
	}
	if a.Pages, err = sealer(s.PageTokenKey); err != nil {
		return nil, err
	}
	a.Telemetry, err = telemetry.Setup(ctx, telemetry.Config{ServiceName: name, OTLPEndpoint: s.OTLPEndpoint})
	if err != nil {
		return nil, fmt.Errorf("telemetry: %w", err)
	}
	a.Telemetry.SetGlobal()
	a.OnClose("telemetry", a.Telemetry.Shutdown)
	a.Verifier = auth.NewVerifier(auth.VerifierOptions{Source: a.keySource})
	a.Audit = audit.NewRecorder(a.Log, a.auditSink)
	return a, nil
}

// OnClose registers a closer; Close runs them last-registered first.
func (a *App) OnClose(name string, fn func(context.Context) error) { a.closers.Push(name, fn) }

// Close flushes the audit trail while stores and connections are still
// open, then runs the closers, within the shutdown timeout.
func (a *App) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), a.ShutdownTimeout)
	defer cancel()
	err := a.Audit.Close(ctx)
	return errors.Join(err, a.closers.Close(ctx))
}

// GRPCServer builds the gRPC server with the platform's interceptors; its
// overall health stays NOT_SERVING until the caller marks it ready.
func (a *App) GRPCServer(roadmap apierr.Roadmap) *grpcserver.Server {
	srv := grpcserver.New(grpcserver.Options{
		Logger:         a.Log,
		TracerProvider: a.Telemetry.TracerProvider,
		MeterProvider:  a.Telemetry.MeterProvider,
		Propagators:    a.Telemetry.Propagators,
		DefaultTimeout: a.RPCTimeout,
		ShutdownGrace:  a.ShutdownTimeout,
		Authenticate:   policy.Authenticator(a.Verifier),
		ExtraUnary: []grpc.UnaryServerInterceptor{
			a.Audit.UnaryServerInterceptor(policy.Audited),
			roadmap.UnaryServerInterceptor(), apierr.UnaryServerInterceptor(a.Log),
		},
		ExtraStream: []grpc.StreamServerInterceptor{
			a.Audit.StreamServerInterceptor(policy.Audited),
			roadmap.StreamServerInterceptor(), apierr.StreamServerInterceptor(a.Log),
		},
	})
	srv.SetServing("", false)
	return srv
}

func sealer(key string) (*pagetoken.Sealer, error) {
	if key == "" {
		return pagetoken.NewRandom(pageTokenTTL), nil
	}
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		return nil, fmt.Errorf("SAS_PAGE_TOKEN_KEY: not base64: %w", err)
	}
	s, err := pagetoken.New(raw, pageTokenTTL)
	if err != nil {
		return nil, fmt.Errorf("SAS_PAGE_TOKEN_KEY: %w", err)
	}
	return s, nil
}

// gcPercent is the collector's target when GOGC is not set. Search's read
// model is a heap of several hundred megabytes and millions of objects that
// lives as long as the process, and each collection marks all of it: at
// Go's default (100) collections took about half the CPU of a national
// search load; at 400 they run a quarter as often. GOMEMLIMIT (set from
// the container's limit in Kubernetes) still caps the heap.
const gcPercent = 400

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}
