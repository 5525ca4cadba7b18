package server

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/availability/pull"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/idempotency"
)

// BatchUpsertSlots implements availabilityv1.AvailabilityServiceServer.
func (s *Server) BatchUpsertSlots(ctx context.Context, req *availabilityv1.BatchUpsertSlotsRequest) (*availabilityv1.BatchUpsertSlotsResponse, error) {
	vendor, err := callerVendor(ctx, req.GetParent())
	if err != nil {
		return nil, err
	}
	if err := checkBatchSize("slots", len(req.GetSlots()), 1); err != nil {
		return nil, err
	}
	k, err := idempotency.NewKey(ctx, "BatchUpsertSlots", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*availabilityv1.BatchUpsertSlotsResponse, error) {
		if err := s.limits.take(ctx, vendor, len(req.GetSlots())); err != nil {
			return nil, err
		}
		good, bad := s.checkBatch(req.GetSlots())
		out, err := s.store.UpsertSlots(ctx, k, vendor, good, func(r store.BatchResult) proto.Message {
			return &availabilityv1.BatchUpsertSlotsResponse{StoredCount: int32(r.Stored), Errors: itemErrors(bad, r.Errors)}
		})
		if err != nil {
			return nil, err
		}
		resp := out.(*availabilityv1.BatchUpsertSlotsResponse)
		countPush(ctx, vendor, int(resp.GetStoredCount()), len(resp.GetErrors()))
		return resp, nil
	})
}

// BatchDeleteSlots implements availabilityv1.AvailabilityServiceServer.
func (s *Server) BatchDeleteSlots(ctx context.Context, req *availabilityv1.BatchDeleteSlotsRequest) (*availabilityv1.BatchDeleteSlotsResponse, error) {
	vendor, err := callerVendor(ctx, req.GetParent())
	if err != nil {
		return nil, err
	}
	if err := checkBatchSize("external_ids", len(req.GetExternalIds()), 1); err != nil {
		return nil, err
	}
	k, err := idempotency.NewKey(ctx, "BatchDeleteSlots", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	var ids []string
	var bad []*commonv1.BatchItemError
	for i, id := range req.GetExternalIds() {
		if id == "" || len(id) > maxExternalID {
			bad = append(bad, itemError(i, apierr.InvalidArgument(apierr.Violation{
				Field: fmt.Sprintf("external_ids[%d]", i), Description: fmt.Sprintf("want 1 to %d characters", maxExternalID)})))
			continue
		}
		ids = append(ids, id)
	}
	return idempotency.Do(ctx, s.store, k, func() (*availabilityv1.BatchDeleteSlotsResponse, error) {
		out, err := s.store.DeleteSlots(ctx, k, vendor, ids, func(n int) proto.Message {
			return &availabilityv1.BatchDeleteSlotsResponse{DeletedCount: int32(n), Errors: bad}
		})
		if err != nil {
			return nil, err
		}
		return out.(*availabilityv1.BatchDeleteSlotsResponse), nil
	})
}

// ReplaceSlots implements availabilityv1.AvailabilityServiceServer.
func (s *Server) ReplaceSlots(ctx context.Context, req *availabilityv1.ReplaceSlotsRequest) (*availabilityv1.ReplaceSlotsResponse, error) {
	vendor, err := callerVendor(ctx, req.GetParent())
	if err != nil {
		return nil, err
	}
	if err := checkBatchSize("slots", len(req.GetSlots()), 0); err != nil {
		return nil, err
	}
	if !professionalName.MatchString(req.GetProfessional()) {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "professional", Description: `want "professionals/{national_id}"`})
	}
	from, to, err := checkWindow(req.GetWindow())
	if err != nil {
		return nil, err
	}
	good, bad := s.checkBatch(req.GetSlots())
	kept := good[:0]
	for _, g := range good {
		start := g.Slot.GetStartTime().AsTime()
		switch {
		case g.Slot.GetProfessional() != req.GetProfessional():
			bad = append(bad, itemError(g.Index, apierr.InvalidArgument(apierr.Violation{Field: fmt.Sprintf("slots[%d].professional", g.Index),
				Description: fmt.Sprintf("%q is not the professional replaced, %q", g.Slot.GetProfessional(), req.GetProfessional())})))
		case start.Before(from) || !start.Before(to):
			bad = append(bad, itemError(g.Index, apierr.InvalidArgument(apierr.Violation{Field: fmt.Sprintf("slots[%d].start_time", g.Index),
				Description: fmt.Sprintf("%s is outside the window [%s, %s)", rfc(start), rfc(from), rfc(to))})))
		default:
			kept = append(kept, g)
		}
	}
	k, err := idempotency.NewKey(ctx, "ReplaceSlots", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*availabilityv1.ReplaceSlotsResponse, error) {
		if err := s.limits.take(ctx, vendor, max(1, len(req.GetSlots()))); err != nil {
			return nil, err
		}
		out, err := s.store.ReplaceSlots(ctx, k, vendor, []string{store.NationalID(req.GetProfessional())}, from, to, kept,
			func(r store.BatchResult) proto.Message {
				return &availabilityv1.ReplaceSlotsResponse{StoredCount: int32(r.Stored), DeletedCount: int32(r.Deleted),
					Errors: itemErrors(bad, r.Errors)}
			})
		if err != nil {
			return nil, err
		}
		return out.(*availabilityv1.ReplaceSlotsResponse), nil
	})
}

