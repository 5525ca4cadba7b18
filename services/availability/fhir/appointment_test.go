package fhir

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
)

// guideAppointment is the guide's example of a booking reported by a vendor
// ("Gestion de rendez-vous"), with the orientation it follows in basedOn.
const guideAppointment = `{
  "resourceType": "Appointment",
  "id": "1",
  "meta": {"profile": ["http://interopsante.org/fhir/StructureDefinition/FrAppointmentSAS"]},
  "identifier": [{"system": "urn:oid:1.1.111.1.11.1.1.1", "value": "b6e39355-8a61-4556-b340-36f7b95fec6a"}],
  "extension": [{"url": "http://interopsante.org/fhir/StructureDefinition/FrAppointmentOperator",
    "valueReference": {"identifier": {"type": {"coding": [{"system": "` + SystemIdentifierType + `", "code": "IDNPS"}]},
      "system": "` + SystemProfessional + `", "value": "3456780581/11242343"}}}],
  "basedOn": [{"identifier": {"system": "` + SystemOrientation + `", "value": "orientations/o1"}}],
  "status": "booked",
  "start": "2022-09-04T14:00:00+01:00",
  "end": "2022-09-04T14:15:00+01:00",
  "slot": [{"reference": "Slot/s1"}],
  "participant": [
    {"actor": {"reference": "Patient/p", "display": "the patient"}, "status": "accepted"},
    {"actor": {"identifier": {"type": {"coding": [{"system": "` + SystemIdentifierType + `", "code": "IDNPS"}]},
      "system": "` + SystemProfessional + `", "value": "810100050075"}}, "status": "accepted"}]
}`

// guideWant is what guideAppointment decodes to.
func guideWant(t *testing.T) *availabilityv1.Appointment {
	return &availabilityv1.Appointment{ExternalId: "b6e39355-8a61-4556-b340-36f7b95fec6a", Orientation: "orientations/o1",
		Professional: "professionals/810100050075", Status: availabilityv1.Appointment_STATUS_BOOKED,
		StartTime: ts(t, "2022-09-04T13:00:00Z"), EndTime: ts(t, "2022-09-04T13:15:00Z")}
}

func decodeAppointment(t *testing.T, doc any, method, url string) (AppointmentEntry, error) {
	t.Helper()
	data, ok := doc.(string)
	if !ok {
		data = string(mustJSON(t, doc))
	}
	return DecodeAppointment(strings.NewReader(data), Options{}, method, url)
}

func TestDecodeAppointment(t *testing.T) {
	e, err := decodeAppointment(t, guideAppointment, "POST", "Appointment")
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(e.Appointment, guideWant(t)) || e.System != "urn:oid:1.1.111.1.11.1.1.1" || e.Slot != "s1" ||
		e.Update || e.Path != "Appointment" || e.OrientationPath != "Appointment.basedOn[0].identifier.value" ||
		e.ID() != "b6e39355-8a61-4556-b340-36f7b95fec6a" {
		t.Errorf("got %+v\n%v", e, e.Appointment)
	}
}

