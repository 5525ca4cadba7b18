package authn

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/policy"
	platformstore "github.com/sas-platform/sas/services/platform/store"
)

// HandoffTTL is the lifetime of a handoff token, shortened to the access
// token lifetime when that is shorter, so that the key that signed it is
// still published while it lives.
const HandoffTTL = 5 * time.Minute

var (
	accountName = regexp.MustCompile(`^accounts/[^/]{1,100}$`)
	vendorName  = regexp.MustCompile(`^vendors/[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$`)
)

// AccountGetter reads an account by id; the accounts store implements it.
// Config.Accounts must implement it for IssueHandoffToken.
type AccountGetter interface {
	GetAccount(ctx context.Context, id string) (*accountsv1.Account, error)
}

// HandoffClaims are what a handoff token tells a vendor about a regulator:
// sub is the account, aud the vendor.
type HandoffClaims struct {
	jwt.Claims
	FamilyName string `json:"family_name"`
	GivenName  string `json:"given_name"`
	Email      string `json:"email"`
	Territory  string `json:"territory,omitempty"`
}

// IssueHandoffToken implements accountsv1.AuthServiceServer: a token of
// HandoffTTL for one vendor, carrying an active regulator's identity.
func (s *Server) IssueHandoffToken(ctx context.Context, req *accountsv1.IssueHandoffTokenRequest) (*accountsv1.IssueHandoffTokenResponse, error) {
	if p := policy.Caller(ctx); p == nil || p.Kind != auth.KindService {
		return nil, policy.Denied(p, "issue handoff tokens")
	}
	if err := checkHandoffRequest(req); err != nil {
		return nil, err
	}
	audit.Target(ctx, req.GetAccount(), "")
	audit.Detail(ctx, "vendor", req.GetVendor())
	acc, err := s.regulator(ctx, req.GetAccount())
	if err != nil {
		return nil, err
	}
	audit.Territory(ctx, acc.Territory)
	if err := s.handoffVendor(ctx, req.GetVendor()); err != nil {
		return nil, err
	}
	return s.signHandoff(ctx, acc, req.GetVendor())
}

func checkHandoffRequest(req *accountsv1.IssueHandoffTokenRequest) error {
	var vs []apierr.Violation
	if !accountName.MatchString(req.GetAccount()) {
		vs = append(vs, apierr.Violation{Field: "account", Description: `want "accounts/{id}"`})
	}
	if !vendorName.MatchString(req.GetVendor()) {
		vs = append(vs, apierr.Violation{Field: "vendor", Description: `want "vendors/{id}"`})
	}
	if len(vs) > 0 {
		return apierr.InvalidArgument(vs...)
	}
	return nil
}

// regulator reads the account name and checks that it may be handed over:
// active, not flagged inactive, of a regulator role.
func (s *Server) regulator(ctx context.Context, name string) (*accountsv1.Account, error) {
	getter, ok := s.cfg.Accounts.(AccountGetter)
	if !ok {
		return nil, errors.New("handoff: the account store cannot read accounts by id")
	}
	acc, err := getter.GetAccount(ctx, store.AccountID(name))
	if errors.Is(err, platformstore.ErrNotFound) {
		return nil, apierr.NotFound(name)
	} else if err != nil {
		return nil, err
	}
	meta := map[string]string{"account": name}
	switch {
	case acc.State != accountsv1.Account_STATE_ACTIVE:
		state := strings.TrimPrefix(acc.State.String(), "STATE_")
		return nil, apierr.Reason(codes.FailedPrecondition, "ACCOUNT_"+state,
			fmt.Sprintf("%s is %s, not active", name, strings.ToLower(state)), meta)
	case acc.Inactive:
		return nil, apierr.Reason(codes.FailedPrecondition, "ACCOUNT_INACTIVE",
			name+" is flagged inactive: it must sign in again", meta)
	case !store.IsRegulator(acc.Role):
		return nil, apierr.Reason(codes.FailedPrecondition, "NOT_A_REGULATOR",
			fmt.Sprintf("%s has the role %s; only regulators and orientation nurses are handed over to vendors", name, acc.Role), meta)
	}
	return acc, nil
}

// handoffVendor checks that the vendor exists and is enabled.
func (s *Server) handoffVendor(ctx context.Context, name string) error {
	v, err := s.cfg.Clients.Vendor(ctx, name)
	if errors.Is(err, platformstore.ErrNotFound) {
		return apierr.NotFound(name)
	} else if err != nil {
		return err
	}
	if !v.Enabled {
		return apierr.Reason(codes.FailedPrecondition, "VENDOR_DISABLED", name+" is disabled", map[string]string{"vendor": name})
	}
	return nil
}

func (s *Server) signHandoff(ctx context.Context, acc *accountsv1.Account, vendor string) (*accountsv1.IssueHandoffTokenResponse, error) {
	key, err := s.cfg.Keys.Current(ctx)
	if err != nil {
		return nil, err
	}
	ttl := HandoffTTL
	if s.cfg.TokenTTL > 0 && s.cfg.TokenTTL < ttl {
		ttl = s.cfg.TokenTTL
	}
	now := time.Now()
	c := HandoffClaims{
		Claims: jwt.Claims{Issuer: auth.DefaultIssuer, Subject: acc.Name, Audience: jwt.Audience{vendor},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			Expiry: jwt.NewNumericDate(now.Add(ttl)), ID: auth.NewTokenID()},
		FamilyName: acc.FamilyName, GivenName: acc.GivenName, Email: acc.Email, Territory: acc.Territory,
	}
	tok, err := auth.Sign(key, c)
	if err != nil {
		return nil, err
	}
	// JWT times are whole seconds: the answer says the expiry the token carries.
	return &accountsv1.IssueHandoffTokenResponse{Token: tok, ExpireTime: timestamppb.New(c.Expiry.Time())}, nil
}
