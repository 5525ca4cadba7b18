package fhirapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/availability/fhir"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
	"github.com/sas-platform/sas/services/platform/dbtest"
)

const (
	// pro is the professional the appointments are with.
	pro = "810100050075"
	// vendorSystem is the system of the vendor's appointment ids, as in the guide.
	vendorSystem = "urn:oid:1.1.111.1.11.1.1.1"
)

func TestAppointments(t *testing.T) {
	dbtest.Run(t, "availability", store.Migrations, map[string]func(*testing.T, dbtest.Engine){
		"report":  testReport,
		"refused": testRefused,
		"bundle":  testAppointmentBundle,
	})
}

// appointment is the vendor's Appointment id following orientations/o1
// with pro, in the slot s1 starting at at, as the guide has it plus basedOn.
func appointment(id, status string, at time.Time) map[string]any {
	return map[string]any{
		"resourceType": "Appointment",
		"identifier":   []any{map[string]any{"system": vendorSystem, "value": id}},
		"basedOn": []any{map[string]any{"identifier": map[string]any{
			"system": fhir.SystemOrientation, "value": "orientations/o1"}}},
		"status": status,
		"start":  at.Format(time.RFC3339), "end": at.Add(15 * time.Minute).Format(time.RFC3339),
		"slot": []any{map[string]any{"reference": "Slot/s1"}},
		"participant": []any{map[string]any{"status": "accepted", "actor": map[string]any{"identifier": map[string]any{
			"system": fhir.SystemProfessional, "value": pro}}}},
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pushSlot pushes the free slot ext of pro starting at at for the vendor of
// ctx, natively, and returns its name.
func (v *env) pushSlot(ctx context.Context, vendor, ext string, at time.Time) string {
	v.t.Helper()
	if _, err := v.db.ApplyDirectory(ctx, []store.Professional{{NationalID: pro, Active: true}}, nil, ""); err != nil {
		v.t.Fatal(err)
	}
	resp, err := v.slots.BatchUpsertSlots(ctx, &availabilityv1.BatchUpsertSlotsRequest{Parent: vendor, Slots: []*availabilityv1.Slot{{
		ExternalId: ext, Professional: "professionals/" + pro,
		Place:     &availabilityv1.PracticePlace{OrganizationIdentifier: "312345678900011"},
		StartTime: timestamppb.New(at), EndTime: timestamppb.New(at.Add(30 * time.Minute)),
		Status: availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_SNP,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE}}}})
	if err != nil || len(resp.GetErrors()) > 0 {
		v.t.Fatalf("push slot: %v %v", err, resp.GetErrors())
	}
	list, err := v.slots.ListSlots(ctx, &availabilityv1.ListSlotsRequest{Parent: vendor})
	if err != nil || len(list.GetSlots()) != 1 {
		v.t.Fatalf("slots: %v %v", err, list)
	}
	return list.GetSlots()[0].GetName()
}

// stored returns the vendor's one appointment, read natively.
func (v *env) stored(ctx context.Context) *availabilityv1.Appointment {
	v.t.Helper()
	list, err := v.appts.ListAppointments(ctx, &availabilityv1.ListAppointmentsRequest{})
	if err != nil || len(list.GetAppointments()) != 1 {
		v.t.Fatalf("appointments: %v %v", err, list)
	}
	a, err := v.appts.GetAppointment(ctx, &availabilityv1.GetAppointmentRequest{Name: list.GetAppointments()[0].GetName()})
	if err != nil {
		v.t.Fatal(err)
	}
	return a
}

// testReport creates an appointment through FHIR, cancels it by PUT, marks
// it fulfilled by conditional update, and reads it back natively each time.
func testReport(t *testing.T, e dbtest.Engine) {
	v := start(t, store.New(e.DB, e.Classify))
	vendor := authtest.Vendor("editeur")
	ctx, token := v.as(vendor), v.iss.Token(vendor)
	at := time.Now().Add(24 * time.Hour).Truncate(time.Minute).UTC()
	slot := v.pushSlot(ctx, vendor.Subject, "s1", at)

	r := do(t, http.MethodPost, v.url+"/Appointment", token, mustJSON(t, appointment("rdv-1", "booked", at)))
	if r.status != http.StatusCreated || r.header.Get("Location") != base+"/Appointment/rdv-1" || r.header.Get("ETag") == "" ||
		!strings.Contains(string(r.body), `"slot":[{"reference":"Slot/s1"}]`) {
		t.Fatalf("create: %d %v %s", r.status, r.header, r.body)
	}
	want := &availabilityv1.Appointment{Vendor: vendor.Subject, ExternalId: "rdv-1", Orientation: "orientations/o1",
		Professional: "professionals/" + pro, Slot: slot, StartTime: timestamppb.New(at),
		EndTime: timestamppb.New(at.Add(15 * time.Minute)), Status: availabilityv1.Appointment_STATUS_BOOKED,
		Territory: "territories/SAS-44"}
	first := v.stored(ctx)
	checkStored(t, first, want)
	if etag := r.header.Get("ETag"); etag != first.GetEtag() {
		t.Errorf("ETag %s, stored %s", etag, first.GetEtag())
	}

	r = do(t, http.MethodPut, v.url+"/Appointment/rdv-1", token, mustJSON(t, appointment("rdv-1", "cancelled", at)))
	want.Status = availabilityv1.Appointment_STATUS_CANCELLED
	cancelled := v.stored(ctx)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"status":"cancelled"`) || cancelled.GetEtag() == first.GetEtag() {
		t.Errorf("cancel: %d %s", r.status, r.body)
	}
	checkStored(t, cancelled, want)

	r = do(t, http.MethodPut, v.url+"/Appointment?identifier="+vendorSystem+"|rdv-1", token,
		mustJSON(t, appointment("rdv-1", "fulfilled", at)))
	want.Status = availabilityv1.Appointment_STATUS_FULFILLED
	done := v.stored(ctx)
	if r.status != http.StatusOK {
		t.Errorf("conditional update: %d %s", r.status, r.body)
	}
	checkStored(t, done, want)

	// Reporting it again as it is changes nothing; its orientation cannot change.
	r = do(t, http.MethodPost, v.url+"/Appointment", token, mustJSON(t, appointment("rdv-1", "fulfilled", at)))
	if again := v.stored(ctx); r.status != http.StatusCreated || again.GetEtag() != done.GetEtag() {
		t.Errorf("again: %d %s, etag %s then %s", r.status, r.body, done.GetEtag(), again.GetEtag())
	}
	moved := appointment("rdv-1", "fulfilled", at)
	moved["basedOn"] = []any{map[string]any{"identifier": map[string]any{"system": fhir.SystemOrientation, "value": "o2"}}}
	r = do(t, http.MethodPut, v.url+"/Appointment/rdv-1", token, mustJSON(t, moved))
	checkOutcome(t, r, http.StatusUnprocessableEntity, fhir.IssueBusinessRule, "Appointment.basedOn[0].identifier.value", "cannot change")
	checkStored(t, v.stored(ctx), want)
}

// checkStored compares got with want, but for its name, etag and update time.
func checkStored(t *testing.T, got, want *availabilityv1.Appointment) {
	t.Helper()
	c := proto.CloneOf(got)
	c.Name, c.Etag, c.UpdateTime = "", "", nil
	if !strings.HasPrefix(got.GetName(), "appointments/") || !proto.Equal(c, want) {
		t.Errorf("stored:\ngot  %s\nwant %s", protojson.Format(got), protojson.Format(want))
	}
}

// outcome is an OperationOutcome as answered.
type outcome struct {
	ResourceType string
	Issue        []struct {
		Severity, Code, Diagnostics string
		Expression                  []string
	}
}

// checkOutcome checks that r is an OperationOutcome of status with one issue
// of code at expression, whose diagnostics contain diag.
func checkOutcome(t *testing.T, r response, status int, code fhir.IssueCode, expression, diag string) {
	t.Helper()
	var o outcome
	if err := json.Unmarshal(r.body, &o); err != nil || r.status != status || o.ResourceType != "OperationOutcome" ||
		len(o.Issue) != 1 || o.Issue[0].Code != string(code) || !strings.Contains(o.Issue[0].Diagnostics, diag) ||
		expression != "" && (len(o.Issue[0].Expression) != 1 || o.Issue[0].Expression[0] != expression) {
		t.Errorf("got %d %s\nwant %d %s at %q with %q", r.status, r.body, status, code, expression, diag)
	}
}

// testRefused sends bad appointments and requests: each is one
// OperationOutcome naming the element at fault, and nothing is stored.
func testRefused(t *testing.T, e dbtest.Engine) {
	v := start(t, store.New(e.DB, e.Classify))
	vendor := authtest.Vendor("editeur")
	token := v.iss.Token(vendor)
	at := time.Now().Add(24 * time.Hour).Truncate(time.Minute).UTC()
	tests := []struct {
		name       string
		method     string
		path       string
		change     func(map[string]any)
		token      string
		status     int
		code       fhir.IssueCode
		expression string
		diag       string
	}{
		{"missing orientation", "POST", "/Appointment", func(a map[string]any) { delete(a, "basedOn") }, token,
			400, fhir.IssueRequired, "Appointment.basedOn", "no SAS orientation"},
		{"unknown orientation", "POST", "/Appointment", func(a map[string]any) {
			a["basedOn"] = []any{map[string]any{"identifier": map[string]any{"system": fhir.SystemOrientation, "value": "o404"}}}
		}, token, 422, fhir.IssueNotFound, "Appointment.basedOn[0].identifier.value", "orientations/o404 is not a SAS orientation"},
		{"bad status", "POST", "/Appointment", func(a map[string]any) { a["status"] = "maybe" }, token,
			400, fhir.IssueCodeInvalid, "Appointment.status", `"maybe" is not the status of a booking`},
		{"end before start", "POST", "/Appointment", func(a map[string]any) { a["end"] = at.Add(-time.Minute).Format(time.RFC3339) }, token,
			400, fhir.IssueValue, "Appointment.end", "is not after start"},
		{"wrong resourceType", "POST", "/Appointment", func(a map[string]any) { a["resourceType"] = "Slot" }, token,
			400, fhir.IssueValue, "Appointment.resourceType", `"Slot", want "Appointment"`},
		{"PUT of another appointment", "PUT", "/Appointment/rdv-2", nil, token,
			400, fhir.IssueValue, "Appointment.identifier[0].value", `differs from the request URL`},
		{"GET", "GET", "/Appointment/rdv-1", nil, token, 405, fhir.IssueNotSupported, "", "PUT it to [base]/Appointment/{id}"},
		{"PUT to the base", "PUT", "", nil, token, 405, fhir.IssueNotSupported, "", "POST a Bundle"},
		{"no token", "POST", "/Appointment", nil, "", 401, fhir.IssueLogin, "", "access token"},
		{"not a vendor", "POST", "/Appointment", nil, v.iss.Token(authtest.Service("x")), 403, fhir.IssueForbidden, "", "only vendors"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := appointment("rdv-1", "booked", at)
			if tt.change != nil {
				tt.change(a)
			}
			r := do(t, tt.method, v.url+tt.path, tt.token, mustJSON(t, a))
			checkOutcome(t, r, tt.status, tt.code, tt.expression, tt.diag)
		})
	}
	r := do(t, http.MethodPost, v.url+"/Appointment", token, []byte(`{"resourceType": "Appointment", `))
	checkOutcome(t, r, 400, fhir.IssueStructure, "Appointment", "not JSON")
	list, err := v.appts.ListAppointments(v.as(vendor), &availabilityv1.ListAppointmentsRequest{})
	if err != nil || len(list.GetAppointments()) != 0 {
		t.Errorf("stored: %v %v", err, list)
	}
}

// testAppointmentBundle pushes a transaction of a good, a bad and an
// unknown orientation's Appointment: the good one is stored, the others are
// refused in their entries.
func testAppointmentBundle(t *testing.T, e dbtest.Engine) {
	v := start(t, store.New(e.DB, e.Classify))
	vendor := authtest.Vendor("editeur")
	at := time.Now().Add(24 * time.Hour).Truncate(time.Minute).UTC()
	unknown := appointment("rdv-4", "booked", at)
	unknown["basedOn"] = []any{map[string]any{"identifier": map[string]any{"system": fhir.SystemOrientation, "value": "o404"}}}
	entry := func(method, url string, r map[string]any) map[string]any {
		return map[string]any{"request": map[string]any{"method": method, "url": url}, "resource": r}
	}
	bundle := map[string]any{"resourceType": "Bundle", "type": "transaction", "entry": []any{
		entry("POST", "Appointment", appointment("rdv-2", "booked", at)),
		entry("PUT", "Appointment/rdv-3", appointment("rdv-3", "maybe", at)),
		entry("POST", "Appointment", unknown),
	}}
	status, body := post(t, v.url, v.iss.Token(vendor), mustJSON(t, bundle))
	var resp struct {
		Type  string
		Entry []struct {
			Response struct {
				Status, Location string
				Outcome          *outcome
			}
		}
	}
	if err := json.Unmarshal(body, &resp); err != nil || status != http.StatusOK || resp.Type != "transaction-response" || len(resp.Entry) != 3 {
		t.Fatalf("%d %s", status, body)
	}
	want := []struct{ status, location, code, expression string }{
		{"201 Created", "Appointment/rdv-2", "", ""},
		{"400 Bad Request", "", "code-invalid", "Bundle.entry[1].resource.status"},
		{"422 Unprocessable Entity", "", "not-found", "Bundle.entry[2].resource.basedOn[0].identifier.value"},
	}
	for i, w := range want {
		got := resp.Entry[i].Response
		var code, expression string
		if o := got.Outcome; o != nil && len(o.Issue) == 1 && len(o.Issue[0].Expression) == 1 {
			code, expression = o.Issue[0].Code, o.Issue[0].Expression[0]
		}
		if got.Status != w.status || got.Location != w.location || code != w.code || expression != w.expression {
			t.Errorf("entry %d: %+v, want %+v", i, got, w)
		}
	}
	a := v.stored(v.as(vendor))
	if a.GetExternalId() != "rdv-2" || a.GetStatus() != availabilityv1.Appointment_STATUS_BOOKED || a.GetSlot() != "" {
		t.Errorf("stored %s", fmt.Sprint(a))
	}
}