// TestAppointmentKeys reads the vendor's id from the identifier, the id and
// the URL of a PUT, and the orientation and professional in their other forms.
func TestAppointmentKeys(t *testing.T) {
	const uuid = "b6e39355-8a61-4556-b340-36f7b95fec6a"
	noIdentifier := []change{{"identifier", deleted}}
	tests := []struct {
		name         string
		changes      []change
		method, url  string
		key, system  string
		orientation  string
		professional string
	}{
		{name: "identifier", method: "PUT", url: "Appointment/" + uuid, key: uuid},
		{name: "PUT naming the resource's id", method: "PUT", url: "Appointment/1", key: uuid},
		{name: "conditional update", method: "PUT", url: "Appointment?identifier=urn:oid:1.1.111.1.11.1.1.1|" + uuid, key: uuid},
		{name: "conditional update as the guide writes it", method: "PUT", url: "Appointment?Identifier=" + uuid, key: uuid},
		{name: "id", changes: noIdentifier, method: "POST", url: "Appointment", key: "1", system: "-"},
		{name: "id of the URL", changes: []change{{"identifier", deleted}, {"id", deleted}}, method: "PUT",
			url: "Appointment/rdv-9", key: "rdv-9", system: "-"},
		{name: "identifier of the URL", changes: []change{{"identifier", deleted}, {"id", deleted}}, method: "PUT",
			url: "Appointment?identifier=https://v.example/rdv|RDV:2026/1", key: "RDV:2026/1", system: "https://v.example/rdv"},
		{name: "bare orientation id", changes: []change{{"basedOn.0.identifier.value", "o7"}}, method: "POST",
			url: "Appointment", key: uuid, orientation: "orientations/o7"},
		{name: "orientation as an identifier", changes: []change{{"basedOn", deleted},
			{"identifier", []any{map[string]any{"system": SystemOrientation, "value": "orientations/o8"},
				map[string]any{"system": "urn:oid:1.1.111.1.11.1.1.1", "value": uuid}}}},
			method: "POST", url: "Appointment", key: uuid, orientation: "orientations/o8"},
		{name: "contained practitioner", changes: []change{
			{"contained", []any{map[string]any{"resourceType": "Practitioner", "id": "pr",
				"identifier": []any{map[string]any{"system": SystemProfessional, "value": "0441234567"}}}}},
			{"participant.1.actor", map[string]any{"reference": "#pr"}}},
			method: "POST", url: "Appointment", key: uuid, professional: "professionals/0441234567"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseJSON(t, guideAppointment)
			for _, c := range tt.changes {
				set(t, doc, c.path, c.v)
			}
			e, err := decodeAppointment(t, doc, tt.method, tt.url)
			if err != nil {
				t.Fatal(err)
			}
			want := guideWant(t)
			want.ExternalId = tt.key
			if tt.orientation != "" {
				want.Orientation = tt.orientation
			}
			if tt.professional != "" {
				want.Professional = tt.professional
			}
			system := tt.system
			switch system {
			case "":
				system = "urn:oid:1.1.111.1.11.1.1.1"
			case "-":
				system = ""
			}
			if !proto.Equal(e.Appointment, want) || e.System != system || e.Update != (tt.method == "PUT") {
				t.Errorf("got %v system %q update %v\nwant %v system %q", e.Appointment, e.System, e.Update, want, system)
			}
		})
	}
}

