package fhirapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/availability/fhir"
)

const (
	// slotWindow is how long before an appointment's start the slot it took
	// may start: a slot lasts at most 12 hours.
	slotWindow = 12 * time.Hour
	// maxSlotPages bounds the pages of slots searched for that slot.
	maxSlotPages = 5
)

// appointment stores one Appointment sent to rel ("Appointment",
// "Appointment/{id}", "Appointment?identifier=…") and answers it as stored:
// 201 for a POST, 200 for a PUT or a POST that changed a reported one.
func (h *handler) appointment(ctx context.Context, w http.ResponseWriter, r *http.Request, vendor, rel string) {
	e, err := fhir.DecodeAppointment(r.Body, fhir.Options{}, r.Method, rel)
	if err != nil {
		fail(w, decodeStatus(err), fhir.ErrorIssue(err))
		return
	}
	a, updated, err := h.report(ctx, vendor, e)
	if err != nil {
		code, issue := appointmentIssue(err, e)
		fail(w, code, issue)
		return
	}
	var body bytes.Buffer
	if err := fhir.EncodeAppointment(&body, a, fhir.AppointmentOptions{System: e.System, Slot: e.Slot}); err != nil {
		fail(w, http.StatusInternalServerError, fhir.Issue{Code: fhir.IssueProcessing, Diagnostics: "encode the appointment"})
		return
	}
	if id := e.ID(); id != "" {
		relPath, _, _ := strings.Cut(rel, "?")
		w.Header().Set("Location", strings.TrimSuffix(r.URL.Path, relPath)+"Appointment/"+id)
	}
	if a.GetEtag() != "" {
		w.Header().Set("ETag", a.GetEtag())
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(answerStatus(e, updated))
	_, _ = w.Write(body.Bytes())
}

// answerStatus is 201 for a POST, 200 for a PUT or a POST that changed an
// appointment reported before.
func answerStatus(e fhir.AppointmentEntry, updated bool) int {
	if e.Update || updated {
		return http.StatusOK
	}
	return http.StatusCreated
}

// storeAppointments reports the appointments of a Bundle one by one and
// fills their outcomes; a refusal of one is its outcome, a failure of the
// service fails the Bundle.
func (h *handler) storeAppointments(ctx context.Context, vendor string, entries []fhir.AppointmentEntry, outcomes []fhir.Outcome) error {
	for _, e := range entries {
		_, updated, err := h.report(ctx, vendor, e)
		switch {
		case err == nil:
			outcomes[e.Index] = fhir.Outcome{Status: answerStatus(e, updated)}
			if id := e.ID(); id != "" {
				outcomes[e.Index].Location = "Appointment/" + id
			}
		case entryRefusal(err):
			code, issue := appointmentIssue(err, e)
			outcomes[e.Index] = fhir.Outcome{Status: code, Issues: []fhir.Issue{issue}}
		default:
			return err
		}
	}
	return nil
}

// report stores the appointment e of vendor through the AppointmentService,
// keyed by the vendor and its id: created when the vendor has not reported
// it yet (CreateAppointment returns a reported one unchanged), otherwise its
// status and times are brought to e's (UpdateAppointment, on the stored
// etag) and updated is true. Its orientation and professional cannot change.
func (h *handler) report(ctx context.Context, vendor string, e fhir.AppointmentEntry) (a *availabilityv1.Appointment, updated bool, err error) {
	in := proto.CloneOf(e.Appointment)
	if e.Slot != "" {
		if in.Slot, err = h.slotName(ctx, vendor, in, e.Slot); err != nil {
			return nil, false, err
		}
	}
	stored, err := h.appointments.CreateAppointment(ctx, &availabilityv1.CreateAppointmentRequest{Parent: vendor, Appointment: in})
	if err != nil {
		return nil, false, err
	}
	if err := unchangeable(stored, in, e); err != nil {
		return nil, false, err
	}
	mask := changes(stored, in)
	if len(mask) == 0 {
		return stored, false, nil
	}
	out, err := h.appointments.UpdateAppointment(ctx, &availabilityv1.UpdateAppointmentRequest{
		Appointment: &availabilityv1.Appointment{Name: stored.GetName(), Etag: stored.GetEtag(),
			Status: in.GetStatus(), StartTime: in.GetStartTime(), EndTime: in.GetEndTime()},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: mask}})
	return out, err == nil, err
}

