package account

import (
	"context"
	"strings"

	"google.golang.org/grpc/codes"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/filter"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
)

// Page sizes of ListAccounts (documented in the API).
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// orders are the accepted order_by values.
var orders = map[string]store.Order{
	"":                 store.ByEmail,
	"email":            store.ByEmail,
	"email asc":        store.ByEmail,
	"create_time desc": store.ByCreateTimeDesc,
	"family_name":      store.ByFamilyName,
	"family_name asc":  store.ByFamilyName,
}

// ListAccounts implements accountsv1.AccountServiceServer. Territorial
// admins and referents list their own territory only (national admins
// left out): a filter on another territory is PERMISSION_DENIED, as it
// does not depend on what exists.
func (s *Server) ListAccounts(ctx context.Context, req *accountsv1.ListAccountsRequest) (*accountsv1.ListAccountsResponse, error) {
	q, err := accountQuery(req.GetFilter(), req.GetOrderBy())
	if err != nil {
		return nil, err
	}
	if err := scopeQuery(ctx, &q); err != nil {
		return nil, err
	}
	size, err := pagetoken.Size(req.GetPageSize(), defaultPageSize, maxPageSize)
	if err != nil {
		return nil, err
	}
	query := req.GetFilter() + "\x00" + req.GetOrderBy()
	var pos store.Position
	if ok, err := s.pages.OpenRequest(req.GetPageToken(), query, &pos); err != nil {
		return nil, err
	} else if ok {
		q.After = &pos
	}
	q.Limit = size + 1 // one more tells whether a next page exists
	list, err := s.store.ListAccounts(ctx, q)
	if err != nil {
		return nil, err
	}
	audit.Territory(ctx, q.Territory)
	resp := &accountsv1.ListAccountsResponse{Accounts: list}
	if len(list) > size {
		resp.Accounts = list[:size]
		resp.NextPageToken, err = s.pages.Seal(store.PositionOf(list[size-1], q.Order), query)
	}
	return resp, err
}

// scopeQuery restricts q to what the caller sees.
func scopeQuery(ctx context.Context, q *store.AccountQuery) error {
	p := policy.Caller(ctx)
	switch {
	case p.IsNationalAdmin():
		return nil
	case !isOverseer(p) || p.Territory == "":
		return policy.Denied(p, "list accounts")
	case q.Territory != "" && q.Territory != p.Territory:
		return apierr.Reason(codes.PermissionDenied, "OUTSIDE_TERRITORY",
			p.Label()+" lists the accounts of "+p.Territory+" only", map[string]string{"territory": q.Territory})
	}
	q.Territory, q.HideRole = p.Territory, accountsv1.Role_ROLE_NATIONAL_ADMIN
	return nil
}

func accountQuery(f, orderBy string) (store.AccountQuery, error) {
	var q store.AccountQuery
	order, ok := orders[strings.Join(strings.Fields(orderBy), " ")]
	if !ok {
		return q, apierr.InvalidArgument(apierr.Violation{Field: "order_by",
			Description: `want "email" (default), "create_time desc" or "family_name"`})
	}
	q.Order = order
	terms, err := filter.Parse(f, "role", "territory", "state", "inactive")
	if err != nil {
		return q, badFilter(err.Error())
	}
	for _, t := range terms {
		switch t.Field {
		case "role":
			v, ok := accountsv1.Role_value[t.Value]
			if !ok || v == 0 {
				return q, badFilter("unknown role " + t.Value)
			}
			q.Role = accountsv1.Role(v)
		case "territory":
			q.Territory = t.Value
		case "state":
			v, ok := accountsv1.Account_State_value[t.Value]
			if !ok || v == 0 {
				return q, badFilter("unknown state " + t.Value)
			}
			q.State = accountsv1.Account_State(v)
		case "inactive":
			if t.Value != "true" && t.Value != "false" {
				return q, badFilter("inactive takes true or false")
			}
			inactive := t.Value == "true"
			q.Inactive = &inactive
		}
	}
	return q, nil
}

func badFilter(desc string) error {
	return apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: desc})
}
