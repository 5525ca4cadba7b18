package fhir

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

var (
	// fhirID is the syntax of a FHIR resource id.
	fhirID = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)
	// specialtyCode is the shape of a TRE_R38 code: SM54, SCD01, SI03, SP02.
	specialtyCode = regexp.MustCompile(`^S[A-Z]{1,3}[0-9]{2}$`)
)

// convertSlot converts the Slot of n with its Schedule's professional and place.
func (d *decoder) convertSlot(n *node) (*availabilityv1.Slot, *fault) {
	r, path := n.slot, n.path()
	id, f := slotID(n)
	if f != nil {
		return nil, f
	}
	pr, f := d.scheduleOf(n)
	if f != nil {
		return nil, f
	}
	s := &availabilityv1.Slot{ExternalId: id, Professional: pr.professional,
		Place: proto.CloneOf(pr.place), Specialty: specialty(r)}
	steps := []func() *fault{
		func() (f *fault) { s.Status, f = slotStatus(path, r.Status); return f },
		func() *fault { return times(s, path, r) },
		func() (f *fault) { s.Visibility, f = visibility(path, r.Meta); return f },
		func() (f *fault) { s.ConsultationModes, f = consultationModes(path, r.ServiceType); return f },
		func() *fault { return checkSpecialty(path, r.Specialty) },
		func() (f *fault) { s.AppointmentType, f = appointmentType(path, r.AppointmentType); return f },
		func() (f *fault) { s.BookingUrl, f = bookingURL(path, r.Comment); return f },
	}
	for _, step := range steps {
		if f := step(); f != nil {
			return nil, f
		}
	}
	return s, nil
}

// slotID returns the vendor's id of the Slot: Slot.id, or the id of the
// request URL of a PUT.
func slotID(n *node) (string, *fault) {
	id, path := n.id, n.path()+".id"
	if n.method == "PUT" {
		tid := typeID(stripHistory(n.reqURL))
		putID, ok := strings.CutPrefix(tid, "Slot/")
		switch {
		case !ok:
			return "", faultf(strings.TrimSuffix(path, ".resource.id")+".request.url", IssueValue,
				"%s is not \"Slot/{id}\"", q(n.reqURL))
		case id == "":
			id = putID
		case id != putID:
			return "", faultf(path, IssueValue, "%s differs from the request URL %s", q(id), q(n.reqURL))
		}
	}
	switch {
	case id == "":
		return "", faultf(path, IssueRequired, "missing: the vendor's Slot.id keys the slot")
	case !fhirID.MatchString(id):
		return "", faultf(path, IssueValue, "%s is not a FHIR id (1 to 64 of A-Z a-z 0-9 - .)", q(id))
	}
	return id, nil
}

// delete reads a "DELETE Slot/{id}" entry.
func (n *node) delete() (*Delete, *fault) {
	path := fmt.Sprintf("Bundle.entry[%d].request.url", n.index)
	id, ok := strings.CutPrefix(typeID(stripHistory(n.reqURL)), "Slot/")
	if !ok || strings.Contains(n.reqURL, "?") {
		return nil, faultf(path, IssueNotSupported, "DELETE %s not supported: only DELETE Slot/{id}", q(n.reqURL))
	}
	if !fhirID.MatchString(id) {
		return nil, faultf(path, IssueValue, "%s is not a FHIR id (1 to 64 of A-Z a-z 0-9 - .)", q(id))
	}
	return &Delete{Index: n.index, ExternalID: id}, nil
}

// slotStatus maps Slot.status.
func slotStatus(path, code string) (availabilityv1.Slot_Status, *fault) {
	path += ".status"
	if code == "" {
		return 0, faultf(path, IssueRequired, "missing")
	}
	st, ok := slotStatuses[code]
	if !ok {
		return 0, faultf(path, IssueCodeInvalid,
			"%s unknown: want free, busy, busy-unavailable, busy-tentative or entered-in-error", q(code))
	}
	return st, nil
}

// times sets the start and end of s.
func times(s *availabilityv1.Slot, path string, r *slotResource) *fault {
	start, f := instant(path+".start", r.Start)
	if f != nil {
		return f
	}
	end, f := instant(path+".end", r.End)
	if f != nil {
		return f
	}
	if !end.After(start) {
		return faultf(path+".end", IssueValue, "%s is not after start %s", q(r.End), q(r.Start))
	}
	s.StartTime, s.EndTime = timestamppb.New(start), timestamppb.New(end)
	return nil
}