func TestBadAppointments(t *testing.T) {
	tests := []struct {
		name        string
		changes     []change
		method, url string
		path        string
		code        IssueCode
		reason      string
	}{
		{"wrong resourceType", []change{{"resourceType", "Slot"}}, "", "",
			"Appointment.resourceType", IssueValue, `"Slot", want "Appointment"`},
		{"no resourceType", []change{{"resourceType", deleted}}, "", "",
			"Appointment.resourceType", IssueRequired, "missing"},
		{"missing orientation", []change{{"basedOn", deleted}}, "", "",
			"Appointment.basedOn", IssueRequired, "no SAS orientation"},
		{"orientation of another system", []change{{"basedOn.0.identifier.system", "urn:x"}}, "", "",
			"Appointment.basedOn", IssueRequired, "no SAS orientation"},
		{"bad orientation", []change{{"basedOn.0.identifier.value", "orientations/a/b"}}, "", "",
			"Appointment.basedOn[0].identifier.value", IssueValue, `neither "orientations/{id}"`},
		{"two orientations", []change{{"identifier.0", map[string]any{"system": SystemOrientation, "value": "o2"}}, {"id", "x"}}, "", "",
			"Appointment.identifier[0].value", IssueValue, "a second orientation"},
		{"bad status", []change{{"status", "maybe"}}, "", "",
			"Appointment.status", IssueCodeInvalid, `"maybe" is not the status of a booking`},
		{"proposed", []change{{"status", "proposed"}}, "", "",
			"Appointment.status", IssueCodeInvalid, "want booked, fulfilled, noshow or cancelled"},
		{"missing status", []change{{"status", deleted}}, "", "",
			"Appointment.status", IssueRequired, "missing"},
		{"end before start", []change{{"end", "2022-09-04T13:59:00+01:00"}}, "", "",
			"Appointment.end", IssueValue, "is not after start"},
		{"missing end", []change{{"end", deleted}}, "", "",
			"Appointment.end", IssueRequired, "missing"},
		{"start without zone", []change{{"start", "2022-09-04T14:00:00"}}, "", "",
			"Appointment.start", IssueValue, "no time zone"},
		{"start beyond year 9999", []change{{"start", "9999-12-31T23:00:00-05:00"}}, "", "",
			"Appointment.start", IssueValue, "out of range"},
		{"start a number", []change{{"start", 5}}, "", "",
			"Appointment.start", IssueStructure, "want a string"},
		{"no professional", []change{{"participant", []any{map[string]any{"actor": map[string]any{"reference": "Patient/p"}}}}}, "", "",
			"Appointment.participant", IssueRequired, "no professional"},
		{"bad RPPS", []change{{"participant.1.actor.identifier.value", "10100050075"}}, "", "",
			"Appointment.participant[1].actor.identifier.value", IssueValue, `lacks the "8" prefix`},
		{"two professionals", []change{{"participant.0.actor", map[string]any{"identifier": map[string]any{
			"system": SystemProfessional, "value": "0441234567"}}}}, "", "",
			"Appointment.participant[1].actor", IssueValue, "a second professional"},
		{"practitioner not contained", []change{{"participant.1.actor", map[string]any{"reference": "Practitioner/x"}}}, "", "",
			"Appointment.participant[1].actor", IssueNotFound, "give the actor's identifier"},
		{"slot not a Slot", []change{{"slot.0.reference", "Schedule/s"}}, "", "",
			"Appointment.slot[0]", IssueValue, "not a reference Slot/{id}"},
		{"no vendor's id", []change{{"identifier", deleted}, {"id", deleted}}, "", "",
			"Appointment.identifier", IssueRequired, "the vendor's id of the appointment"},
		{"vendor's id too long", []change{{"identifier.0.value", strings.Repeat("x", 129)}}, "", "",
			"Appointment.identifier[0].value", IssueValue, "not an appointment id"},
		{"vendor's id with a space", []change{{"identifier.0.value", "a b"}}, "", "",
			"Appointment.identifier[0].value", IssueValue, "not an appointment id"},
		{"PUT of another id", nil, "PUT", "Appointment/2",
			"Appointment.identifier[0].value", IssueValue, `differs from the request URL "Appointment/2"`},
		{"PUT of another id, keyed by id", []change{{"identifier", deleted}}, "PUT", "Appointment/2",
			"Appointment.id", IssueValue, `"1" differs from the request URL`},
		{"PUT to the type", nil, "PUT", "Appointment",
			"", IssueValue, "neither Appointment/{id} nor Appointment?identifier="},
		{"conditional update of another identifier", nil, "PUT", "Appointment?identifier=other",
			"Appointment.identifier[0].value", IssueValue, `differs from the identifier "other"`},
		{"conditional update of another system", nil, "PUT", "Appointment?identifier=urn:x|b6e39355-8a61-4556-b340-36f7b95fec6a",
			"Appointment.identifier[0].system", IssueValue, `differs from the system "urn:x"`},
		{"conditional update by status", nil, "PUT", "Appointment?status=booked",
			"", IssueNotSupported, `search parameter "status" not supported`},
		{"GET", nil, "GET", "Appointment/1", "", IssueNotSupported, `"GET" not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseJSON(t, guideAppointment)
			for _, c := range tt.changes {
				set(t, doc, c.path, c.v)
			}
			method, url := tt.method, tt.url
			if method == "" {
				method, url = "POST", "Appointment"
			}
			_, err := decodeAppointment(t, doc, method, url)
			checkResourceError(t, err, tt.path, tt.code, tt.reason)
		})
	}
	for doc, reason := range map[string]string{"": "empty document", "[]": "want an object", `{"resourceType": `: "not JSON"} {
		_, err := decodeAppointment(t, doc, "POST", "Appointment")
		checkResourceError(t, err, "Appointment", IssueStructure, reason)
	}
	_, err := DecodeAppointment(strings.NewReader(guideAppointment), Options{MaxBytes: 100}, "POST", "Appointment")
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("oversized: %v", err)
	}
}

// checkResourceError checks that err is a ResourceError at path with code
// and a reason containing reason, and that its issue names them.
func checkResourceError(t *testing.T, err error, path string, code IssueCode, reason string) {
	t.Helper()
	var re *ResourceError
	if !errors.As(err, &re) {
		t.Fatalf("error %v, want a *ResourceError", err)
	}
	is := ErrorIssue(err)
	if re.Path != path || re.Code != code || !strings.Contains(re.Reason, reason) || is.Code != code ||
		(path != "" && (len(is.Expression) != 1 || is.Expression[0] != path)) || !strings.Contains(is.Diagnostics, reason) {
		t.Errorf("error %q: path %q code %s; issue %+v\nwant path %q code %s reason with %q", err, re.Path, re.Code, is, path, code, reason)
	}
}

func TestEncodeAppointment(t *testing.T) {
	e, err := decodeAppointment(t, guideAppointment, "POST", "Appointment")
	if err != nil {
		t.Fatal(err)
	}
	stored := proto.CloneOf(e.Appointment)
	stored.Name, stored.Slot, stored.Vendor, stored.Etag = "appointments/x", "slots/y", "vendors/v", `W/"1"`
	stored.UpdateTime = ts(t, "2022-09-04T10:00:00.5Z")
	var buf bytes.Buffer
	if err := EncodeAppointment(&buf, stored, AppointmentOptions{System: e.System, Slot: e.Slot}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id":"b6e39355-8a61-4556-b340-36f7b95fec6a"`, `"lastUpdated":"2022-09-04T10:00:00.5Z"`,
		`"slot":[{"reference":"Slot/s1"}]`, `"start":"2022-09-04T13:00:00Z"`, `"status":"accepted"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("no %s in %s", want, buf.String())
		}
	}
	back, err := DecodeAppointment(&buf, Options{}, "PUT", "Appointment/"+e.ID())
	if err != nil || !proto.Equal(back.Appointment, e.Appointment) || back.System != e.System || back.Slot != e.Slot {
		t.Errorf("read back: %v %v", err, back)
	}
	stored.Status = availabilityv1.Appointment_STATUS_UNSPECIFIED
	if err := EncodeAppointment(&buf, stored, AppointmentOptions{}); err == nil {
		t.Error("an appointment without status encodes")
	}
}

// TestAppointmentsInBundle decodes Appointments in a transaction beside
// slots: one resolves its professional and slot through the Bundle, the bad
// and duplicate ones are refused, and a searchset refuses them.
func TestAppointmentsInBundle(t *testing.T) {
	appt := func(id, status string, extra map[string]any) map[string]any {
		r := map[string]any{"resourceType": "Appointment", "status": status,
			"basedOn": []any{map[string]any{"identifier": map[string]any{"system": SystemOrientation, "value": "o1"}}},
			"start":   "2026-01-05T09:00:00+01:00", "end": "2026-01-05T09:20:00+01:00",
			"participant": []any{map[string]any{"actor": map[string]any{"reference": "Practitioner/p1"}}}}
		if id != "" {
			r["id"] = id
		}
		for k, v := range extra {
			r[k] = v
		}
		return r
	}
	entry := func(method, url string, r map[string]any) map[string]any {
		return map[string]any{"request": map[string]any{"method": method, "url": url}, "resource": r}
	}
	doc := parseJSON(t, twoChains)
	set(t, doc, "type", "transaction")
	entries := doc.(map[string]any)["entry"].([]any)
	set(t, doc, "entry", append(entries,
		entry("POST", "Appointment", appt("rdv-1", "booked", map[string]any{"slot": []any{map[string]any{"reference": "Slot/a"}}})),
		entry("PUT", "Appointment/rdv-2", appt("rdv-2", "maybe", nil)),
		entry("POST", "Appointment", appt("rdv-1", "cancelled", nil)),
		entry("PUT", "Appointment?identifier=rdv-4", appt("", "noshow", nil))))
	res := decodeBytes(t, mustJSON(t, doc))
	checkErrors(t, res, []wantErr{
		{9, "Bundle.entry[9].resource.status", IssueCodeInvalid, `"maybe" is not the status`},
		{10, "Bundle.entry[10].resource.id", IssueDuplicate, `Appointment "rdv-1" already in entry[8]`},
	})
	if len(res.Slots) != 2 || len(res.Appointments) != 2 {
		t.Fatalf("%d slots, %d appointments", len(res.Slots), len(res.Appointments))
	}
	a, b := res.Appointments[0], res.Appointments[1]
	if a.Index != 8 || a.Update || a.Slot != "a" || a.Appointment.GetProfessional() != "professionals/810101288385" ||
		a.Appointment.GetOrientation() != "orientations/o1" || a.Path != "Bundle.entry[8].resource" {
		t.Errorf("appointment 8: %+v", a)
	}
	if b.Index != 11 || !b.Update || b.Appointment.GetExternalId() != "rdv-4" ||
		b.Appointment.GetStatus() != availabilityv1.Appointment_STATUS_NOSHOW {
		t.Errorf("appointment 11: %+v", b)
	}
	outs := res.Outcomes()
	if outs[8].Status != 0 || outs[9].Status != 400 || outs[2].Status != 200 {
		t.Errorf("outcomes %+v", outs)
	}

	set(t, doc, "type", "searchset")
	res = decodeBytes(t, mustJSON(t, doc))
	if len(res.Appointments) != 0 || len(res.Errors) != 4 || res.Errors[0].Code != IssueNotSupported ||
		!strings.Contains(res.Errors[0].Reason, "in a searchset") {
		t.Errorf("searchset: %v %v", res.Appointments, res.Errors)
	}
}
