// Package delegation serves the DelegationService: a professional or a
// structure manager grants a delegate account the right to manage its
// availability, and revokes it at any time. Grants are listed on the
// grantor's side (parent "accounts/{id}") and on the delegate's (parent
// "accounts/-", filter `delegate = "accounts/{id}"`). Admins act for the
// grantors they manage.
package delegation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/emptypb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/account"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

// Store keeps grants; *store.DB implements it.
type Store interface {
	GetAccount(ctx context.Context, id string) (*accountsv1.Account, error)
	CreateDelegation(ctx context.Context, grantor string, g *accountsv1.Delegation, r *store.Request) error
	GetDelegation(ctx context.Context, grantor, id string) (*accountsv1.Delegation, error)
	ListDelegations(ctx context.Context, q store.DelegationQuery) ([]*accountsv1.Delegation, error)
	DeleteDelegation(ctx context.Context, grantor, id string, r *store.Request) error
	Answer(ctx context.Context, r store.Request) ([]byte, error)
}

// maxProfessionals bounds the professionals of one grant.
const maxProfessionals = 500

// Server implements accountsv1.DelegationServiceServer.
type Server struct {
	accountsv1.UnimplementedDelegationServiceServer
	store Store
	pages *pagetoken.Sealer
	now   func() time.Time
}

// NewServer serves the grants of st.
func NewServer(st Store, pages *pagetoken.Sealer) *Server {
	return &Server{store: st, pages: pages, now: time.Now}
}

// CreateDelegation implements accountsv1.DelegationServiceServer.
func (s *Server) CreateDelegation(ctx context.Context, req *accountsv1.CreateDelegationRequest) (*accountsv1.Delegation, error) {
	r, err := account.Request(ctx, accountsv1.DelegationService_CreateDelegation_FullMethodName, req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return account.Idempotent(ctx, s.store, r, func() (*accountsv1.Delegation, error) {
		grantor, err := s.grantor(ctx, "parent", req.GetParent())
		if err != nil {
			return nil, err
		}
		g, err := s.checkGrant(ctx, grantor, req.GetDelegation())
		if err != nil {
			return nil, err
		}
		if err := s.store.CreateDelegation(ctx, store.AccountID(grantor.Name), g, r); err != nil {
			return nil, err
		}
		audit.Target(ctx, g.Name, grantor.Territory)
		return g, nil
	})
}

// GetDelegation implements accountsv1.DelegationServiceServer: the grantor,
// the delegate and the admins of the grantor read a grant.
func (s *Server) GetDelegation(ctx context.Context, req *accountsv1.GetDelegationRequest) (*accountsv1.Delegation, error) {
	parent, id, err := parseGrantName(ctx, req.GetName())
	if err != nil {
		return nil, err
	}
	p := policy.Caller(ctx)
	if p.Role == accountsv1.Role_ROLE_DELEGATE {
		g, err := s.store.GetDelegation(ctx, store.AccountID(parent), id)
		if errors.Is(err, pstore.ErrNotFound) || err == nil && g.Delegate != p.Subject {
			return nil, apierr.NotFound(req.GetName())
		}
		return g, err
	}
	grantor, err := s.grantor(ctx, "name", parent)
	if err != nil {
		return nil, err
	}
	g, err := s.store.GetDelegation(ctx, store.AccountID(grantor.Name), id)
	if errors.Is(err, pstore.ErrNotFound) {
		return nil, apierr.NotFound(req.GetName())
	}
	audit.Territory(ctx, grantor.Territory)
	return g, err
}

// DeleteDelegation implements accountsv1.DelegationServiceServer: the
// revocation is effective at once for ActsFor (tokens already issued
// carry their grants until they expire).
func (s *Server) DeleteDelegation(ctx context.Context, req *accountsv1.DeleteDelegationRequest) (*emptypb.Empty, error) {
	parent, id, err := parseGrantName(ctx, req.GetName())
	if err != nil {
		return nil, err
	}
	r, err := account.Request(ctx, accountsv1.DelegationService_DeleteDelegation_FullMethodName, req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return account.Idempotent(ctx, s.store, r, func() (*emptypb.Empty, error) {
		grantor, err := s.grantor(ctx, "name", parent)
		if err != nil {
			return nil, err
		}
		err = s.store.DeleteDelegation(ctx, store.AccountID(grantor.Name), id, r)
		if errors.Is(err, pstore.ErrNotFound) {
			return nil, apierr.NotFound(req.GetName())
		}
		audit.Territory(ctx, grantor.Territory)
		return &emptypb.Empty{}, err
	})
}

// grantor reads the account named by field for a grant by the caller: its
// own when it may grant, or one an admin manages. Another's account is
// PERMISSION_DENIED for non-admins, NOT_FOUND for admins out of scope.
func (s *Server) grantor(ctx context.Context, field, name string) (*accountsv1.Account, error) {
	p := policy.Caller(ctx)
	id, self, err := accountName(ctx, field, name)
	if err != nil {
		return nil, err
	}
	admin := p.IsNationalAdmin() || p.IsTerritorialAdmin()
	if !self && !admin {
		return nil, policy.Denied(p, "act on the grants of another account")
	}
	a, err := s.store.GetAccount(ctx, id)
	if errors.Is(err, pstore.ErrNotFound) || err == nil && !self && !policy.ManagesAccount(p, a.Role, a.Territory) {
		return nil, apierr.NotFound("accounts/" + id)
	}
	if err != nil {
		return nil, err
	}
	if !grants(a.Role) {
		if self {
			return nil, policy.Denied(p, "grant delegations")
		}
		return nil, apierr.InvalidArgument(apierr.Violation{Field: field, Description: "only professionals and structure managers grant delegations"})
	}
	return a, nil
}

func grants(role accountsv1.Role) bool {
	return role == accountsv1.Role_ROLE_PROFESSIONAL || role == accountsv1.Role_ROLE_STRUCTURE_MANAGER
}

// checkGrant validates grant in of grantor and returns what to store.
func (s *Server) checkGrant(ctx context.Context, grantor *accountsv1.Account, in *accountsv1.Delegation) (*accountsv1.Delegation, error) {
	if in == nil {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "delegation", Description: "required"})
	}
	if grantor.State != accountsv1.Account_STATE_INVITED && grantor.State != accountsv1.Account_STATE_ACTIVE {
		return nil, apierr.Reason(codes.FailedPrecondition, "GRANTOR_NOT_ACTIVE", grantor.Name+" is "+grantor.State.String(), nil)
	}
	g := &accountsv1.Delegation{Delegate: in.Delegate, Professionals: in.Professionals, ExpireTime: in.ExpireTime}
	vs := checkProfessionals(grantor, g.Professionals)
	if g.ExpireTime != nil && (!g.ExpireTime.IsValid() || !g.ExpireTime.AsTime().After(s.now())) {
		vs = append(vs, apierr.Violation{Field: "delegation.expire_time", Description: "must be in the future"})
	}
	if v, err := s.checkDelegate(ctx, g.Delegate); err != nil || v != nil {
		if err != nil {
			return nil, err
		}
		vs = append(vs, *v)
	}
	if len(vs) > 0 {
		return nil, apierr.InvalidArgument(vs...)
	}
	return g, nil
}

