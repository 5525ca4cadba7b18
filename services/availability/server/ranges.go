package server

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
)

const maxPatients = 100

// checkRange checks a range as slots are checked.
func (s *Server) checkRange(r *availabilityv1.Range) error {
	as := &availabilityv1.Slot{Professional: r.GetProfessional(), Place: r.GetPlace(), StartTime: r.GetStartTime(),
		EndTime: r.GetEndTime(), Status: availabilityv1.Slot_STATUS_FREE, Visibility: r.GetVisibility(),
		ConsultationModes: r.GetConsultationModes()}
	if as.Visibility == 0 {
		as.Visibility = 3 // SNP: a range is for SAS unless it says otherwise
	}
	if f := checkSlot(as, false, s.now(), s.settings.Horizon); f != nil {
		return f.status("range.")
	}
	if n := r.GetMaxPatients(); n < 1 || n > maxPatients {
		return apierr.InvalidArgument(apierr.Violation{Field: "range.max_patients", Description: fmt.Sprintf("%d, want 1 to %d", n, maxPatients)})
	}
	if r.GetMaxPatients() < r.GetOrientationCount() {
		return apierr.InvalidArgumentReason("BELOW_ORIENTATIONS", apierr.Violation{Field: "range.max_patients",
			Description: fmt.Sprintf("%d is below the %d orientations already made", r.GetMaxPatients(), r.GetOrientationCount())})
	}
	return nil
}

// CreateRange implements availabilityv1.AvailabilityServiceServer.
func (s *Server) CreateRange(ctx context.Context, req *availabilityv1.CreateRangeRequest) (*availabilityv1.Range, error) {
	if _, err := actFor(ctx, req.GetParent()); err != nil {
		return nil, err
	}
	r := proto.Clone(req.GetRange()).(*availabilityv1.Range)
	if r.GetProfessional() == "" {
		r.Professional = req.GetParent()
	}
	if r.GetProfessional() != req.GetParent() {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "range.professional", Description: "differs from parent"})
	}
	r.OrientationCount = 0
	if err := s.checkRange(r); err != nil {
		return nil, err
	}
	k, err := idempotency.NewKey(ctx, "CreateRange", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*availabilityv1.Range, error) {
		out, err := s.store.CreateRange(ctx, k, r)
		return out, storeError(err, req.GetParent())
	})
}

func rangeID(name, field string) (string, error) {
	id, ok := strings.CutPrefix(name, "ranges/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", apierr.InvalidArgument(apierr.Violation{Field: field, Description: `want "ranges/{id}"`})
	}
	return id, nil
}

// GetRange implements availabilityv1.AvailabilityServiceServer.
func (s *Server) GetRange(ctx context.Context, req *availabilityv1.GetRangeRequest) (*availabilityv1.Range, error) {
	id, err := rangeID(req.GetName(), "name")
	if err != nil {
		return nil, err
	}
	r, err := s.store.GetRange(ctx, id)
	if err != nil {
		return nil, storeError(err, req.GetName())
	}
	if !mayReadProfessional(policy.Caller(ctx), store.NationalID(r.GetProfessional())) {
		return nil, apierr.NotFound(req.GetName())
	}
	return r, nil
}

// ListRanges implements availabilityv1.AvailabilityServiceServer.
func (s *Server) ListRanges(ctx context.Context, req *availabilityv1.ListRangesRequest) (*availabilityv1.ListRangesResponse, error) {
	if !professionalName.MatchString(req.GetParent()) {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "parent", Description: `want "professionals/{national_id}"`})
	}
	id := store.NationalID(req.GetParent())
	if p := policy.Caller(ctx); !mayReadProfessional(p, id) {
		return nil, policy.Denied(p, "list the ranges of "+req.GetParent())
	}
	size, err := pagetoken.Size(req.GetPageSize(), 100, 1000)
	if err != nil {
		return nil, err
	}
	var pos slotPosition
	started, err := s.pages.OpenRequest(req.GetPageToken(), req.GetParent(), &pos)
	if err != nil {
		return nil, err
	}
	if !started {
		pos.Start = -1 << 62
	}
	list, err := s.store.ListRanges(ctx, id, pos.Start, pos.ID, size+1)
	if err != nil {
		return nil, err
	}
	resp := &availabilityv1.ListRangesResponse{Ranges: list}
	if len(list) > size {
		resp.Ranges = list[:size]
		last := list[size-1]
		resp.NextPageToken, err = s.pages.Seal(slotPosition{last.GetStartTime().AsTime().UnixMicro(),
			strings.TrimPrefix(last.GetName(), "ranges/")}, req.GetParent())
	}
	return resp, err
}

