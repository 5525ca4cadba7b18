package territory

import (
	"context"
	"errors"
	"strings"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/filter"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/store"
)

// Page sizes of the List methods (documented in the API).
const (
	defaultPageSize = 50
	maxPageSize     = 500
)

// Server implements accountsv1.TerritoryServiceServer.
type Server struct {
	accountsv1.UnimplementedTerritoryServiceServer
	store Store
	pages *pagetoken.Sealer
}

// NewServer serves the reference kept in st.
func NewServer(st Store, pages *pagetoken.Sealer) *Server {
	return &Server{store: st, pages: pages}
}

// ListRegions implements accountsv1.TerritoryServiceServer.
func (s *Server) ListRegions(ctx context.Context, req *accountsv1.ListRegionsRequest) (*accountsv1.ListRegionsResponse, error) {
	all, err := s.store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	page, next, err := pageOf(s, all, (*commonv1.Region).GetName, req.GetPageSize(), req.GetPageToken(), "")
	if err != nil {
		return nil, err
	}
	return &accountsv1.ListRegionsResponse{Regions: page, NextPageToken: next}, nil
}

// GetRegion implements accountsv1.TerritoryServiceServer.
func (s *Server) GetRegion(ctx context.Context, req *accountsv1.GetRegionRequest) (*commonv1.Region, error) {
	if err := checkName("name", req.GetName(), "regions/"); err != nil {
		return nil, err
	}
	all, err := s.store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	return find(all, (*commonv1.Region).GetName, req.GetName())
}

// ListDepartements implements accountsv1.TerritoryServiceServer.
func (s *Server) ListDepartements(ctx context.Context, req *accountsv1.ListDepartementsRequest) (*accountsv1.ListDepartementsResponse, error) {
	terms, err := parseFilter(req.GetFilter(), "region")
	if err != nil {
		return nil, err
	}
	all, err := s.store.Departements(ctx)
	if err != nil {
		return nil, err
	}
	if len(terms) > 0 {
		all = keep(all, func(d *commonv1.Departement) bool { return d.Region == terms[0].Value })
	}
	page, next, err := pageOf(s, all, (*commonv1.Departement).GetName, req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, err
	}
	return &accountsv1.ListDepartementsResponse{Departements: page, NextPageToken: next}, nil
}

// GetDepartement implements accountsv1.TerritoryServiceServer.
func (s *Server) GetDepartement(ctx context.Context, req *accountsv1.GetDepartementRequest) (*commonv1.Departement, error) {
	if err := checkName("name", req.GetName(), "departements/"); err != nil {
		return nil, err
	}
	all, err := s.store.Departements(ctx)
	if err != nil {
		return nil, err
	}
	return find(all, (*commonv1.Departement).GetName, req.GetName())
}

// ListTerritories implements accountsv1.TerritoryServiceServer.
func (s *Server) ListTerritories(ctx context.Context, req *accountsv1.ListTerritoriesRequest) (*accountsv1.ListTerritoriesResponse, error) {
	q, err := territoryQuery(req.GetFilter())
	if err != nil {
		return nil, err
	}
	size, err := pagetoken.Size(req.GetPageSize(), defaultPageSize, maxPageSize)
	if err != nil {
		return nil, err
	}
	if _, err := s.pages.OpenRequest(req.GetPageToken(), req.GetFilter(), &q.After); err != nil {
		return nil, err
	}
	q.Limit = size + 1 // one more tells whether a next page exists
	list, err := s.store.ListTerritories(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &accountsv1.ListTerritoriesResponse{Territories: list}
	if len(list) > size {
		resp.Territories = list[:size]
		resp.NextPageToken, err = s.pages.Seal(list[size-1].Name, req.GetFilter())
	}
	return resp, err
}

// GetTerritory implements accountsv1.TerritoryServiceServer.
func (s *Server) GetTerritory(ctx context.Context, req *accountsv1.GetTerritoryRequest) (*commonv1.Territory, error) {
	if err := checkName("name", req.GetName(), "territories/"); err != nil {
		return nil, err
	}
	t, err := s.store.GetTerritory(ctx, req.GetName())
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.NotFound(req.GetName())
	}
	return t, err
}

// CreateTerritory implements accountsv1.TerritoryServiceServer: territories
// are edited by national admins only, which needs the sign-in of issue 4.
func (s *Server) CreateTerritory(context.Context, *accountsv1.CreateTerritoryRequest) (*commonv1.Territory, error) {
	return nil, apierr.Unimplemented(accountsv1.TerritoryService_CreateTerritory_FullMethodName,
		"editing territories is for national admins, and sign-in comes with the accounts service (issue 4)")
}

// UpdateTerritory implements accountsv1.TerritoryServiceServer; see CreateTerritory.
func (s *Server) UpdateTerritory(context.Context, *accountsv1.UpdateTerritoryRequest) (*commonv1.Territory, error) {
	return nil, apierr.Unimplemented(accountsv1.TerritoryService_UpdateTerritory_FullMethodName,
		"editing territories is for national admins, and sign-in comes with the accounts service (issue 4)")
}

func territoryQuery(f string) (Query, error) {
	terms, err := parseFilter(f, "region", "departement", "active")
	if err != nil {
		return Query{}, err
	}
	var q Query
	for _, t := range terms {
		switch t.Field {
		case "region":
			q.Region = t.Value
		case "departement":
			q.Departement = t.Value
		case "active":
			active := t.Value == "true"
			if !active && t.Value != "false" {
				return q, apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: "active takes true or false"})
			}
			q.Active = &active
		}
	}
	return q, nil
}

func parseFilter(f string, fields ...string) ([]filter.Term, error) {
	terms, err := filter.Parse(f, fields...)
	if err != nil {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: err.Error()})
	}
	return terms, nil
}

func checkName(field, name, prefix string) error {
	if !strings.HasPrefix(name, prefix) || len(name) == len(prefix) || strings.Contains(name[len(prefix):], "/") {
		return apierr.InvalidArgument(apierr.Violation{Field: field, Description: "want " + prefix + "{id}, got " + quote(name)})
	}
	return nil
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return `"` + s + `"`
}
