// Package server is the search service's SearchService: a regulator's
// search answered from the in-memory read model, through the cache, under a
// bound on searches in flight, audited with its parameters and no patient
// data.
package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/search/index"
)

// Compute answers a search from the read model.
type Compute func(ctx context.Context, req *searchv1.SearchSlotsRequest, now time.Time) (*searchv1.SearchSlotsResponse, error)

// Lookup answers a search through the cache, calling compute on a miss.
type Lookup func(ctx context.Context, req *searchv1.SearchSlotsRequest, now time.Time, compute Compute) (*searchv1.SearchSlotsResponse, error)

// Server implements searchv1.SearchServiceServer.
type Server struct {
	searchv1.UnimplementedSearchServiceServer
	model  func() *index.Index
	lookup Lookup
	now    func() time.Time
	slots  chan struct{}
	wait   time.Duration
}

// Settings bound the searches in flight.
type Settings struct {
	// MaxInFlight searches run at once (default 64); the others wait up to
	// QueueWait (default 20 ms) for a turn, then get RESOURCE_EXHAUSTED, so
	// that an overload is refused fast instead of piling up timeouts.
	MaxInFlight int
	QueueWait   time.Duration
}

// New returns the server. model returns the index in service (nil while the
// first snapshots load); lookup may be nil (no cache).
func New(model func() *index.Index, lookup Lookup, s Settings) *Server {
	if s.MaxInFlight <= 0 {
		s.MaxInFlight = 64
	}
	if s.QueueWait <= 0 {
		s.QueueWait = 20 * time.Millisecond
	}
	if lookup == nil {
		lookup = func(ctx context.Context, req *searchv1.SearchSlotsRequest, now time.Time, compute Compute) (*searchv1.SearchSlotsResponse, error) {
			return compute(ctx, req, now)
		}
	}
	return &Server{model: model, lookup: lookup, now: time.Now, slots: make(chan struct{}, s.MaxInFlight), wait: s.QueueWait}
}

// SearchSlots implements searchv1.SearchServiceServer.
func (s *Server) SearchSlots(ctx context.Context, req *searchv1.SearchSlotsRequest) (*searchv1.SearchSlotsResponse, error) {
	noteParameters(ctx, req)
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	defer func() { <-s.slots }()
	if s.model() == nil {
		return nil, apierr.Reason(codes.Unavailable, "READ_MODEL_LOADING",
			"search is loading its read model from the directory and availability feeds: retry in a few seconds", nil)
	}
	resp, err := s.lookup(ctx, req, s.now(), func(ctx context.Context, req *searchv1.SearchSlotsRequest, now time.Time) (*searchv1.SearchSlotsResponse, error) {
		return s.model().Search(ctx, req, now)
	})
	if err != nil {
		return nil, searchError(err)
	}
	audit.Territory(ctx, resp.GetTerritory())
	audit.Detail(ctx, "results", strconv.Itoa(int(resp.GetTotalSize())))
	audit.Detail(ctx, "radius_used", strconv.Itoa(int(resp.GetRadiusMeters())))
	return resp, nil
}

// acquire takes a turn, waiting a little when all are taken.
func (s *Server) acquire(ctx context.Context) error {
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(s.wait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		st, _ := status.New(codes.ResourceExhausted, "too many searches under way: retry shortly").WithDetails(
			&errdetails.ErrorInfo{Reason: "SEARCH_OVERLOADED", Domain: "sas"},
			&errdetails.RetryInfo{RetryDelay: durationpb.New(100 * time.Millisecond)})
		return st.Err()
	}
}

// searchError maps the index's errors to statuses.
func searchError(err error) error {
	var q *index.QueryError
	switch {
	case errors.As(err, &q):
		desc := q.Description
		if len(q.Candidates) > 0 {
			desc += ": " + strings.Join(q.Candidates, ", ")
		}
		return apierr.InvalidArgument(apierr.Violation{Field: q.Field, Description: desc})
	case errors.Is(err, index.ErrNoSAS):
		return apierr.Reason(codes.FailedPrecondition, "NO_SAS_IN_TERRITORY", err.Error(), nil)
	}
	return err
}

// noteParameters puts the search's parameters on its audit event. The
// patient's position is rounded to about a kilometre and the patient's own
// doctor is only said to be given: the trail holds no patient data.
func noteParameters(ctx context.Context, req *searchv1.SearchSlotsRequest) {
	d := func(k, v string) {
		if v != "" && v != "0" {
			audit.Detail(ctx, k, v)
		}
	}
	switch l := req.GetLocation().(type) {
	case *searchv1.SearchSlotsRequest_Point:
		round := func(x float64) string { return strconv.FormatFloat(math.Round(x*100)/100, 'f', 2, 64) }
		d("location", "point:"+round(l.Point.GetLatitude())+","+round(l.Point.GetLongitude()))
	case *searchv1.SearchSlotsRequest_InseeCode:
		d("location", "insee:"+l.InseeCode)
	case *searchv1.SearchSlotsRequest_PostalCode:
		d("location", "postal_code:"+l.PostalCode)
	case *searchv1.SearchSlotsRequest_CommuneName:
		d("location", "commune:"+l.CommuneName)
	case *searchv1.SearchSlotsRequest_Departement:
		d("location", l.Departement)
	}
	d("radius_meters", strconv.Itoa(int(req.GetRadiusMeters())))
	if w := req.GetWindow(); w != nil {
		d("window", w.GetStartTime().AsTime().Format(time.RFC3339)+"/"+w.GetEndTime().AsTime().Format(time.RFC3339))
	}
	if req.GetAvailableWithin() != 0 {
		d("available_within", req.GetAvailableWithin().String())
	}
	if req.GetMode() != 0 {
		d("mode", req.GetMode().String())
	}
	d("specialties", strings.Join(req.GetSpecialties(), " "))
	d("professions", strings.Join(req.GetProfessions(), " "))
	d("consultation_modes", joinEnums(req.GetConsultationModes()))
	d("visibilities", joinEnums(req.GetVisibilities()))
	d("structure_types", joinEnums(req.GetStructureTypes()))
	d("vendors", strings.Join(req.GetVendors(), " "))
	if req.GetPatientDoctor() != "" {
		d("patient_doctor", "given")
	}
	if req.GetPageToken() != "" {
		d("page", "next")
	}
}

func joinEnums[E fmt.Stringer](es []E) string {
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, e.String())
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}