// managedRange reads the range name and checks the caller manages it.
func (s *Server) managedRange(ctx context.Context, name, field string) (string, error) {
	id, err := rangeID(name, field)
	if err != nil {
		return "", err
	}
	cur, err := s.store.GetRange(ctx, id)
	if err != nil {
		return "", storeError(err, name)
	}
	if !policy.Caller(ctx).MayActFor(store.NationalID(cur.GetProfessional())) {
		return "", apierr.NotFound(name)
	}
	return id, nil
}

var rangeFields = map[string]func(dst, src *availabilityv1.Range){
	"start_time":         func(d, s *availabilityv1.Range) { d.StartTime = s.StartTime },
	"end_time":           func(d, s *availabilityv1.Range) { d.EndTime = s.EndTime },
	"max_patients":       func(d, s *availabilityv1.Range) { d.MaxPatients = s.MaxPatients },
	"consultation_modes": func(d, s *availabilityv1.Range) { d.ConsultationModes = s.ConsultationModes },
	"visibility":         func(d, s *availabilityv1.Range) { d.Visibility = s.Visibility },
	"place":              func(d, s *availabilityv1.Range) { d.Place = s.Place },
}

// UpdateRange implements availabilityv1.AvailabilityServiceServer.
func (s *Server) UpdateRange(ctx context.Context, req *availabilityv1.UpdateRangeRequest) (*availabilityv1.Range, error) {
	id, err := s.managedRange(ctx, req.GetRange().GetName(), "range.name")
	if err != nil {
		return nil, err
	}
	paths, err := maskPaths(req.GetUpdateMask(), rangeFields)
	if err != nil {
		return nil, err
	}
	k, err := idempotency.NewKey(ctx, "UpdateRange", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*availabilityv1.Range, error) {
		out, err := s.store.UpdateRange(ctx, k, id, req.GetRange().GetEtag(), func(cur *availabilityv1.Range) error {
			for _, p := range paths {
				rangeFields[p](cur, req.GetRange())
			}
			return s.checkRange(cur)
		})
		return out, storeError(err, req.GetRange().GetName())
	})
}

// DeleteRange implements availabilityv1.AvailabilityServiceServer.
func (s *Server) DeleteRange(ctx context.Context, req *availabilityv1.DeleteRangeRequest) (*emptypb.Empty, error) {
	id, err := s.managedRange(ctx, req.GetName(), "name")
	if err != nil {
		return nil, err
	}
	k, err := idempotency.NewKey(ctx, "DeleteRange", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*emptypb.Empty, error) {
		return &emptypb.Empty{}, storeError(s.store.DeleteRange(ctx, k, id, req.GetEtag()), req.GetName())
	})
}

// ReserveRangePlace implements availabilityv1.AvailabilityServiceServer.
func (s *Server) ReserveRangePlace(ctx context.Context, req *availabilityv1.ReserveRangePlaceRequest) (*availabilityv1.Range, error) {
	id, err := rangeID(req.GetName(), "name")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(req.GetOrientation(), "orientations/") {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "orientation", Description: `want "orientations/{id}"`})
	}
	r, err := s.store.ReserveRangePlace(ctx, id, req.GetOrientation())
	if errors.Is(err, store.ErrRangeFull) {
		return nil, apierr.Reason(codes.FailedPrecondition, "RANGE_FULL", req.GetName()+" has no place left", nil)
	}
	return r, storeError(err, req.GetName())
}
