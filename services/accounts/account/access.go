package account

import (
	"context"
	"errors"
	"strings"

	"google.golang.org/grpc/codes"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/policy"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

// name is a parsed account name.
type name struct {
	id   string
	full string // "accounts/{id}", "accounts/me" resolved
	self bool   // the caller's own account
}

// parseName reads field, "accounts/{id}" or "accounts/me".
func parseName(p *auth.Principal, field, s string) (name, error) {
	id, ok := strings.CutPrefix(s, "accounts/")
	if !ok || !validID(id) {
		return name{}, apierr.InvalidArgument(apierr.Violation{Field: field, Description: `want "accounts/{id}" or "accounts/me"`})
	}
	own := p != nil && p.Kind == auth.KindUser && strings.HasPrefix(p.Subject, "accounts/")
	if id == "me" {
		if !own {
			return name{}, apierr.InvalidArgument(apierr.Violation{Field: field, Description: `"accounts/me" names a user's own account`})
		}
		id = p.ID()
	}
	return name{id: id, full: "accounts/" + id, self: own && id == p.ID()}, nil
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// isOverseer reports whether p reads accounts other than its own.
func isOverseer(p *auth.Principal) bool {
	return p.IsNationalAdmin() || p.IsTerritorialAdmin() ||
		p != nil && p.Kind == auth.KindUser && p.Role == accountsv1.Role_ROLE_TERRITORIAL_REFERENT
}

// sees reports whether p may read account a: its own; every account for
// national admins; for territorial admins and referents, those of their
// territory except national admins.
func sees(p *auth.Principal, self bool, a *accountsv1.Account) bool {
	switch {
	case self || p.IsNationalAdmin():
		return true
	case !isOverseer(p) || a.Role == accountsv1.Role_ROLE_NATIONAL_ADMIN:
		return false
	}
	return p.Territory != "" && a.Territory == p.Territory
}

// visible reads account n for the caller: NOT_FOUND when it is missing or
// out of the caller's sight, which are not told apart.
func (s *Server) visible(ctx context.Context, n name) (*accountsv1.Account, error) {
	a, err := s.store.GetAccount(ctx, n.id)
	if errors.Is(err, pstore.ErrNotFound) || err == nil && !sees(policy.Caller(ctx), n.self, a) {
		return nil, apierr.NotFound(n.full)
	}
	if err != nil {
		return nil, err
	}
	auditAccount(ctx, a)
	return a, nil
}

// managed reads account n for a change by the caller: NOT_FOUND when it is
// out of sight, PERMISSION_DENIED when seen but not managed (an admin
// account for a territorial admin).
func (s *Server) managed(ctx context.Context, n name) (*accountsv1.Account, error) {
	p := policy.Caller(ctx)
	if !p.IsNationalAdmin() && !p.IsTerritorialAdmin() {
		return nil, policy.Denied(p, "manage accounts")
	}
	a, err := s.visible(ctx, n)
	if err != nil {
		return nil, err
	}
	if !policy.ManagesAccount(p, a.Role, a.Territory) {
		return nil, apierr.Reason(codes.PermissionDenied, "ADMIN_ROLE_RESERVED",
			"only a national admin manages the account of an admin", map[string]string{"role": a.Role.String()})
	}
	return a, nil
}

// notSelf refuses that an admin locks itself out.
func notSelf(n name, what string) error {
	if n.self {
		return apierr.Reason(codes.FailedPrecondition, "OWN_ACCOUNT", "an admin may not "+what+" its own account", nil)
	}
	return nil
}