// unchangeable refuses a report that changes the orientation or the
// professional of an appointment reported before.
func unchangeable(stored, in *availabilityv1.Appointment, e fhir.AppointmentEntry) error {
	refuse := func(what, was, path string) error {
		return &refusal{status: http.StatusUnprocessableEntity, issue: fhir.Issue{Code: fhir.IssueBusinessRule,
			Diagnostics: fmt.Sprintf("appointment %q was reported with %s %s: its %s cannot change",
				in.GetExternalId(), what, was, what), Expression: []string{path}}}
	}
	switch {
	case stored.GetOrientation() != in.GetOrientation():
		return refuse("orientation", stored.GetOrientation(), e.OrientationPath)
	case stored.GetProfessional() != in.GetProfessional():
		return refuse("professional", stored.GetProfessional(), e.Path+".participant")
	}
	return nil
}

// changes returns the update mask that brings stored to in.
func changes(stored, in *availabilityv1.Appointment) []string {
	var mask []string
	if stored.GetStatus() != in.GetStatus() {
		mask = append(mask, "status")
	}
	if !proto.Equal(stored.GetStartTime(), in.GetStartTime()) {
		mask = append(mask, "start_time")
	}
	if !proto.Equal(stored.GetEndTime(), in.GetEndTime()) {
		mask = append(mask, "end_time")
	}
	return mask
}

// slotName finds the SAS name of the vendor's slot ext of a's professional
// starting within slotWindow up to a's start; "" when there is none (deleted,
// never pushed, or a structure's slot without professional): the link to
// the slot is optional, the booking still counts.
func (h *handler) slotName(ctx context.Context, vendor string, a *availabilityv1.Appointment, ext string) (string, error) {
	start := a.GetStartTime().AsTime().UTC()
	req := &availabilityv1.ListSlotsRequest{Parent: vendor, PageSize: 1000,
		Filter: fmt.Sprintf(`professional = %q AND start_time > %q AND start_time <= %q`, a.GetProfessional(),
			start.Add(-slotWindow).Format(time.RFC3339Nano), start.Format(time.RFC3339Nano))}
	for range maxSlotPages {
		resp, err := h.client.ListSlots(ctx, req)
		if err != nil {
			return "", err
		}
		for _, s := range resp.GetSlots() {
			if s.GetExternalId() == ext {
				return s.GetName(), nil
			}
		}
		if resp.GetNextPageToken() == "" {
			break
		}
		req.PageToken = resp.GetNextPageToken()
	}
	return "", nil
}

// refusal is an appointment refused here rather than by the service.
type refusal struct {
	status int
	issue  fhir.Issue
}

func (r *refusal) Error() string { return r.issue.Diagnostics }

// entryRefusal says whether err refuses one appointment of a Bundle rather
// than the whole request.
func entryRefusal(err error) bool {
	var r *refusal
	if errors.As(err, &r) {
		return true
	}
	switch status.Code(err) {
	case codes.InvalidArgument, codes.FailedPrecondition, codes.NotFound, codes.AlreadyExists, codes.Aborted, codes.OutOfRange:
		return true
	}
	return false
}

// appointmentIssue maps the refusal of the appointment e to an HTTP status
// and an issue: an unknown orientation is 422 with the element naming it,
// as the guide answers business rules.
func appointmentIssue(err error, e fhir.AppointmentEntry) (int, fhir.Issue) {
	var r *refusal
	if errors.As(err, &r) {
		return r.status, r.issue
	}
	st := status.Convert(err)
	issue := fhir.Issue{Code: issueCode(st.Code()), Diagnostics: st.Message()}
	switch {
	case reason(st) == "UNKNOWN_ORIENTATION":
		issue.Code, issue.Expression = fhir.IssueNotFound, []string{e.OrientationPath}
	case st.Code() == codes.FailedPrecondition:
		issue.Code, issue.Expression = fhir.IssueBusinessRule, []string{e.Path}
	case st.Code() == codes.InvalidArgument:
		issue.Expression = []string{e.Path}
	}
	return httpStatus(st.Code()), issue
}

// reason is the ErrorInfo reason of st, "" when it has none.
func reason(st *status.Status) string {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}
