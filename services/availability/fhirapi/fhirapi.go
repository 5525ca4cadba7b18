// Package fhirapi serves availability's FHIR R4 endpoint for vendors: POST
// [base] with a searchset, transaction or batch Bundle of Slots (with their
// Schedules, Practitioners, PractitionerRoles and Locations) and
// Appointments, answered with a response Bundle whose entries carry an
// OperationOutcome for each refused one; and the bookings vendors report
// after a SAS orientation, one Appointment at a time, as the SAS guide has
// it: POST [base]/Appointment, PUT [base]/Appointment/{id} and
// PUT [base]/Appointment?identifier=[system|]value. It translates to the
// native gRPC calls on the process's own server, so that authentication,
// policy, limits and audit are the same as there.
package fhirapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/availability/fhir"
	"github.com/sas-platform/sas/services/platform/auth"
)

const (
	contentType = "application/fhir+json"
	// chunk is the most slots of one BatchUpsertSlots call.
	chunk = 1000
)

// Handler serves the FHIR base (e.g. "/fhir/r4") and its Appointment type:
// route base, base+"/Appointment" and base+"/Appointment/" to it. verifier
// names the calling vendor from its token; conn reaches the availability
// service's AvailabilityService and AppointmentService.
func Handler(conn grpc.ClientConnInterface, verifier *auth.Verifier) http.Handler {
	return &handler{client: availabilityv1.NewAvailabilityServiceClient(conn),
		appointments: availabilityv1.NewAppointmentServiceClient(conn), verifier: verifier}
}

type handler struct {
	client       availabilityv1.AvailabilityServiceClient
	appointments availabilityv1.AppointmentServiceClient
	verifier     *auth.Verifier
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rel, instance, appointment := appointmentURL(r.URL)
	allow := []string{http.MethodPost}
	switch {
	case instance:
		allow = []string{http.MethodPut}
	case appointment:
		allow = []string{http.MethodPost, http.MethodPut}
	}
	if !slices.Contains(allow, r.Method) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		what := "POST a Bundle to this endpoint"
		if appointment {
			what = "POST an Appointment to [base]/Appointment, PUT it to [base]/Appointment/{id} or [base]/Appointment?identifier=…"
		}
		fail(w, http.StatusMethodNotAllowed, fhir.Issue{Code: fhir.IssueNotSupported, Diagnostics: what})
		return
	}
	ctx, vendor, ok := h.authenticate(w, r)
	if !ok {
		return
	}
	if appointment {
		h.appointment(ctx, w, r, vendor, rel)
		return
	}
	h.bundle(ctx, w, r, vendor)
}

// authenticate checks that a vendor calls, and returns the context that
// calls the service with its credentials.
func (h *handler) authenticate(w http.ResponseWriter, r *http.Request) (context.Context, string, bool) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		fail(w, http.StatusUnauthorized, fhir.Issue{Code: fhir.IssueLogin, Diagnostics: "a vendor's access token is required: Authorization: Bearer …"})
		return nil, "", false
	}
	p, err := h.verifier.Verify(r.Context(), bearer)
	if err != nil {
		fail(w, http.StatusUnauthorized, fhir.Issue{Code: fhir.IssueLogin, Diagnostics: err.Error()})
		return nil, "", false
	}
	if p.Kind != auth.KindVendor {
		fail(w, http.StatusForbidden, fhir.Issue{Code: fhir.IssueForbidden, Diagnostics: "only vendors push slots and appointments"})
		return nil, "", false
	}
	ctx := metadata.AppendToOutgoingContext(r.Context(), "authorization", "Bearer "+bearer)
	if id := r.Header.Get("X-Request-Id"); id != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "x-request-id", id)
	}
	return ctx, p.Subject, true
}

// appointmentURL returns the URL of u relative to the FHIR base when its
// path names the Appointment type ("Appointment", "Appointment?…") or one
// Appointment ("Appointment/{id}", instance).
func appointmentURL(u *url.URL) (rel string, instance, ok bool) {
	segs := strings.Split(u.Path, "/")
	n := len(segs)
	switch {
	case segs[n-1] == "Appointment":
		rel = "Appointment"
	case n >= 2 && segs[n-2] == "Appointment":
		rel, instance = "Appointment/"+segs[n-1], true
	default:
		return "", false, false
	}
	if u.RawQuery != "" {
		rel += "?" + u.RawQuery
	}
	return rel, instance, true
}

