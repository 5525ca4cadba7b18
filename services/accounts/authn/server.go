// Package authn is the accounts service's AuthService: it signs access
// tokens (ES256, rotated keys, published as a JWKS) in exchange for an ID
// token of the trusted OIDC issuer (people) or OAuth2 client credentials
// (vendors, the platform's services, the bootstrap admin).
package authn

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/oidc"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/auth"
	platformstore "github.com/sas-platform/sas/services/platform/store"
)

// BootstrapClientID is the client of the national-admin bootstrap credential.
const BootstrapClientID = "bootstrap-admin"

// Accounts is what sign-in needs of the account store.
type Accounts interface {
	AccountByEmail(ctx context.Context, email string) (*accountsv1.Account, error)
	AccountByNationalID(ctx context.Context, nationalID string) (*accountsv1.Account, error)
	MarkSignedIn(ctx context.Context, id string, now time.Time) error
	ActsFor(ctx context.Context, accountID string) ([]string, error)
}

// Clients is what the client-credentials grant needs.
type Clients interface {
	Client(ctx context.Context, id string) (store.Client, error)
	Vendor(ctx context.Context, name string) (*accountsv1.Vendor, error)
}

// Config configures the server.
type Config struct {
	Keys     *KeyRing
	Accounts Accounts
	Clients  Clients
	// OIDC verifies the ID tokens of the trusted issuer.
	OIDC *oidc.Verifier
	// ServiceSecret authenticates the platform's services ("services/<name>").
	ServiceSecret string
	TokenTTL      time.Duration
	// FailuresPerMinute failed sign-ins of one client before it is refused for a while.
	FailuresPerMinute int
	Audit             *audit.Recorder
}

// Server implements accountsv1.AuthServiceServer.
type Server struct {
	accountsv1.UnimplementedAuthServiceServer
	cfg     Config
	limiter *limiter
}

// NewServer returns the server.
func NewServer(cfg Config) *Server {
	return &Server{cfg: cfg, limiter: newLimiter(cfg.FailuresPerMinute, time.Minute)}
}

// GetJwks implements accountsv1.AuthServiceServer.
func (s *Server) GetJwks(ctx context.Context, _ *accountsv1.GetJwksRequest) (*accountsv1.Jwks, error) {
	return s.cfg.Keys.JWKS(ctx)
}

// RotateSigningKey implements accountsv1.AuthServiceServer.
func (s *Server) RotateSigningKey(ctx context.Context, _ *accountsv1.RotateSigningKeyRequest) (*accountsv1.RotateSigningKeyResponse, error) {
	kid, err := s.cfg.Keys.Rotate(ctx)
	if err != nil {
		return nil, err
	}
	return &accountsv1.RotateSigningKeyResponse{Kid: kid}, nil
}

// IssueToken implements accountsv1.AuthServiceServer.
func (s *Server) IssueToken(ctx context.Context, req *accountsv1.IssueTokenRequest) (*accountsv1.IssueTokenResponse, error) {
	if a := req.GetAudience(); a != "" && a != auth.DefaultAudience {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "audience", Description: fmt.Sprintf("unknown audience %q; leave empty for the platform", a)})
	}
	var (
		client string
		p      *auth.Principal
		err    error
	)
	switch g := req.GetGrant().(type) {
	case *accountsv1.IssueTokenRequest_ClientCredentials:
		client = g.ClientCredentials.GetClientId()
		if client == "" || len(client) > 200 {
			return nil, apierr.InvalidArgument(apierr.Violation{Field: "client_credentials.client_id", Description: "required, at most 200 characters"})
		}
		if err := s.limiter.check(client); err != nil {
			s.record(ctx, "clients/"+client, err)
			return nil, err
		}
		p, err = s.clientCredentials(ctx, client, g.ClientCredentials.GetClientSecret())
	case *accountsv1.IssueTokenRequest_IdToken:
		client = "oidc"
		if g.IdToken == "" {
			return nil, apierr.InvalidArgument(apierr.Violation{Field: "id_token", Description: "required"})
		}
		if err := s.limiter.check(client + ":" + peerKey(ctx)); err != nil {
			s.record(ctx, "clients/oidc", err)
			return nil, err
		}
		p, err = s.idToken(ctx, g.IdToken)
		client += ":" + peerKey(ctx)
	default:
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "grant", Description: "one of id_token or client_credentials is required"})
	}
	if err != nil {
		s.limiter.fail(client)
		s.record(ctx, "clients/"+strings.SplitN(client, ":", 2)[0], err)
		return nil, err
	}
	resp, err := s.sign(ctx, p)
	s.recordPrincipal(ctx, p, err)
	return resp, err
}

