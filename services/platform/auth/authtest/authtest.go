// Package authtest signs real access tokens for tests, with a key of its own
// and a Verifier that trusts it: services under test check tokens exactly as
// in production.
package authtest

import (
	"context"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"google.golang.org/grpc"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/policy"
)

// Issuer signs tokens and verifies them.
type Issuer struct {
	t        testing.TB
	Key      auth.SigningKey
	Verifier *auth.Verifier
}

// New returns an Issuer with a fresh key.
func New(t testing.TB) *Issuer {
	t.Helper()
	key, err := auth.NewSigningKey(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	i := &Issuer{t: t, Key: key}
	i.Verifier = auth.NewVerifier(auth.VerifierOptions{Source: func(context.Context) (*jose.JSONWebKeySet, error) {
		return &jose.JSONWebKeySet{Keys: []jose.JSONWebKey{key.Public()}}, nil
	}})
	return i
}

// Token signs a 15-minute access token for p.
func (i *Issuer) Token(p *auth.Principal) string {
	i.t.Helper()
	if p.TokenID == "" {
		p.TokenID = auth.NewTokenID()
	}
	tok, err := auth.Sign(i.Key, auth.NewClaims(p, auth.DefaultIssuer, auth.DefaultAudience, time.Now(), 15*time.Minute))
	if err != nil {
		i.t.Fatal(err)
	}
	return tok
}

// User is a user principal of role in territory ("territories/SAS-44").
func User(id string, role accountsv1.Role, territory string) *auth.Principal {
	return &auth.Principal{Subject: "accounts/" + id, Kind: auth.KindUser, Role: role, Territory: territory}
}

// Vendor is a vendor principal.
func Vendor(id string) *auth.Principal {
	return &auth.Principal{Subject: "vendors/" + id, Kind: auth.KindVendor}
}

// Service is a platform service principal.
func Service(name string) *auth.Principal {
	return &auth.Principal{Subject: "services/" + name, Kind: auth.KindService}
}

// Context returns ctx sending a token for p.
func (i *Issuer) Context(ctx context.Context, p *auth.Principal) context.Context {
	return auth.WithBearer(ctx, i.Token(p))
}

// ServerOptions enforce the platform policy with tokens of i, for tests
// that build a bare grpc.Server.
func (i *Issuer) ServerOptions() []grpc.ServerOption {
	authn := policy.Authenticator(i.Verifier)
	return []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			ctx, err := authn(ctx, info.FullMethod)
			if err != nil {
				return nil, err
			}
			return h(ctx, req)
		}),
		grpc.ChainStreamInterceptor(func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			ctx, err := authn(ss.Context(), info.FullMethod)
			if err != nil {
				return err
			}
			return h(srv, &stream{ServerStream: ss, ctx: ctx})
		}),
	}
}

type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *stream) Context() context.Context { return s.ctx }