// instantBody is a FHIR instant without its time zone.
var instantBody = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?$`)

// instant parses a FHIR instant: YYYY-MM-DDThh:mm:ss[.fffffffff] followed by
// Z or an offset ±hh:mm of at most 14 hours.
func instant(path, v string) (time.Time, *fault) {
	if v == "" {
		return time.Time{}, faultf(path, IssueRequired, "missing")
	}
	body, zone := splitZone(v)
	if zone == "" {
		return time.Time{}, faultf(path, IssueValue, "%s has no time zone: end it with Z or ±hh:mm", q(v))
	}
	if !instantBody.MatchString(body) {
		return time.Time{}, faultf(path, IssueValue, "%s is not a FHIR instant (YYYY-MM-DDThh:mm:ss±hh:mm)", q(v))
	}
	if zone != "Z" && !validOffset(zone) {
		return time.Time{}, faultf(path, IssueValue, "%s: time zone %s out of range -14:00 to +14:00", q(v), zone)
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil || t.Year() < 1 {
		return time.Time{}, faultf(path, IssueValue, "%s is not a valid date and time", q(v))
	}
	return t, nil
}

// splitZone splits v into the date and time and its zone, "Z" or "±hh:mm";
// the zone is "" when v has none.
func splitZone(v string) (body, zone string) {
	if strings.HasSuffix(v, "Z") {
		return v[:len(v)-1], "Z"
	}
	if n := len(v); n >= 6 && (v[n-6] == '+' || v[n-6] == '-') && v[n-3] == ':' {
		return v[:n-6], v[n-6:]
	}
	return v, ""
}

// validOffset reports whether zone "±hh:mm" is a real offset: at most 14:00.
func validOffset(zone string) bool {
	d := func(c byte) int { return int(c - '0') }
	for _, i := range []int{1, 2, 4, 5} {
		if zone[i] < '0' || zone[i] > '9' {
			return false
		}
	}
	h, m := d(zone[1])*10+d(zone[2]), d(zone[4])*10+d(zone[5])
	return m < 60 && (h < 14 || h == 14 && m == 0)
}

// visibility maps the TRE_R314 codes of Slot.meta.security; when there are
// several, the widest audience wins.
func visibility(path string, m *meta) (commonv1.Visibility, *fault) {
	var best commonv1.Visibility
	if m != nil {
		for j, c := range m.Security {
			if c.System != SystemSlotType {
				continue
			}
			v, ok := visibilities[c.Code]
			if !ok {
				return 0, faultf(fmt.Sprintf("%s.meta.security[%d].code", path, j), IssueCodeInvalid,
					"TRE_R314 slot type %s unknown: want PUBLIC, PRO, SNP or CPTS", q(c.Code))
			}
			if best == 0 || visibilityRank[v] < visibilityRank[best] {
				best = v
			}
		}
	}
	if best == 0 {
		return 0, faultf(path+".meta.security", IssueRequired,
			"no slot type: want a coding of %s (PUBLIC, PRO, SNP or CPTS)", SystemSlotType)
	}
	return best, nil
}

// consultationModes maps the v3-ActCode codings of Slot.serviceType; codings
// of other systems (motives, CPTS services) are ignored.
func consultationModes(path string, types []codeableConcept) ([]commonv1.ConsultationMode, *fault) {
	var out []commonv1.ConsultationMode
	for j, t := range types {
		for k, c := range t.Coding {
			if c.System != SystemActCode {
				continue
			}
			m, ok := modes[c.Code]
			if !ok {
				return nil, faultf(fmt.Sprintf("%s.serviceType[%d].coding[%d].code", path, j, k), IssueCodeInvalid,
					"consultation mode %s unknown: want AMB, VR or HH", q(c.Code))
			}
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	if len(out) == 0 {
		return nil, faultf(path+".serviceType", IssueRequired,
			"no consultation mode: want a coding of %s (AMB, VR or HH)", SystemActCode)
	}
	return out, nil
}

// specialty returns the first TRE_R38 code of Slot.specialty; the model keeps
// one, and free-text or other systems' specialties are not kept.
func specialty(r *slotResource) string {
	for _, s := range r.Specialty {
		for _, c := range s.Coding {
			if c.System == SystemSpecialty {
				return c.Code
			}
		}
	}
	return ""
}

// checkSpecialty checks the shape of every TRE_R38 code.
func checkSpecialty(path string, specs []codeableConcept) *fault {
	for j, s := range specs {
		for k, c := range s.Coding {
			if c.System == SystemSpecialty && !specialtyCode.MatchString(c.Code) {
				return faultf(fmt.Sprintf("%s.specialty[%d].coding[%d].code", path, j, k), IssueCodeInvalid,
					"%s is not a TRE_R38 code (such as SM54)", q(c.Code))
			}
		}
	}
	return nil
}

// appointmentType maps the v2-0276 coding of Slot.appointmentType.
func appointmentType(path string, t *codeableConcept) (commonv1.AppointmentType, *fault) {
	if t == nil {
		return 0, nil
	}
	for k, c := range t.Coding {
		if c.System != SystemAppointmentType {
			continue
		}
		a, ok := appointmentTypes[c.Code]
		if !ok {
			return 0, faultf(fmt.Sprintf("%s.appointmentType.coding[%d].code", path, k), IssueCodeInvalid,
				"appointment type %s unknown: want ROUTINE or WALKIN", q(c.Code))
		}
		return a, nil
	}
	return 0, nil
}

// bookingURL checks Slot.comment, the URL of the professional's agenda.
func bookingURL(path, comment string) (string, *fault) {
	if comment == "" {
		return "", nil
	}
	u, err := url.Parse(comment)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", faultf(path+".comment", IssueValue, "%s is not an http(s) URL (the booking URL)", q(comment))
	}
	return comment, nil
}
