package account

import (
	"context"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/audit"
)

// auditAccount names a as the call's target, with its territory (the
// request may say "accounts/me").
func auditAccount(ctx context.Context, a *accountsv1.Account) {
	audit.Target(ctx, a.Name, a.Territory)
}
