package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/filter"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
)

// actFor checks that the caller manages the professional parent names.
func actFor(ctx context.Context, parent string) (string, error) {
	if !professionalName.MatchString(parent) {
		return "", apierr.InvalidArgument(apierr.Violation{Field: "parent", Description: `want "professionals/{national_id}"`})
	}
	id := store.NationalID(parent)
	return id, policy.ActFor(policy.Caller(ctx), id)
}

// CreateSlot implements availabilityv1.AvailabilityServiceServer.
func (s *Server) CreateSlot(ctx context.Context, req *availabilityv1.CreateSlotRequest) (*availabilityv1.Slot, error) {
	if _, err := actFor(ctx, req.GetParent()); err != nil {
		return nil, err
	}
	slot := proto.Clone(req.GetSlot()).(*availabilityv1.Slot)
	if slot.GetProfessional() == "" {
		slot.Professional = req.GetParent()
	}
	if slot.GetProfessional() != req.GetParent() {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "slot.professional", Description: "differs from parent"})
	}
	if f := checkSlot(slot, false, s.now(), s.settings.Horizon); f != nil {
		return nil, f.status("slot.")
	}
	k, err := idempotency.NewKey(ctx, "CreateSlot", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*availabilityv1.Slot, error) {
		out, err := s.store.CreateSlot(ctx, k, slot)
		return out, storeError(err, req.GetParent())
	})
}

func slotID(name, field string) (string, error) {
	id, ok := strings.CutPrefix(name, "slots/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return "", apierr.InvalidArgument(apierr.Violation{Field: field, Description: `want "slots/{id}"`})
	}
	return id, nil
}

// mayReadSlot says whether the caller may read sl: its vendor, the
// professional's side, regulators and admins.
func mayReadSlot(p *auth.Principal, sl *availabilityv1.Slot) bool {
	if p != nil && p.Kind == auth.KindVendor {
		return sl.GetVendor() == p.Subject
	}
	return mayReadProfessional(p, store.NationalID(sl.GetProfessional()))
}

// GetSlot implements availabilityv1.AvailabilityServiceServer.
func (s *Server) GetSlot(ctx context.Context, req *availabilityv1.GetSlotRequest) (*availabilityv1.Slot, error) {
	id, err := slotID(req.GetName(), "name")
	if err != nil {
		return nil, err
	}
	sl, err := s.store.GetSlot(ctx, id)
	if err != nil {
		return nil, storeError(err, req.GetName())
	}
	if !mayReadSlot(policy.Caller(ctx), sl) {
		return nil, apierr.NotFound(req.GetName())
	}
	return sl, nil
}

// slotPosition is where a slot list page ends.
type slotPosition struct {
	Start int64  `json:"s"`
	ID    string `json:"i"`
}

// ListSlots implements availabilityv1.AvailabilityServiceServer.
func (s *Server) ListSlots(ctx context.Context, req *availabilityv1.ListSlotsRequest) (*availabilityv1.ListSlotsResponse, error) {
	size, err := pagetoken.Size(req.GetPageSize(), 100, 1000)
	if err != nil {
		return nil, err
	}
	p := policy.Caller(ctx)
	q := store.SlotQuery{Limit: size + 1}
	switch parent := req.GetParent(); {
	case strings.HasPrefix(parent, "vendors/"):
		if p == nil || p.Subject != parent {
			return nil, policy.Denied(p, "list the slots of "+parent)
		}
		q.Vendor = parent
	case professionalName.MatchString(parent):
		q.NationalID = store.NationalID(parent)
		if !mayReadProfessional(p, q.NationalID) {
			return nil, policy.Denied(p, "list the slots of "+parent)
		}
	default:
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "parent", Description: `want "vendors/{id}" or "professionals/{national_id}"`})
	}
	if err := slotFilter(req.GetFilter(), &q); err != nil {
		return nil, err
	}
	var pos slotPosition
	if _, err := s.pages.OpenRequest(req.GetPageToken(), req.GetParent()+"|"+req.GetFilter(), &pos); err != nil {
		return nil, err
	}
	q.AfterStart, q.AfterID = pos.Start, pos.ID
	if req.GetPageToken() == "" {
		q.AfterStart = -1 << 62
	}
	list, err := s.store.ListSlots(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &availabilityv1.ListSlotsResponse{Slots: list}
	if len(list) > size {
		resp.Slots = list[:size]
		last := list[size-1]
		resp.NextPageToken, err = s.pages.Seal(slotPosition{last.GetStartTime().AsTime().UnixMicro(), strings.TrimPrefix(last.GetName(), "slots/")},
			req.GetParent()+"|"+req.GetFilter())
	}
	return resp, err
}

