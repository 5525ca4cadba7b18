package delegation

import (
	"context"
	"strings"

	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/policy"
)

// accountName reads "accounts/{id}" or "accounts/me" and tells whether it
// is the caller's own.
func accountName(ctx context.Context, field, name string) (id string, self bool, err error) {
	id, ok := strings.CutPrefix(name, "accounts/")
	if !ok || id == "" || id == "-" || strings.Contains(id, "/") || len(id) > 64 {
		return "", false, apierr.InvalidArgument(apierr.Violation{Field: field, Description: `want "accounts/{id}" or "accounts/me"`})
	}
	p := policy.Caller(ctx)
	user := p != nil && p.Kind == auth.KindUser
	if id == "me" {
		if !user {
			return "", false, apierr.InvalidArgument(apierr.Violation{Field: field, Description: `"accounts/me" names a user's own account`})
		}
		return p.ID(), true, nil
	}
	return id, user && id == p.ID(), nil
}

// parseGrantName reads "accounts/{grantor}/delegations/{id}" into the
// grantor's account name (still "accounts/me" if so) and the grant id.
func parseGrantName(_ context.Context, name string) (string, string, error) {
	parts := strings.Split(name, "/")
	if len(parts) != 4 || parts[0] != "accounts" || parts[1] == "" || parts[2] != "delegations" || parts[3] == "" || len(parts[3]) > 64 {
		return "", "", apierr.InvalidArgument(apierr.Violation{Field: "name", Description: `want "accounts/{id}/delegations/{id}"`})
	}
	return "accounts/" + parts[1], parts[3], nil
}
