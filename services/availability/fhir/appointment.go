package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
)

var (
	// appointmentKey is the syntax of the vendor's id of an appointment, as
	// the service takes it.
	appointmentKey = regexp.MustCompile(`^[A-Za-z0-9\-.:_/]{1,128}$`)
	// orientationID is the syntax of the id of an orientation.
	orientationID = regexp.MustCompile(`^[A-Za-z0-9\-._:]{1,128}$`)
)

// AppointmentEntry is a booking a vendor reports after a SAS orientation, as
// the guide's FrAppointmentSAS ("Gestion de rendez-vous") has it:
//
//   - identifier: the vendor's id of the appointment (system: the vendor's
//     OID or URL) keys it, and the guide's conditional update
//     PUT [base]/Appointment?identifier=[system|]value names it. Without
//     such an identifier, Appointment.id is the vendor's id, and
//     PUT [base]/Appointment/{id} names it.
//   - basedOn: the SAS orientation it follows, a logical reference
//     {"identifier": {"system": "urn:sas:orientation", "value": "orientations/{id}"}}
//     (or the bare id). The guide links a booking to the regulator who made
//     it (extension FrAppointmentOperator), not to an orientation, and its
//     profile allows one identifier: basedOn, in FHIR the request the
//     appointment serves, leaves a guide-conformant Appointment valid. An
//     identifier of system urn:sas:orientation is accepted too.
//   - participant.actor: the professional, by its national identifier
//     (IDNPS, as in the guide) or by reference to a Practitioner contained
//     or in the Bundle; other participants (the patient) are ignored.
//   - status: booked, fulfilled (or arrived, checked-in), noshow or
//     cancelled (or entered-in-error); start and end, both required.
//   - slot: the vendor's Slot it took, optional.
type AppointmentEntry struct {
	Index   int    // index in Bundle.entry; 0 for an Appointment sent on its own
	FullURL string // the entry's fullUrl, when any
	// Path is the FHIRPath of the resource: "Appointment", or
	// "Bundle.entry[3].resource" in a Bundle.
	Path string
	// Update is true for a PUT, false for a POST.
	Update bool
	// System is the system of the vendor's identifier; "" when the
	// appointment is keyed by its id. Answers write it back.
	System string
	// Slot is the vendor's Slot.id of the first Appointment.slot, "" when none.
	Slot string
	// OrientationPath is the FHIRPath of the element naming the orientation.
	OrientationPath string
	// Appointment has external_id (the vendor's id), orientation,
	// professional, start and end times and status set; the service fills
	// the rest.
	Appointment *availabilityv1.Appointment
	keyPath     string // FHIRPath of the element external_id was read from
}

// ID is the id the appointment has in answers: the vendor's id when it is a
// FHIR id, "" otherwise (the vendor then names it by identifier only).
func (e AppointmentEntry) ID() string {
	if id := e.Appointment.GetExternalId(); fhirID.MatchString(id) {
		return id
	}
	return ""
}