// slotFilter reads ListSlots' filter: status, start_time bounds, professional.
func slotFilter(expr string, q *store.SlotQuery) error {
	terms, err := filter.ParseOrdered(expr, []string{"status", "professional"}, []string{"start_time"})
	if err != nil {
		return apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: err.Error()})
	}
	for _, t := range terms {
		switch t.Field {
		case "status":
			v, ok := availabilityv1.Slot_Status_value[t.Value]
			if !ok || t.Op != "=" {
				return apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: fmt.Sprintf("status = STATUS_FREE, _BOOKED or _CANCELLED, not %s %s", t.Op, t.Value)})
			}
			q.Status = availabilityv1.Slot_Status(v)
		case "professional":
			if t.Op != "=" || !professionalName.MatchString(t.Value) {
				return apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: `professional = "professionals/{national_id}"`})
			}
			q.NationalID = store.NationalID(t.Value)
		case "start_time":
			at, err := time.Parse(time.RFC3339, t.Value)
			if err != nil {
				return apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: fmt.Sprintf("start_time: %q is not an RFC 3339 time", t.Value)})
			}
			switch t.Op {
			case ">=":
				q.From = at
			case ">":
				q.From = at.Add(time.Microsecond)
			case "<":
				q.To = at
			case "<=":
				q.To = at.Add(time.Microsecond)
			default:
				return apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: "start_time takes >=, >, < or <="})
			}
		}
	}
	return nil
}

// handSlot reads the hand-entered slot name and checks the caller manages it.
func (s *Server) handSlot(ctx context.Context, name, field string) (string, *availabilityv1.Slot, error) {
	id, err := slotID(name, field)
	if err != nil {
		return "", nil, err
	}
	cur, err := s.store.GetSlot(ctx, id)
	if err != nil {
		return "", nil, storeError(err, name)
	}
	p := policy.Caller(ctx)
	if !p.MayActFor(store.NationalID(cur.GetProfessional())) {
		return "", nil, apierr.NotFound(name)
	}
	if cur.GetVendor() != "" {
		return "", nil, policy.Denied(p, "change a slot of "+cur.GetVendor()+": the vendor's agenda holds it")
	}
	return id, cur, nil
}

// slotFields are the fields UpdateSlot changes.
var slotFields = map[string]func(dst, src *availabilityv1.Slot){
	"start_time":         func(d, s *availabilityv1.Slot) { d.StartTime = s.StartTime },
	"end_time":           func(d, s *availabilityv1.Slot) { d.EndTime = s.EndTime },
	"status":             func(d, s *availabilityv1.Slot) { d.Status = s.Status },
	"visibility":         func(d, s *availabilityv1.Slot) { d.Visibility = s.Visibility },
	"consultation_modes": func(d, s *availabilityv1.Slot) { d.ConsultationModes = s.ConsultationModes },
	"specialty":          func(d, s *availabilityv1.Slot) { d.Specialty = s.Specialty },
	"appointment_type":   func(d, s *availabilityv1.Slot) { d.AppointmentType = s.AppointmentType },
	"booking_url":        func(d, s *availabilityv1.Slot) { d.BookingUrl = s.BookingUrl },
	"place":              func(d, s *availabilityv1.Slot) { d.Place = s.Place },
}

// maskPaths checks a field mask against the fields allowed.
func maskPaths[T any](mask *fieldmaskpb.FieldMask, allowed map[string]T) ([]string, error) {
	if len(mask.GetPaths()) == 0 {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "update_mask", Description: "required: the fields to change"})
	}
	for _, p := range mask.GetPaths() {
		if _, ok := allowed[p]; !ok {
			return nil, apierr.InvalidArgument(apierr.Violation{Field: "update_mask", Description: fmt.Sprintf("%q cannot be changed", p)})
		}
	}
	return mask.GetPaths(), nil
}

// UpdateSlot implements availabilityv1.AvailabilityServiceServer.
func (s *Server) UpdateSlot(ctx context.Context, req *availabilityv1.UpdateSlotRequest) (*availabilityv1.Slot, error) {
	id, _, err := s.handSlot(ctx, req.GetSlot().GetName(), "slot.name")
	if err != nil {
		return nil, err
	}
	paths, err := maskPaths(req.GetUpdateMask(), slotFields)
	if err != nil {
		return nil, err
	}
	k, err := idempotency.NewKey(ctx, "UpdateSlot", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*availabilityv1.Slot, error) {
		out, err := s.store.UpdateSlot(ctx, k, id, req.GetSlot().GetEtag(), func(cur *availabilityv1.Slot) error {
			for _, p := range paths {
				slotFields[p](cur, req.GetSlot())
			}
			if f := checkSlot(cur, false, s.now(), s.settings.Horizon); f != nil {
				return f.status("slot.")
			}
			return nil
		})
		return out, storeError(err, req.GetSlot().GetName())
	})
}

// DeleteSlot implements availabilityv1.AvailabilityServiceServer.
func (s *Server) DeleteSlot(ctx context.Context, req *availabilityv1.DeleteSlotRequest) (*emptypb.Empty, error) {
	id, _, err := s.handSlot(ctx, req.GetName(), "name")
	if err != nil {
		return nil, err
	}
	k, err := idempotency.NewKey(ctx, "DeleteSlot", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*emptypb.Empty, error) {
		return &emptypb.Empty{}, storeError(s.store.DeleteSlot(ctx, k, id, req.GetEtag()), req.GetName())
	})
}