func (s *Server) sign(ctx context.Context, p *auth.Principal) (*accountsv1.IssueTokenResponse, error) {
	key, err := s.cfg.Keys.Current(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	p.TokenID = auth.NewTokenID()
	tok, err := auth.Sign(key, auth.NewClaims(p, auth.DefaultIssuer, auth.DefaultAudience, now, s.cfg.TokenTTL))
	if err != nil {
		return nil, err
	}
	return &accountsv1.IssueTokenResponse{AccessToken: tok, TokenType: "Bearer",
		ExpiresIn: int32(s.cfg.TokenTTL / time.Second), ExpireTime: timestamppb.New(now.Add(s.cfg.TokenTTL))}, nil
}

func badCredentials(msg string) error {
	return apierr.Reason(codes.Unauthenticated, "BAD_CLIENT_CREDENTIALS", msg, nil)
}

func (s *Server) clientCredentials(ctx context.Context, id, secret string) (*auth.Principal, error) {
	if secret == "" || len(secret) > 200 {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "client_credentials.client_secret", Description: "required, at most 200 characters"})
	}
	if name, ok := strings.CutPrefix(id, "services/"); ok {
		if subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.ServiceSecret)) != 1 || name == "" {
			return nil, badCredentials("unknown client or wrong secret")
		}
		return &auth.Principal{Subject: id, Kind: auth.KindService}, nil
	}
	c, err := s.cfg.Clients.Client(ctx, id)
	if errors.Is(err, platformstore.ErrNotFound) {
		return nil, badCredentials("unknown client or wrong secret")
	} else if err != nil {
		return nil, err
	}
	h := HashSecret(secret)
	switch {
	case subtle.ConstantTimeCompare([]byte(h), []byte(c.SecretHash)) == 1:
	case c.PreviousHash != "" && subtle.ConstantTimeCompare([]byte(h), []byte(c.PreviousHash)) == 1:
		if time.Now().After(c.PreviousExpire) {
			return nil, apierr.Reason(codes.Unauthenticated, "SECRET_ROTATED",
				fmt.Sprintf("this client secret was replaced on %s; use the new one", c.Rotated.UTC().Format(time.RFC3339)), nil)
		}
	default:
		return nil, badCredentials("unknown client or wrong secret")
	}
	if c.Subject == "accounts/"+BootstrapClientID {
		return &auth.Principal{Subject: c.Subject, Kind: auth.KindUser, Role: accountsv1.Role_ROLE_NATIONAL_ADMIN}, nil
	}
	v, err := s.cfg.Clients.Vendor(ctx, c.Subject)
	if errors.Is(err, platformstore.ErrNotFound) {
		return nil, badCredentials("unknown client or wrong secret")
	} else if err != nil {
		return nil, err
	}
	if !v.Enabled {
		return nil, apierr.Reason(codes.PermissionDenied, "VENDOR_DISABLED", v.Name+" is disabled", nil)
	}
	return &auth.Principal{Subject: v.Name, Kind: auth.KindVendor}, nil
}

func (s *Server) idToken(ctx context.Context, raw string) (*auth.Principal, error) {
	id, err := s.cfg.OIDC.Verify(ctx, raw)
	var oe *oidc.Error
	if errors.As(err, &oe) {
		return nil, apierr.Reason(codes.Unauthenticated, oe.Reason, oe.Msg, nil)
	} else if err != nil {
		return nil, apierr.Reason(codes.Unavailable, "ISSUER_UNAVAILABLE", err.Error(), nil)
	}
	var acc *accountsv1.Account
	switch {
	case id.Email != "":
		acc, err = s.cfg.Accounts.AccountByEmail(ctx, id.Email)
	case id.NationalID != "":
		acc, err = s.cfg.Accounts.AccountByNationalID(ctx, id.NationalID)
	default:
		return nil, apierr.Reason(codes.Unauthenticated, "ID_TOKEN_NO_IDENTITY", "id_token carries neither e-mail nor national id", nil)
	}
	if errors.Is(err, platformstore.ErrNotFound) {
		return nil, apierr.Reason(codes.PermissionDenied, "NO_ACCOUNT", "no account for this identity; ask the account manager of your territory", nil)
	} else if err != nil {
		return nil, err
	}
	accID := strings.TrimPrefix(acc.Name, "accounts/")
	if err := s.cfg.Accounts.MarkSignedIn(ctx, accID, time.Now()); errors.Is(err, platformstore.ErrFailedPrecondition) {
		return nil, apierr.Reason(codes.PermissionDenied, "ACCOUNT_"+strings.TrimPrefix(acc.State.String(), "STATE_"), acc.Name+" may not sign in: "+strings.ToLower(strings.TrimPrefix(acc.State.String(), "STATE_")), nil)
	} else if err != nil {
		return nil, err
	}
	actsFor, err := s.cfg.Accounts.ActsFor(ctx, accID)
	if err != nil {
		return nil, err
	}
	return &auth.Principal{Subject: acc.Name, Kind: auth.KindUser, Role: acc.Role, Territory: acc.Territory,
		NationalID: acc.NationalId, ActsFor: actsFor}, nil
}

// record audits a failed sign-in of client.
func (s *Server) record(ctx context.Context, client string, err error) {
	if s.cfg.Audit == nil {
		return
	}
	s.cfg.Audit.Record(ctx, &audit.Event{Actor: client, Action: accountsv1.AuthService_IssueToken_FullMethodName,
		Outcome: code.Code(audit.Outcome(err))})
}

func (s *Server) recordPrincipal(ctx context.Context, p *auth.Principal, err error) {
	if s.cfg.Audit == nil {
		return
	}
	s.cfg.Audit.Record(ctx, &audit.Event{Actor: p.Subject, ActorRole: p.Role, Action: accountsv1.AuthService_IssueToken_FullMethodName,
		Territory: p.Territory, Outcome: code.Code(audit.Outcome(err))})
}

// HashSecret is how client secrets are stored: they are 256-bit random
// strings, so a plain SHA-256 is enough (no dictionary to slow down).
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
