package policy

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
)

// Caller returns the principal of the call; the authenticator put it there.
func Caller(ctx context.Context) *auth.Principal { return auth.FromContext(ctx) }

// SeesTerritory reports whether p may read the data of territory
// ("territories/{id}"): national admins see every territory, everyone else
// only their own.
func SeesTerritory(p *auth.Principal, territory string) bool {
	if p == nil {
		return false
	}
	if p.IsNationalAdmin() || p.Kind == auth.KindService {
		return true
	}
	return p.Territory != "" && p.Territory == territory
}

// IsAdminRole reports whether role manages accounts (national or territorial).
func IsAdminRole(role accountsv1.Role) bool {
	switch role {
	case accountsv1.Role_ROLE_NATIONAL_ADMIN, accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER, accountsv1.Role_ROLE_GRADES_ACCOUNT_MANAGER:
		return true
	}
	return false
}

// CanAssignRole checks that p may give an account role in territory:
// national admins give any role; territorial admins only non-admin roles in
// their own territory.
func CanAssignRole(p *auth.Principal, role accountsv1.Role, territory string) error {
	if p.IsNationalAdmin() {
		return nil
	}
	if !p.IsTerritorialAdmin() {
		return Denied(p, "manage accounts")
	}
	if IsAdminRole(role) {
		return apierr.Reason(codes.PermissionDenied, "ADMIN_ROLE_RESERVED",
			fmt.Sprintf("only a national admin gives the role %s", role), map[string]string{"role": role.String()})
	}
	if territory != p.Territory {
		return apierr.Reason(codes.PermissionDenied, "OUTSIDE_TERRITORY",
			fmt.Sprintf("%s manages the accounts of %s only", p.Label(), p.Territory), map[string]string{"territory": territory})
	}
	return nil
}

// ManagesAccount reports whether p manages an existing account of role in
// territory. When false, handlers answer NOT_FOUND: an admin of another
// territory must not learn that the account exists.
func ManagesAccount(p *auth.Principal, role accountsv1.Role, territory string) bool {
	if p.IsNationalAdmin() {
		return true
	}
	return p.IsTerritorialAdmin() && territory == p.Territory && !IsAdminRole(role)
}

// Denied is the PERMISSION_DENIED answer for p trying to do what.
func Denied(p *auth.Principal, what string) error {
	return apierr.Reason(codes.PermissionDenied, "NOT_ALLOWED", fmt.Sprintf("%s may not %s", p.Label(), what), nil)
}

// ActFor checks that p may manage the availability of the professional
// nationalID (itself, or through a delegation).
func ActFor(p *auth.Principal, nationalID string) error {
	if p.MayActFor(nationalID) {
		return nil
	}
	return apierr.Reason(codes.PermissionDenied, "NO_GRANT",
		fmt.Sprintf("%s has no grant for professionals/%s", p.Label(), nationalID), map[string]string{"professional": nationalID})
}
