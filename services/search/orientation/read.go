package orientation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/filter"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
	"github.com/sas-platform/sas/services/platform/store"
)

// Page sizes of ListOrientations (documented in the API).
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// GetOrientation implements searchv1.OrientationServiceServer: NOT_FOUND
// outside the caller's territory (national admins and services see all).
// The handoff token is not kept: only CreateOrientation returns it.
func (s *Server) GetOrientation(ctx context.Context, req *searchv1.GetOrientationRequest) (*searchv1.Orientation, error) {
	m := orientationName.FindStringSubmatch(req.GetName())
	if m == nil {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "name", Description: `want "orientations/{id}"`})
	}
	o, err := s.store.Orientation(ctx, m[1])
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.NotFound(req.GetName())
	} else if err != nil {
		return nil, err
	}
	if !policy.SeesTerritory(policy.Caller(ctx), o.GetTerritory()) {
		return nil, apierr.NotFound(req.GetName())
	}
	audit.Territory(ctx, o.GetTerritory())
	return o, nil
}

// ListOrientations implements searchv1.OrientationServiceServer. Everyone
// but national admins lists their own territory: a filter on another one
// is PERMISSION_DENIED, as it does not depend on what exists.
func (s *Server) ListOrientations(ctx context.Context, req *searchv1.ListOrientationsRequest) (*searchv1.ListOrientationsResponse, error) {
	q, err := listQuery(req.GetFilter())
	if err != nil {
		return nil, err
	}
	if err := scope(ctx, &q); err != nil {
		return nil, err
	}
	size, err := pagetoken.Size(req.GetPageSize(), defaultPageSize, maxPageSize)
	if err != nil {
		return nil, err
	}
	var pos Position
	if ok, err := s.pages.OpenRequest(req.GetPageToken(), req.GetFilter(), &pos); err != nil {
		return nil, err
	} else if ok {
		q.After = &pos
	}
	q.Limit = size + 1 // one more tells whether a next page exists
	list, err := s.store.ListOrientations(ctx, q)
	if err != nil {
		return nil, err
	}
	audit.Territory(ctx, q.Territory)
	resp := &searchv1.ListOrientationsResponse{Orientations: list}
	if len(list) > size {
		resp.Orientations = list[:size]
		resp.NextPageToken, err = s.pages.Seal(positionOf(list[size-1]), req.GetFilter())
	}
	return resp, err
}

// scope restricts q to the caller's territory.
func scope(ctx context.Context, q *Query) error {
	p := policy.Caller(ctx)
	switch {
	case p.IsNationalAdmin():
		return nil
	case p == nil || p.Territory == "":
		return policy.Denied(p, "list orientations")
	case q.Territory != "" && q.Territory != p.Territory:
		return apierr.Reason(codes.PermissionDenied, "OUTSIDE_TERRITORY",
			p.Label()+" lists the orientations of "+p.Territory+" only", map[string]string{"territory": q.Territory})
	}
	q.Territory = p.Territory
	return nil
}

// listQuery reads the filter: territory, regulator, type (=) and
// create_time (=, >=, >, <=, <, RFC 3339).
func listQuery(expr string) (Query, error) {
	var q Query
	terms, err := filter.ParseOrdered(expr, []string{"territory", "regulator", "type"}, []string{"create_time"})
	if err != nil {
		return q, badFilter(err.Error())
	}
	for _, t := range terms {
		switch t.Field {
		case "territory":
			if !strings.HasPrefix(t.Value, "territories/") {
				return q, badFilter(`territory = "territories/{id}"`)
			}
			q.Territory = t.Value
		case "regulator":
			if !strings.HasPrefix(t.Value, "accounts/") {
				return q, badFilter(`regulator = "accounts/{id}"`)
			}
			q.Regulator = t.Value
		case "type":
			v, ok := searchv1.Orientation_Type_value[t.Value]
			if !ok || v == 0 {
				return q, badFilter("type = TYPE_SLOT, TYPE_RANGE or TYPE_EXTRA_PATIENT, not " + t.Value)
			}
			q.Type = searchv1.Orientation_Type(v)
		case "create_time":
			if err := timeBound(&q, t); err != nil {
				return q, err
			}
		}
	}
	return q, nil
}

// timeBound narrows q's create_time bounds by t.
func timeBound(q *Query, t filter.Term) error {
	at, err := time.Parse(time.RFC3339Nano, t.Value)
	if err != nil {
		return badFilter(fmt.Sprintf("create_time: %q is not an RFC 3339 time", t.Value))
	}
	from, to := at, at.Add(time.Microsecond) // "=" is [at, at+1µs)
	switch t.Op {
	case ">=":
		to = time.Time{}
	case ">":
		from, to = at.Add(time.Microsecond), time.Time{}
	case "<":
		from, to = time.Time{}, at
	case "<=":
		from = time.Time{}
	}
	if !from.IsZero() && (q.From.IsZero() || from.After(q.From)) {
		q.From = from
	}
	if !to.IsZero() && (q.To.IsZero() || to.Before(q.To)) {
		q.To = to
	}
	return nil
}

func badFilter(desc string) error {
	return apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: desc})
}
