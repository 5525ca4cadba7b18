package delegation

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

// Page sizes of ListDelegations (documented in the API).
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// ListDelegations implements accountsv1.DelegationServiceServer. With
// parent "accounts/{id}" it lists the grants that account gave (itself, or
// an admin managing it). With "accounts/-" it lists what the caller sees:
// every grant for national admins, the grants of their territory's
// grantors for territorial admins, the grants received for a delegate (a
// delegate filter naming another account is PERMISSION_DENIED), the grants
// given for a grantor.
func (s *Server) ListDelegations(ctx context.Context, req *accountsv1.ListDelegationsRequest) (*accountsv1.ListDelegationsResponse, error) {
	q, err := s.query(ctx, req.GetParent(), req.GetFilter())
	if err != nil {
		return nil, err
	}
	size, err := pagetoken.Size(req.GetPageSize(), defaultPageSize, maxPageSize)
	if err != nil {
		return nil, err
	}
	query := req.GetParent() + "\x00" + req.GetFilter()
	var pos store.Position
	if ok, err := s.pages.OpenRequest(req.GetPageToken(), query, &pos); err != nil {
		return nil, err
	} else if ok {
		q.After = &pos
	}
	q.Limit = size + 1
	list, err := s.store.ListDelegations(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &accountsv1.ListDelegationsResponse{Delegations: list}
	if len(list) > size {
		resp.Delegations = list[:size]
		resp.NextPageToken, err = s.pages.Seal(store.DelegationPosition(list[size-1]), query)
	}
	return resp, err
}

// query turns parent and filter into a store query within the caller's sight.
func (s *Server) query(ctx context.Context, parent, f string) (store.DelegationQuery, error) {
	var q store.DelegationQuery
	terms, err := filter.Parse(f, "delegate", "professional")
	if err != nil {
		return q, apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: err.Error()})
	}
	for _, t := range terms {
		switch t.Field {
		case "delegate":
			id, _, err := accountName(ctx, "filter", t.Value)
			if err != nil {
				return q, err
			}
			q.Delegate = id
		case "professional":
			nid, ok := strings.CutPrefix(t.Value, "professionals/")
			if !ok || !nationalID(nid) {
				return q, apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: `professional takes "professionals/{national id}"`})
			}
			q.Professional = nid
		}
	}
	p := policy.Caller(ctx)
	if parent != "accounts/-" {
		if p.Role == accountsv1.Role_ROLE_DELEGATE { // the grants it received from parent
			id, _, err := accountName(ctx, "parent", parent)
			if err != nil {
				return q, err
			}
			q.Grantor = id
			return q, s.ownDelegate(ctx, &q)
		}
		grantor, err := s.grantor(ctx, "parent", parent)
		if err != nil {
			return q, err
		}
		q.Grantor = store.AccountID(grantor.Name)
		audit.Territory(ctx, grantor.Territory)
		return q, nil
	}
	switch {
	case p.IsNationalAdmin():
	case p.IsTerritorialAdmin():
		q.Territory = p.Territory
		audit.Territory(ctx, p.Territory)
	case p.Role == accountsv1.Role_ROLE_DELEGATE:
		return q, s.ownDelegate(ctx, &q)
	default:
		q.Grantor = p.ID()
	}
	return q, nil
}

// ownDelegate restricts q to the grants the calling delegate received.
func (s *Server) ownDelegate(ctx context.Context, q *store.DelegationQuery) error {
	p := policy.Caller(ctx)
	if q.Delegate != "" && q.Delegate != p.ID() {
		return apierr.Reason(codes.PermissionDenied, "OTHER_DELEGATE", "a delegate lists the grants it received only", nil)
	}
	q.Delegate = p.ID()
	return nil
}