// bundle stores a pushed Bundle and answers its response Bundle.
func (h *handler) bundle(ctx context.Context, w http.ResponseWriter, r *http.Request, vendor string) {
	res, err := fhir.Decode(r.Body, fhir.Options{})
	if err != nil {
		fail(w, decodeStatus(err), fhir.ErrorIssue(err))
		return
	}
	outcomes := res.Outcomes()
	err = h.store(ctx, vendor, &res, outcomes)
	if err == nil {
		err = h.storeAppointments(ctx, vendor, res.Appointments, outcomes)
	}
	if err != nil {
		st := status.Convert(err)
		fail(w, httpStatus(st.Code()), fhir.Issue{Code: issueCode(st.Code()), Diagnostics: st.Message()})
		return
	}
	var body bytes.Buffer
	if err := fhir.EncodeResponse(&body, res.Type, outcomes); err != nil {
		fail(w, http.StatusInternalServerError, fhir.Issue{Code: fhir.IssueProcessing, Diagnostics: "encode the response"})
		return
	}
	w.Header().Set("Content-Type", contentType)
	_, _ = w.Write(body.Bytes())
}

// decodeStatus is the HTTP status of a document Decode refused.
func decodeStatus(err error) int {
	if errors.Is(err, fhir.ErrTooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// store pushes the decoded slots and deletions and fills their outcomes.
func (h *handler) store(ctx context.Context, vendor string, res *fhir.Result, outcomes []fhir.Outcome) error {
	for start := 0; start < len(res.Slots); start += chunk {
		entries := res.Slots[start:min(start+chunk, len(res.Slots))]
		slots := make([]*availabilityv1.Slot, len(entries))
		for i, e := range entries {
			slots[i] = e.Slot
		}
		resp, err := h.client.BatchUpsertSlots(ctx, &availabilityv1.BatchUpsertSlotsRequest{Parent: vendor, Slots: slots})
		if err != nil {
			return err
		}
		for _, e := range entries {
			outcomes[e.Index] = fhir.Outcome{Status: http.StatusOK, Location: "Slot/" + e.Slot.GetExternalId()}
		}
		for _, ie := range resp.GetErrors() {
			e := entries[ie.GetIndex()]
			outcomes[e.Index] = refused(e.Index, ie)
		}
	}
	if len(res.Deletes) == 0 {
		return nil
	}
	ids := make([]string, len(res.Deletes))
	for i, d := range res.Deletes {
		ids[i] = d.ExternalID
	}
	for start := 0; start < len(ids); start += chunk {
		if _, err := h.client.BatchDeleteSlots(ctx, &availabilityv1.BatchDeleteSlotsRequest{Parent: vendor,
			ExternalIds: ids[start:min(start+chunk, len(ids))]}); err != nil {
			return err
		}
	}
	for _, d := range res.Deletes {
		outcomes[d.Index] = fhir.Outcome{Status: http.StatusNoContent}
	}
	return nil
}

// refused is the outcome of an entry the service refused.
func refused(index int, ie *commonv1.BatchItemError) fhir.Outcome {
	st := status.FromProto(ie.GetStatus())
	code := fhir.IssueBusinessRule
	if st.Code() == codes.InvalidArgument {
		code = fhir.IssueValue
	}
	return fhir.Outcome{Status: httpStatus(st.Code()), Issues: []fhir.Issue{{Code: code,
		Diagnostics: st.Message(), Expression: []string{fmt.Sprintf("Bundle.entry[%d].resource", index)}}}}
}

func fail(w http.ResponseWriter, code int, issue fhir.Issue) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(code)
	_ = fhir.OperationOutcome(w, issue)
}

func httpStatus(c codes.Code) int {
	switch c {
	case codes.InvalidArgument, codes.OutOfRange:
		return http.StatusBadRequest
	case codes.FailedPrecondition:
		return http.StatusUnprocessableEntity
	case codes.Unauthenticated:
		return http.StatusUnauthorized
	case codes.PermissionDenied:
		return http.StatusForbidden
	case codes.NotFound:
		return http.StatusNotFound
	case codes.AlreadyExists, codes.Aborted:
		return http.StatusConflict
	case codes.ResourceExhausted:
		return http.StatusTooManyRequests
	case codes.Unavailable:
		return http.StatusServiceUnavailable
	case codes.DeadlineExceeded:
		return http.StatusGatewayTimeout
	}
	return http.StatusInternalServerError
}

func issueCode(c codes.Code) fhir.IssueCode {
	switch c {
	case codes.Unauthenticated:
		return fhir.IssueLogin
	case codes.PermissionDenied:
		return fhir.IssueForbidden
	case codes.ResourceExhausted:
		return fhir.IssueThrottled
	case codes.InvalidArgument:
		return fhir.IssueInvalid
	}
	return fhir.IssueProcessing
}