// checkProfessionals checks the professionals a grantor lists: a
// professional grants for itself only; a structure manager names them (the
// accounts service does not know the structures' members).
func checkProfessionals(grantor *accountsv1.Account, pros []string) []apierr.Violation {
	var vs []apierr.Violation
	bad := func(i int, desc string) {
		vs = append(vs, apierr.Violation{Field: fmt.Sprintf("delegation.professionals[%d]", i), Description: desc})
	}
	if len(pros) > maxProfessionals {
		return []apierr.Violation{{Field: "delegation.professionals", Description: fmt.Sprintf("at most %d", maxProfessionals)}}
	}
	if len(pros) == 0 && grantor.Role == accountsv1.Role_ROLE_STRUCTURE_MANAGER {
		return []apierr.Violation{{Field: "delegation.professionals", Description: "a structure manager lists the professionals it delegates"}}
	}
	for i, p := range pros {
		nid, ok := strings.CutPrefix(p, "professionals/")
		switch {
		case !ok || !nationalID(nid):
			bad(i, `want "professionals/{national id}" (8 + RPPS or 0 + ADELI)`)
		case slices.Index(pros, p) < i:
			bad(i, "listed twice")
		case grantor.Role == accountsv1.Role_ROLE_PROFESSIONAL && nid != grantor.NationalId:
			bad(i, "a professional grants for itself only")
		}
	}
	return vs
}

func nationalID(s string) bool {
	if len(s) != 12 || (s[0] != '8' && s[0] != '0') {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= '0' && c <= '9' || s[0] == '0' && c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// checkDelegate checks that name is an account of role DELEGATE that may
// sign in.
func (s *Server) checkDelegate(ctx context.Context, name string) (*apierr.Violation, error) {
	bad := &apierr.Violation{Field: "delegation.delegate", Description: `want the "accounts/{id}" of an invited or active delegate account`}
	id, ok := strings.CutPrefix(name, "accounts/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return bad, nil
	}
	a, err := s.store.GetAccount(ctx, id)
	if errors.Is(err, pstore.ErrNotFound) {
		return bad, nil
	}
	if err != nil {
		return nil, err
	}
	if a.Role != accountsv1.Role_ROLE_DELEGATE || (a.State != accountsv1.Account_STATE_INVITED && a.State != accountsv1.Account_STATE_ACTIVE) {
		return bad, nil
	}
	return nil, nil
}