func checkWindow(w *commonv1.TimeRange) (time.Time, time.Time, error) {
	if w.GetStartTime() == nil || w.GetEndTime() == nil {
		return time.Time{}, time.Time{}, apierr.InvalidArgument(apierr.Violation{Field: "window", Description: "start_time and end_time required"})
	}
	from, to := w.GetStartTime().AsTime(), w.GetEndTime().AsTime()
	switch {
	case !to.After(from):
		return from, to, apierr.InvalidArgument(apierr.Violation{Field: "window.end_time", Description: "not after window.start_time"})
	case to.Sub(from) > maxReplaceRange:
		return from, to, apierr.InvalidArgument(apierr.Violation{Field: "window", Description: fmt.Sprintf("at most %s", maxReplaceRange)})
	}
	return from, to, nil
}

func checkBatchSize(field string, n, least int) error {
	if n < least || n > maxBatch {
		return apierr.InvalidArgument(apierr.Violation{Field: field, Description: fmt.Sprintf("%d items, want %d to %d", n, least, maxBatch)})
	}
	return nil
}

// checkBatch checks each slot of a vendor's batch: the good ones with their
// index, the bad ones as item errors. An external_id given twice keeps its
// first slot.
func (s *Server) checkBatch(slots []*availabilityv1.Slot) ([]store.Indexed, []*commonv1.BatchItemError) {
	now := s.now()
	good := make([]store.Indexed, 0, len(slots))
	var bad []*commonv1.BatchItemError
	first := make(map[string]int, len(slots))
	for i, sl := range slots {
		prefix := fmt.Sprintf("slots[%d].", i)
		if f := checkSlot(sl, true, now, s.settings.Horizon); f != nil {
			bad = append(bad, itemError(i, f.status(prefix)))
			continue
		}
		if j, dup := first[sl.GetExternalId()]; dup {
			bad = append(bad, itemError(i, apierr.InvalidArgumentReason("DUPLICATE_EXTERNAL_ID", apierr.Violation{Field: prefix + "external_id",
				Description: fmt.Sprintf("%q is already slots[%d] of this batch", sl.GetExternalId(), j)})))
			continue
		}
		first[sl.GetExternalId()] = i
		good = append(good, store.Indexed{Index: i, Slot: sl})
	}
	return good, bad
}

func itemError(i int, err error) *commonv1.BatchItemError {
	return &commonv1.BatchItemError{Index: int32(i), Status: status.Convert(err).Proto()}
}

// itemErrors merges the checks' errors and the store's, by index.
func itemErrors(bad []*commonv1.BatchItemError, refused []store.ItemError) []*commonv1.BatchItemError {
	out := append([]*commonv1.BatchItemError(nil), bad...)
	for _, e := range refused {
		st, _ := status.New(codes.FailedPrecondition, e.Message).WithDetails(&errdetails.ErrorInfo{Reason: e.Reason, Domain: apierr.Domain})
		out = append(out, &commonv1.BatchItemError{Index: int32(e.Index), Status: st.Proto()})
	}
	sortByIndex(out)
	return out
}

func sortByIndex(list []*commonv1.BatchItemError) {
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && list[j].GetIndex() < list[j-1].GetIndex(); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}

// Pulled implements pull.Sink: what a vendor's FHIR server answered is the
// complete set of the professionals' free slots in the window, checked as a
// push is.
func (s *Server) Pulled(ctx context.Context, b pull.Batch) error {
	slots := make([]*availabilityv1.Slot, len(b.Result.Slots))
	for i, e := range b.Result.Slots {
		slots[i] = e.Slot
	}
	good, _ := s.checkBatch(slots)
	// The window is closed at its end ([Start, End] in the vendor's query).
	_, err := s.store.ReplaceSlots(ctx, nil, b.Vendor, b.Professionals, b.Start, b.End.Add(time.Microsecond), good,
		func(store.BatchResult) proto.Message { return nil })
	return err
}