// DecodeAppointment reads one Appointment sent on its own as method (POST or
// PUT) to url, relative to the FHIR base: "Appointment", "Appointment/{id}"
// or "Appointment?identifier=[system|]value". A bad document, element or URL
// is a *ResourceError; a document over opts.MaxBytes wraps ErrTooLarge.
func DecodeAppointment(r io.Reader, opts Options, method, reqURL string) (AppointmentEntry, error) {
	data, err := readLimited(r, opts.maxBytes())
	if err != nil {
		return AppointmentEntry{}, err
	}
	n := node{root: "Appointment", method: method, reqURL: reqURL}
	f := n.parseSingle(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	var e *AppointmentEntry
	if f == nil {
		d := &decoder{nodes: []node{n}, byURL: map[string]int{}, byTypeID: map[string]int{}}
		e, f = d.convertAppointment(&d.nodes[0])
	}
	if f != nil {
		return AppointmentEntry{}, &ResourceError{Resource: n.name(), Path: f.path, Code: f.code, Reason: f.reason}
	}
	return *e, nil
}

// parseSingle reads data as the Appointment of a POST or PUT.
func (n *node) parseSingle(data []byte) *fault {
	if n.method != "POST" && n.method != "PUT" {
		return faultf("", IssueNotSupported, "%s not supported: POST or PUT an Appointment", q(n.method))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return faultf(n.root, IssueStructure, "empty document")
	}
	var h head
	if err := json.Unmarshal(data, &h); err != nil {
		return jsonFault(err, n.root)
	}
	switch {
	case h.ResourceType == "":
		return faultf(n.root+".resourceType", IssueRequired, `missing, want "Appointment"`)
	case h.ResourceType != "Appointment":
		return faultf(n.root+".resourceType", IssueValue, `%s, want "Appointment"`, q(h.ResourceType))
	}
	return n.parseResource(data)
}

// convertAppointment converts the Appointment of n.
func (d *decoder) convertAppointment(n *node) (*AppointmentEntry, *fault) {
	r, path := n.appt, n.path()
	a := &availabilityv1.Appointment{}
	e := &AppointmentEntry{Index: n.index, FullURL: n.fullURL, Path: path, Update: n.method == "PUT", Appointment: a}
	steps := []func() *fault{
		func() *fault { return e.key(n) },
		func() (f *fault) { a.Orientation, e.OrientationPath, f = orientation(path, r); return f },
		func() (f *fault) { a.Professional, f = d.professionalOf(n); return f },
		func() (f *fault) { a.Status, f = appointmentStatus(path, r.Status); return f },
		func() (f *fault) { a.StartTime, a.EndTime, f = appointmentTimes(path, r); return f },
		func() (f *fault) { e.Slot, f = d.slotOf(n); return f },
	}
	for _, step := range steps {
		if f := step(); f != nil {
			return nil, f
		}
	}
	return e, nil
}

// key sets the vendor's id of the appointment, from its identifier or its id
// or the URL of a PUT, and checks it.
func (e *AppointmentEntry) key(n *node) *fault {
	r := n.appt
	var key string
	for k, id := range r.Identifier {
		if id.System != SystemOrientation {
			key, e.System, e.keyPath = id.Value, id.System, fmt.Sprintf("%s.identifier[%d].value", n.path(), k)
			break
		}
	}
	if key == "" && r.ID != "" {
		key, e.keyPath = r.ID, n.path()+".id"
		if !fhirID.MatchString(key) {
			return faultf(e.keyPath, IssueValue, "%s is not a FHIR id (1 to 64 of A-Z a-z 0-9 - .)", q(key))
		}
	}
	if n.method == "PUT" {
		var f *fault
		if key, f = e.matchURL(n, key); f != nil {
			return f
		}
	}
	switch {
	case key == "":
		return faultf(n.path()+".identifier", IssueRequired,
			"missing: the vendor's id of the appointment, an identifier of the vendor's system (or Appointment.id)")
	case !appointmentKey.MatchString(key):
		return faultf(e.keyPath, IssueValue, "%s is not an appointment id: 1 to 128 of A-Z a-z 0-9 - . : _ /", q(key))
	}
	e.Appointment.ExternalId = key
	return nil
}

// matchURL checks the vendor's id key against the URL of a PUT, which names
// the appointment by id (Appointment/{id}: the vendor's id, or the
// resource's own id as in FHIR's update) or by identifier
// (Appointment?identifier=[system|]value); a key the resource lacks is the
// URL's.
func (e *AppointmentEntry) matchURL(n *node, key string) (string, *fault) {
	u, query, conditional := strings.Cut(n.reqURL, "?")
	if conditional && (u == "Appointment" || strings.HasSuffix(u, "/Appointment")) {
		return e.matchIdentifier(n, key, query)
	}
	id, ok := strings.CutPrefix(typeID(stripHistory(u)), "Appointment/")
	switch {
	case conditional || !ok || !fhirID.MatchString(id):
		return "", faultf(n.requestPath(), IssueValue,
			"%s is neither Appointment/{id} nor Appointment?identifier=[system|]value", q(n.reqURL))
	case key == "":
		e.keyPath = n.path() + ".id"
		return id, nil
	case id != key && id != n.id:
		return "", faultf(e.keyPath, IssueValue, "%s differs from the request URL %s", q(key), q(n.reqURL))
	}
	return key, nil
}

// matchIdentifier checks key against the identifier of a conditional update.
func (e *AppointmentEntry) matchIdentifier(n *node, key, query string) (string, *fault) {
	system, value, f := conditionalIdentifier(n.requestPath(), n.reqURL, query)
	switch {
	case f != nil:
		return "", f
	case system == SystemOrientation:
		return "", faultf(n.requestPath(), IssueValue, "%s names an orientation, not the appointment", q(n.reqURL))
	case key == "":
		e.System, e.keyPath = system, n.requestPath()
		return value, nil
	case value != key:
		return "", faultf(e.keyPath, IssueValue, "%s differs from the identifier %s of the request URL", q(key), q(value))
	case system != "" && e.System != "" && system != e.System:
		return "", faultf(strings.TrimSuffix(e.keyPath, ".value")+".system", IssueValue,
			"%s differs from the system %s of the request URL", q(e.System), q(system))
	case e.System == "":
		e.System = system
	}
	return key, nil
}

// conditionalIdentifier reads the query of a conditional update: one
// identifier=[system|]value (the guide writes Identifier=).
func conditionalIdentifier(path, rawURL, query string) (system, value string, f *fault) {
	var got []string
	for _, param := range strings.Split(query, "&") {
		name, v, _ := strings.Cut(param, "=")
		if !strings.EqualFold(name, "identifier") {
			return "", "", faultf(path, IssueNotSupported,
				"search parameter %s not supported: a conditional update takes identifier=[system|]value", q(name))
		}
		got = append(got, v)
	}
	if len(got) != 1 {
		return "", "", faultf(path, IssueValue, "%s: want one identifier=[system|]value", q(rawURL))
	}
	v, err := url.QueryUnescape(got[0])
	if err != nil {
		return "", "", faultf(path, IssueValue, "%s: %v", q(rawURL), err)
	}
	system, value, ok := strings.Cut(v, "|")
	if !ok {
		system, value = "", v
	}
	if value == "" {
		return "", "", faultf(path, IssueValue, "%s: the identifier has no value", q(rawURL))
	}
	return system, value, nil
}

// appointmentStatus maps Appointment.status.
func appointmentStatus(path, code string) (availabilityv1.Appointment_Status, *fault) {
	path += ".status"
	if code == "" {
		return 0, faultf(path, IssueRequired, "missing")
	}
	st, ok := appointmentStatuses[code]
	if !ok {
		return 0, faultf(path, IssueCodeInvalid, "%s is not the status of a booking: want booked, fulfilled, noshow or cancelled", q(code))
	}
	return st, nil
}

// appointmentTimes reads start and end: both required (FHIR's invariant
// app-2 and the guide), end after start.
func appointmentTimes(path string, r *appointmentResource) (start, end *timestamppb.Timestamp, f *fault) {
	s, f := timestampInstant(path+".start", r.Start)
	if f != nil {
		return nil, nil, f
	}
	e, f := timestampInstant(path+".end", r.End)
	if f != nil {
		return nil, nil, f
	}
	if !e.After(s) {
		return nil, nil, faultf(path+".end", IssueValue, "%s is not after start %s", q(r.End), q(r.Start))
	}
	return timestamppb.New(s), timestamppb.New(e), nil
}

// timestampInstant is an instant within a timestamp's range: the years 1 to
// 9999 in UTC.
func timestampInstant(path, v string) (time.Time, *fault) {
	t, f := instant(path, v)
	if y := t.UTC().Year(); f == nil && (y < 1 || y > 9999) {
		return t, faultf(path, IssueValue, "%s is out of range: years 1 to 9999 in UTC", q(v))
	}
	return t, f
}
