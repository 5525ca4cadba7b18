package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protojson"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/grpcclient"
)

// peers are the connections a process uses to reach the platform's services:
// its own gRPC server in memory, and the accounts service (for keys, service
// tokens and the audit trail), local or remote.
type peers struct {
	self  *grpc.ClientConn
	local grpc.ClientConnInterface

	mu       sync.Mutex
	accounts *grpc.ClientConn
	remote   map[string]*grpc.ClientConn
	sink     audit.Sink
	tokens   map[string]*auth.TokenSource
}

// Self is a connection to the process's own gRPC server (in memory): calls
// through it run every interceptor, as calls from outside do.
func (a *App) Self() *grpc.ClientConn { return a.peers.self }

// Local calls the process's own services without HTTP/2, through every
// interceptor (grpcserver.Server.Local; streams go through Self): what its
// REST gateway calls them through. Nil until they are registered.
func (a *App) Local() grpc.ClientConnInterface { return a.peers.local }

// AccountsConn is the connection to the accounts service: SAS_ACCOUNTS_ADDR,
// or this process when it is empty.
func (a *App) AccountsConn() (*grpc.ClientConn, error) {
	a.peers.mu.Lock()
	defer a.peers.mu.Unlock()
	if a.peers.accounts != nil {
		return a.peers.accounts, nil
	}
	if a.AccountsAddr == "" {
		if a.peers.self == nil {
			return nil, errors.New("SAS_ACCOUNTS_ADDR is empty and this process does not host the accounts service")
		}
		return a.peers.self, nil
	}
	conn, err := grpcclient.Dial(a.AccountsAddr, grpcclient.Options{
		TracerProvider: a.Telemetry.TracerProvider, MeterProvider: a.Telemetry.MeterProvider, Propagators: a.Telemetry.Propagators,
	})
	if err != nil {
		return nil, fmt.Errorf("SAS_ACCOUNTS_ADDR: %w", err)
	}
	a.peers.accounts = conn
	a.OnClose("accounts connection", func(context.Context) error { return conn.Close() })
	return conn, nil
}

// PeerConn is the connection to another service at addr (its setting), or
// this process when addr is empty. Calls pass their own credentials
// (ServiceCredentials).
func (a *App) PeerConn(addr string) (*grpc.ClientConn, error) {
	if addr == "" {
		if a.peers.self == nil {
			return nil, errors.New("no address given and this process hosts no gRPC server")
		}
		return a.peers.self, nil
	}
	a.peers.mu.Lock()
	defer a.peers.mu.Unlock()
	if conn, ok := a.peers.remote[addr]; ok {
		return conn, nil
	}
	conn, err := grpcclient.Dial(addr, grpcclient.Options{
		TracerProvider: a.Telemetry.TracerProvider, MeterProvider: a.Telemetry.MeterProvider, Propagators: a.Telemetry.Propagators,
	})
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	if a.peers.remote == nil {
		a.peers.remote = map[string]*grpc.ClientConn{}
	}
	a.peers.remote[addr] = conn
	a.OnClose("connection to "+addr, func(context.Context) error { return conn.Close() })
	return conn, nil
}

// keySource fetches the access-token key set from the accounts service.
func (a *App) keySource(ctx context.Context) (*jose.JSONWebKeySet, error) {
	conn, err := a.AccountsConn()
	if err != nil {
		return nil, err
	}
	return KeysFrom(conn)(ctx)
}

// KeysFrom is the access-token key set of the accounts service at conn.
func KeysFrom(conn grpc.ClientConnInterface) auth.KeySource {
	return func(ctx context.Context) (*jose.JSONWebKeySet, error) {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		jwks, err := accountsv1.NewAuthServiceClient(conn).GetJwks(ctx, &accountsv1.GetJwksRequest{})
		if err != nil {
			return nil, err
		}
		return JWKS(jwks)
	}
}

// JWKS converts the API's key set to go-jose's.
func JWKS(jwks *accountsv1.Jwks) (*jose.JSONWebKeySet, error) {
	raw, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(jwks)
	if err != nil {
		return nil, err
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	return &set, nil
}

// ServiceCredentials are the per-RPC credentials of this process acting as
// the platform service name: client credentials "services/<name>" with
// SAS_SERVICE_SECRET, exchanged for a token by the accounts service.
func (a *App) ServiceCredentials(name string) *auth.TokenSource {
	a.peers.mu.Lock()
	defer a.peers.mu.Unlock()
	if ts, ok := a.peers.tokens[name]; ok {
		return ts
	}
	ts := &auth.TokenSource{Fetch: func(ctx context.Context) (string, time.Time, error) {
		conn, err := a.AccountsConn()
		if err != nil {
			return "", time.Time{}, err
		}
		resp, err := accountsv1.NewAuthServiceClient(conn).IssueToken(ctx, &accountsv1.IssueTokenRequest{
			Grant: &accountsv1.IssueTokenRequest_ClientCredentials{ClientCredentials: &accountsv1.ClientCredentials{
				ClientId: ServiceClientID(name), ClientSecret: a.ServiceSecret,
			}},
		})
		if err != nil {
			return "", time.Time{}, fmt.Errorf("service token for %s: %w", name, err)
		}
		return resp.GetAccessToken(), resp.GetExpireTime().AsTime(), nil
	}}
	if a.peers.tokens == nil {
		a.peers.tokens = map[string]*auth.TokenSource{}
	}
	a.peers.tokens[name] = ts
	return ts
}

// ServiceClientID is the OAuth2 client id of a platform service.
func ServiceClientID(name string) string { return "services/" + name }

// SetAuditSink makes the accounts store the audit sink of this process (the
// accounts service calls it when it runs here).
func (a *App) SetAuditSink(s audit.Sink) {
	a.peers.mu.Lock()
	a.peers.sink = s
	a.peers.mu.Unlock()
}

// auditSink is the local sink when accounts runs here, else AuditService over gRPC.
func (a *App) auditSink() audit.Sink {
	a.peers.mu.Lock()
	s := a.peers.sink
	a.peers.mu.Unlock()
	if s != nil {
		return s
	}
	if a.AccountsAddr == "" {
		return nil // accounts not registered yet
	}
	return remoteSink{a}
}

type remoteSink struct{ a *App }

func (r remoteSink) WriteAuditEvents(ctx context.Context, events []*audit.Event) error {
	conn, err := r.a.AccountsConn()
	if err != nil {
		return err
	}
	for len(events) > 0 {
		n := min(len(events), 1000)
		_, err := accountsv1.NewAuditServiceClient(conn).WriteAuditEvents(ctx, &accountsv1.WriteAuditEventsRequest{Events: events[:n]},
			grpc.PerRPCCredentials(r.a.ServiceCredentials(r.a.Name)))
		if err != nil {
			return err
		}
		events = events[n:]
	}
	return nil
}

func randomSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
