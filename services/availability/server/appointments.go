package server

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc/codes"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/filter"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

// AppointmentServer implements availabilityv1.AppointmentServiceServer.
type AppointmentServer struct {
	availabilityv1.UnimplementedAppointmentServiceServer
	*Server
}

func checkAppointment(a *availabilityv1.Appointment) error {
	bad := func(field, format string, args ...any) error {
		return apierr.InvalidArgument(apierr.Violation{Field: "appointment." + field, Description: fmt.Sprintf(format, args...)})
	}
	switch {
	case a.GetExternalId() == "" || len(a.GetExternalId()) > maxExternalID || !externalIDForm.MatchString(a.GetExternalId()):
		return bad("external_id", "want 1 to %d letters, digits and - . : _ /", maxExternalID)
	case !strings.HasPrefix(a.GetOrientation(), "orientations/") || len(a.GetOrientation()) == len("orientations/"):
		return bad("orientation", `required: "orientations/{id}", the SAS orientation the booking follows`)
	case !professionalName.MatchString(a.GetProfessional()):
		return bad("professional", `want "professionals/{national_id}"`)
	case a.GetSlot() != "" && !strings.HasPrefix(a.GetSlot(), "slots/"):
		return bad("slot", `want "slots/{id}"`)
	case a.GetStartTime() == nil || a.GetStartTime().CheckValid() != nil:
		return bad("start_time", "required")
	case a.GetEndTime() != nil && !a.GetEndTime().AsTime().After(a.GetStartTime().AsTime()):
		return bad("end_time", "not after start_time")
	}
	if _, ok := availabilityv1.Appointment_Status_name[int32(a.GetStatus())]; !ok || a.GetStatus() == 0 {
		return bad("status", "want STATUS_BOOKED, _FULFILLED, _CANCELLED or _NOSHOW")
	}
	return nil
}

// CreateAppointment implements availabilityv1.AppointmentServiceServer.
func (s AppointmentServer) CreateAppointment(ctx context.Context, req *availabilityv1.CreateAppointmentRequest) (*availabilityv1.Appointment, error) {
	vendor, err := callerVendor(ctx, req.GetParent())
	if err != nil {
		return nil, err
	}
	if err := checkAppointment(req.GetAppointment()); err != nil {
		return nil, err
	}
	territory, err := s.orientations(ctx, req.GetAppointment().GetOrientation())
	if errors.Is(err, pstore.ErrNotFound) {
		return nil, apierr.Reason(codes.FailedPrecondition, "UNKNOWN_ORIENTATION",
			req.GetAppointment().GetOrientation()+" is not a SAS orientation", nil)
	}
	if err != nil {
		return nil, err
	}
	k, err := idempotency.NewKey(ctx, "CreateAppointment", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*availabilityv1.Appointment, error) {
		return s.store.CreateAppointment(ctx, k, vendor, territory, req.GetAppointment())
	})
}

// mayReadAppointment: its vendor, and overseers of its territory.
func mayReadAppointment(p *auth.Principal, a *availabilityv1.Appointment) bool {
	if p != nil && p.Kind == auth.KindVendor {
		return a.GetVendor() == p.Subject
	}
	return policy.SeesTerritory(p, a.GetTerritory())
}

// GetAppointment implements availabilityv1.AppointmentServiceServer.
func (s AppointmentServer) GetAppointment(ctx context.Context, req *availabilityv1.GetAppointmentRequest) (*availabilityv1.Appointment, error) {
	id, ok := strings.CutPrefix(req.GetName(), "appointments/")
	if !ok || id == "" {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "name", Description: `want "appointments/{id}"`})
	}
	a, err := s.store.GetAppointment(ctx, id)
	if err != nil {
		return nil, storeError(err, req.GetName())
	}
	if !mayReadAppointment(policy.Caller(ctx), a) {
		return nil, apierr.NotFound(req.GetName())
	}
	return a, nil
}

type appointmentPosition struct {
	Time int64  `json:"t"`
	ID   string `json:"i"`
}

// ListAppointments implements availabilityv1.AppointmentServiceServer:
// a vendor sees its own, overseers their territory's (national admins all).
func (s AppointmentServer) ListAppointments(ctx context.Context, req *availabilityv1.ListAppointmentsRequest) (*availabilityv1.ListAppointmentsResponse, error) {
	size, err := pagetoken.Size(req.GetPageSize(), 50, 500)
	if err != nil {
		return nil, err
	}
	terms, err := filter.Parse(req.GetFilter(), "territory", "orientation", "vendor", "status")
	if err != nil {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: err.Error()})
	}
	q := store.AppointmentQuery{Limit: size + 1}
	for _, t := range terms {
		switch t.Field {
		case "territory":
			q.Territory = t.Value
		case "orientation":
			q.Orientation = t.Value
		case "vendor":
			q.Vendor = t.Value
		case "status":
			v, ok := availabilityv1.Appointment_Status_value[t.Value]
			if !ok {
				return nil, apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: fmt.Sprintf("unknown status %q", t.Value)})
			}
			q.Status = availabilityv1.Appointment_Status(v)
		}
	}
	p := policy.Caller(ctx)
	switch {
	case p != nil && p.Kind == auth.KindVendor:
		q.Vendor = p.Subject
	case p.IsNationalAdmin():
	default:
		if q.Territory != "" && q.Territory != p.Territory {
			return &availabilityv1.ListAppointmentsResponse{}, nil
		}
		q.Territory = p.Territory
	}
	var pos appointmentPosition
	if _, err := s.pages.OpenRequest(req.GetPageToken(), req.GetFilter(), &pos); err != nil {
		return nil, err
	}
	q.BeforeTime, q.BeforeID = pos.Time, pos.ID
	list, err := s.store.ListAppointments(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &availabilityv1.ListAppointmentsResponse{Appointments: list}
	if len(list) > size {
		resp.Appointments = list[:size]
		last := list[size-1]
		resp.NextPageToken, err = s.pages.Seal(appointmentPosition{last.GetUpdateTime().AsTime().UnixMicro(),
			strings.TrimPrefix(last.GetName(), "appointments/")}, req.GetFilter())
	}
	return resp, err
}

var appointmentFields = map[string]func(dst, src *availabilityv1.Appointment){
	"status":     func(d, s *availabilityv1.Appointment) { d.Status = s.Status },
	"start_time": func(d, s *availabilityv1.Appointment) { d.StartTime = s.StartTime },
	"end_time":   func(d, s *availabilityv1.Appointment) { d.EndTime = s.EndTime },
}

// UpdateAppointment implements availabilityv1.AppointmentServiceServer.
func (s AppointmentServer) UpdateAppointment(ctx context.Context, req *availabilityv1.UpdateAppointmentRequest) (*availabilityv1.Appointment, error) {
	p := policy.Caller(ctx)
	id, ok := strings.CutPrefix(req.GetAppointment().GetName(), "appointments/")
	if !ok || id == "" {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "appointment.name", Description: `want "appointments/{id}"`})
	}
	paths, err := maskPaths(req.GetUpdateMask(), appointmentFields)
	if err != nil {
		return nil, err
	}
	k, err := idempotency.NewKey(ctx, "UpdateAppointment", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*availabilityv1.Appointment, error) {
		out, err := s.store.UpdateAppointment(ctx, k, p.Subject, id, req.GetAppointment().GetEtag(), func(cur *availabilityv1.Appointment) error {
			for _, path := range paths {
				appointmentFields[path](cur, req.GetAppointment())
			}
			return checkAppointment(cur)
		})
		return out, storeError(err, req.GetAppointment().GetName())
	})
}
