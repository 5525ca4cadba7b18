package gateway_test

import (
	"context"
	"fmt"
	"sync"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// sas44 is the only territory the test server knows.
func sas44() *commonv1.Territory {
	return &commonv1.Territory{
		Name:                "territories/SAS-44",
		DisplayName:         "SAS Loire-Atlantique",
		Region:              "regions/52",
		Departements:        []string{"departements/44"},
		DefaultRadiusMeters: 20000,
	}
}

// territories is a test TerritoryService that records the metadata of the
// last call and echoes x-request-id as response metadata, as the platform's
// interceptor does.
type territories struct {
	accountsv1.UnimplementedTerritoryServiceServer

	mu   sync.Mutex
	last metadata.MD
}

// record keeps the incoming metadata of ctx and echoes its x-request-id.
func (s *territories) record(ctx context.Context) {
	md, _ := metadata.FromIncomingContext(ctx)
	s.mu.Lock()
	s.last = md
	s.mu.Unlock()
	if id := md.Get("x-request-id"); len(id) > 0 {
		_ = grpc.SetHeader(ctx, metadata.Pairs("x-request-id", id[0]))
	}
}

// lastMD returns the metadata of the last call.
func (s *territories) lastMD() metadata.MD {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// GetTerritory returns territories/SAS-44 and NOT_FOUND for any other name.
func (s *territories) GetTerritory(ctx context.Context, req *accountsv1.GetTerritoryRequest) (*commonv1.Territory, error) {
	s.record(ctx)
	if req.GetName() != sas44().GetName() {
		return nil, status.Errorf(codes.NotFound, "territory %q not found", req.GetName())
	}
	return sas44(), nil
}

// ListTerritories returns an empty page whose next_page_token echoes page_size.
func (s *territories) ListTerritories(ctx context.Context, req *accountsv1.ListTerritoriesRequest) (*accountsv1.ListTerritoriesResponse, error) {
	s.record(ctx)
	return &accountsv1.ListTerritoriesResponse{NextPageToken: fmt.Sprint(req.GetPageSize())}, nil
}

// CreateTerritory rejects an empty display name with a BadRequest detail and
// otherwise returns the territory named after territory_id.
func (s *territories) CreateTerritory(ctx context.Context, req *accountsv1.CreateTerritoryRequest) (*commonv1.Territory, error) {
	s.record(ctx)
	if req.GetTerritory().GetDisplayName() == "" {
		return nil, emptyDisplayName().Err()
	}
	t := req.GetTerritory()
	t.Name = "territories/" + req.GetTerritoryId()
	return t, nil
}

// emptyDisplayName is the status CreateTerritory returns for an empty display name.
func emptyDisplayName() *status.Status {
	st, err := status.New(codes.InvalidArgument, "invalid territory").WithDetails(&errdetails.BadRequest{
		FieldViolations: []*errdetails.BadRequest_FieldViolation{{
			Field:       "territory.display_name",
			Description: "must not be empty",
		}},
	})
	if err != nil {
		panic(err)
	}
	return st
}
