package server

import (
	"context"
	"strings"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/store"
)

// GetSite implements directoryv1.DirectoryServiceServer.
func (s *Directory) GetSite(ctx context.Context, req *directoryv1.GetSiteRequest) (*directoryv1.Site, error) {
	if err := checkName("name", req.GetName(), "sites/"); err != nil {
		return nil, err
	}
	site, err := s.store.GetSite(ctx, req.GetName())
	return site, notFound(req.GetName(), err)
}

// ListSites implements directoryv1.DirectoryServiceServer.
func (s *Directory) ListSites(ctx context.Context, req *directoryv1.ListSitesRequest) (*directoryv1.ListSitesResponse, error) {
	terms, err := parseFilter(req.GetFilter(), "departement", "commune", "located")
	if err != nil {
		return nil, err
	}
	q := store.SiteQuery{Departement: strings.TrimPrefix(terms["departement"], "departements/"), Commune: terms["commune"]}
	if q.Located, err = boolTerm(terms, "located"); err != nil {
		return nil, err
	}
	p, err := openPage(s.pages, req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, err
	}
	q.After, q.Limit = p.after, p.size+1
	list, err := s.store.ListSites(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &directoryv1.ListSitesResponse{}
	resp.Sites, resp.NextPageToken, err = cut(s.pages, list, p, (*directoryv1.Site).GetName, req.GetFilter())
	return resp, err
}
