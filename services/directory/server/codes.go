package server

import (
	"context"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/platform/apierr"
)

// ListProfessions implements directoryv1.DirectoryServiceServer.
func (s *Directory) ListProfessions(ctx context.Context, req *directoryv1.ListProfessionsRequest) (*directoryv1.ListProfessionsResponse, error) {
	list, next, err := s.codes(ctx, store.KindProfession, req.GetPageSize(), req.GetPageToken())
	resp := &directoryv1.ListProfessionsResponse{NextPageToken: next}
	for _, c := range list {
		resp.Professions = append(resp.Professions, profession(c))
	}
	return resp, err
}

// GetProfession implements directoryv1.DirectoryServiceServer.
func (s *Directory) GetProfession(ctx context.Context, req *directoryv1.GetProfessionRequest) (*directoryv1.Profession, error) {
	c, err := s.code(ctx, store.KindProfession, "professions/", req.GetName())
	if err != nil {
		return nil, err
	}
	return profession(c), nil
}

// ListSpecialties implements directoryv1.DirectoryServiceServer.
func (s *Directory) ListSpecialties(ctx context.Context, req *directoryv1.ListSpecialtiesRequest) (*directoryv1.ListSpecialtiesResponse, error) {
	list, next, err := s.codes(ctx, store.KindSpecialty, req.GetPageSize(), req.GetPageToken())
	resp := &directoryv1.ListSpecialtiesResponse{NextPageToken: next}
	for _, c := range list {
		resp.Specialties = append(resp.Specialties, specialty(c))
	}
	return resp, err
}

// GetSpecialty implements directoryv1.DirectoryServiceServer.
func (s *Directory) GetSpecialty(ctx context.Context, req *directoryv1.GetSpecialtyRequest) (*directoryv1.Specialty, error) {
	c, err := s.code(ctx, store.KindSpecialty, "specialties/", req.GetName())
	if err != nil {
		return nil, err
	}
	return specialty(c), nil
}

// codes pages a code table (a few hundred entries at most) in memory.
func (s *Directory) codes(ctx context.Context, kind string, size int32, token string) ([]store.Code, string, error) {
	p, err := openPage(s.pages, size, token, kind)
	if err != nil {
		return nil, "", err
	}
	all, err := s.store.Codes(ctx, kind)
	if err != nil {
		return nil, "", err
	}
	var rest []store.Code
	for _, c := range all {
		if c.Code > p.after && len(rest) <= p.size {
			rest = append(rest, c)
		}
	}
	return cut(s.pages, rest, p, func(c store.Code) string { return c.Code }, kind)
}

func (s *Directory) code(ctx context.Context, kind, prefix, name string) (store.Code, error) {
	if err := checkName("name", name, prefix); err != nil {
		return store.Code{}, err
	}
	all, err := s.store.Codes(ctx, kind)
	if err != nil {
		return store.Code{}, err
	}
	for _, c := range all {
		if prefix+c.Code == name {
			return c, nil
		}
	}
	return store.Code{}, apierr.NotFound(name)
}

func profession(c store.Code) *directoryv1.Profession {
	return &directoryv1.Profession{Name: "professions/" + c.Code, Code: c.Code, DisplayName: c.Label, Category: c.Extra}
}

func specialty(c store.Code) *directoryv1.Specialty {
	return &directoryv1.Specialty{Name: "specialties/" + c.Code, Code: c.Code, DisplayName: c.Label, Type: c.Extra}
}
