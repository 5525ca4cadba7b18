package server

import (
	"context"
	"fmt"
	"github.com/sas-platform/sas/services/platform/policy"
	"strings"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/platform/apierr"
)

// GetProfessional implements directoryv1.DirectoryServiceServer.
func (s *Directory) GetProfessional(ctx context.Context, req *directoryv1.GetProfessionalRequest) (*directoryv1.Professional, error) {
	id, err := professionalID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	p, err := s.store.GetProfessional(ctx, id)
	return p, notFound(req.GetName(), err)
}

// BatchGetProfessionals implements directoryv1.DirectoryServiceServer.
func (s *Directory) BatchGetProfessionals(ctx context.Context, req *directoryv1.BatchGetProfessionalsRequest) (*directoryv1.BatchGetProfessionalsResponse, error) {
	if n := len(req.GetNames()); n == 0 || n > maxBatchGet {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "names", Description: fmt.Sprintf("want 1 to %d names, got %d", maxBatchGet, n)})
	}
	resp := &directoryv1.BatchGetProfessionalsResponse{}
	for i, name := range req.GetNames() {
		id, err := professionalID(fmt.Sprintf("names[%d]", i), name)
		if err != nil {
			return nil, err
		}
		p, err := s.store.GetProfessional(ctx, id)
		if err != nil {
			return nil, notFound(name, err)
		}
		resp.Professionals = append(resp.Professionals, p)
	}
	return resp, nil
}

// ListProfessionals implements directoryv1.DirectoryServiceServer.
func (s *Directory) ListProfessionals(ctx context.Context, req *directoryv1.ListProfessionalsRequest) (*directoryv1.ListProfessionalsResponse, error) {
	q, err := professionalQuery(req.GetFilter())
	if err != nil {
		return nil, err
	}
	p, err := openPage(s.pages, req.GetPageSize(), req.GetPageToken(), req.GetFilter())
	if err != nil {
		return nil, err
	}
	q.After, q.Limit = p.after, p.size+1
	list, err := s.store.ListProfessionals(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &directoryv1.ListProfessionalsResponse{}
	resp.Professionals, resp.NextPageToken, err = cut(s.pages, list, p, (*directoryv1.Professional).GetNationalId, req.GetFilter())
	return resp, err
}

func professionalQuery(f string) (store.ProfessionalQuery, error) {
	var q store.ProfessionalQuery
	terms, err := parseFilter(f, "profession", "specialty", "departement", "commune", "active", "opted_out")
	if err != nil {
		return q, err
	}
	q.Profession = strings.TrimPrefix(terms["profession"], "professions/")
	q.Specialty = strings.TrimPrefix(terms["specialty"], "specialties/")
	q.Departement = strings.TrimPrefix(terms["departement"], "departements/")
	q.Commune = terms["commune"]
	if q.Active, err = boolTerm(terms, "active"); err != nil {
		return q, err
	}
	q.OptedOut, err = boolTerm(terms, "opted_out")
	return q, err
}

// SetOptOut implements directoryv1.DirectoryServiceServer.
func (s *Directory) SetOptOut(ctx context.Context, req *directoryv1.SetOptOutRequest) (*directoryv1.Professional, error) {
	id, err := professionalID("name", req.GetName())
	if err != nil {
		return nil, err
	}
	// Admins record an objection sent to them; otherwise only the
	// professional itself or those it granted may.
	if caller := policy.Caller(ctx); caller == nil {
		return nil, policy.Denied(caller, "set an opt-out")
	} else if !caller.IsNationalAdmin() && !caller.IsTerritorialAdmin() {
		if err := policy.ActFor(caller, id); err != nil {
			return nil, err
		}
	}
	p, err := s.store.SetOptOut(ctx, id, req.GetOptedOut())
	return p, notFound(req.GetName(), err)
}
