package fhir

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// EncodeOptions shapes EncodeSearchset's Bundle.
type EncodeOptions struct {
	// Base is the FHIR base URL fullUrls are built on ("https://vendor/fhir");
	// entries have no fullUrl when empty.
	Base string
	// Location is the time zone start and end are written in; UTC when nil.
	Location *time.Location
}

// EncodeSearchset writes slots as a vendor answers the SAS pull query: a
// searchset Bundle of Slot (match), then on first use its Schedule, one per
// professional and place, the Practitioner and the PractitionerRole with a
// contained Location (include). A structure's slot (no professional) gets a
// Schedule whose actor is a Location managed by an Organization, as SOS
// Médecins send. Decode gives the slots back: the fields it fills survive the
// round trip, the others (name, vendor, site, INSEE and country codes, times
// of change, etag) are not written.
func EncodeSearchset(w io.Writer, slots []*availabilityv1.Slot, opts EncodeOptions) error {
	e := &encoder{opts: opts, schedules: map[string]string{}, practitioners: map[string]bool{}}
	for i, s := range slots {
		if err := e.add(s); err != nil {
			return fmt.Errorf("encode searchset: slot %d (%s): %w", i, quoteCut(s.GetExternalId()), err)
		}
	}
	total := len(slots)
	return encode(w, outBundle{ResourceType: "Bundle", Meta: &meta{Profile: []string{profileBundle}},
		Type: TypeSearchset, Total: &total, Entry: e.entries})
}

type outBundle struct {
	ResourceType string     `json:"resourceType"`
	Meta         *meta      `json:"meta,omitempty"`
	Type         string     `json:"type"`
	Total        *int       `json:"total,omitempty"`
	Entry        []outEntry `json:"entry"`
}

type outEntry struct {
	FullURL  string       `json:"fullUrl,omitempty"`
	Resource any          `json:"resource"`
	Search   *entrySearch `json:"search,omitempty"`
}

// encoder accumulates the entries of a searchset.
type encoder struct {
	opts          EncodeOptions
	entries       []outEntry
	schedules     map[string]string // practice key → Schedule id
	practitioners map[string]bool   // national ids written
}

// add appends the slot s, and the resources it needs that are not there yet.
func (e *encoder) add(s *availabilityv1.Slot) error {
	r, err := e.slot(s)
	if err != nil {
		return err
	}
	key := practiceKey(s)
	sched, ok := e.schedules[key]
	if !ok {
		sched = "schedule-" + strconv.Itoa(len(e.schedules)+1)
		e.schedules[key] = sched
	}
	r.Schedule = &reference{Reference: "Schedule/" + sched}
	e.append(r, "match")
	if !ok {
		e.practice(sched, s)
	}
	return nil
}

// slot converts s, without its schedule.
func (e *encoder) slot(s *availabilityv1.Slot) (*slotResource, error) {
	if err := checkEncodable(s); err != nil {
		return nil, err
	}
	r := &slotResource{head: head{ResourceType: "Slot", ID: s.GetExternalId(), Meta: &meta{
		Profile:  []string{profileSlot},
		Security: []coding{{System: SystemSlotType, Code: codeOf(visibilities, s.GetVisibility())}},
	}}}
	for _, m := range s.GetConsultationModes() {
		r.ServiceType = append(r.ServiceType, codeableConcept{Coding: []coding{{System: SystemActCode, Code: codeOf(modes, m)}}})
	}
	if s.GetSpecialty() != "" {
		r.Specialty = []codeableConcept{{Coding: []coding{{System: SystemSpecialty, Code: s.GetSpecialty()}}}}
	}
	if a := codeOf(appointmentTypes, s.GetAppointmentType()); a != "" {
		r.AppointmentType = &codeableConcept{Coding: []coding{{System: SystemAppointmentType, Code: a}}}
	}
	r.Status = statusCodes[s.GetStatus()]
	r.Start, r.End = e.time(s.GetStartTime().AsTime()), e.time(s.GetEndTime().AsTime())
	r.Comment = s.GetBookingUrl()
	return r, nil
}

// checkEncodable says why s cannot be written as Decode would read it back.
func checkEncodable(s *availabilityv1.Slot) error {
	switch {
	case !fhirID.MatchString(s.GetExternalId()):
		return fmt.Errorf("external_id %s is not a FHIR id", q(s.GetExternalId()))
	case !s.GetStartTime().IsValid() || !s.GetEndTime().IsValid():
		return fmt.Errorf("start_time or end_time missing or invalid")
	case statusCodes[s.GetStatus()] == "":
		return fmt.Errorf("status %v has no FHIR code", s.GetStatus())
	case codeOf(visibilities, s.GetVisibility()) == "":
		return fmt.Errorf("visibility %v has no TRE_R314 code", s.GetVisibility())
	case len(s.GetConsultationModes()) == 0:
		return fmt.Errorf("no consultation mode")
	case s.GetPlace().GetOrganizationIdentifier() == "" && s.GetPlace().GetAddress() == nil:
		return fmt.Errorf("place has neither organization identifier nor address")
	}
	for _, m := range s.GetConsultationModes() {
		if codeOf(modes, m) == "" {
			return fmt.Errorf("consultation mode %v has no FHIR code", m)
		}
	}
	if sp := s.GetSpecialty(); sp != "" && !specialtyCode.MatchString(sp) {
		return fmt.Errorf("specialty %s is not a TRE_R38 code", q(sp))
	}
	if _, f := bookingURL("Slot", s.GetBookingUrl()); f != nil {
		return fmt.Errorf("booking_url: %s", f.reason)
	}
	return checkProfessional(s.GetProfessional())
}

// checkProfessional says why p is neither "" (a structure) nor
// "professionals/{national_id}".
func checkProfessional(p string) error {
	if p == "" {
		return nil
	}
	id, ok := strings.CutPrefix(p, "professionals/")
	if !ok {
		return fmt.Errorf("professional %s is not \"professionals/{national_id}\"", q(p))
	}
	if reason := nationalIDReason(id); reason != "" {
		return fmt.Errorf("professional: %s", reason)
	}
	return nil
}

// practiceKey identifies the Schedule of s: its professional and its place.
func practiceKey(s *availabilityv1.Slot) string {
	p := s.GetPlace()
	a := p.GetAddress()
	return strings.Join([]string{s.GetProfessional(), p.GetOrganizationIdentifier(),
		strings.Join(a.GetLines(), "\n"), a.GetPostalCode(), a.GetCity()}, "\x00")
}

// practice appends the Schedule sched of s and its actors.
func (e *encoder) practice(sched string, s *availabilityv1.Slot) {
	n := strings.TrimPrefix(sched, "schedule-")
	id, ok := strings.CutPrefix(s.GetProfessional(), "professionals/")
	if !ok {
		e.structure(sched, n, s.GetPlace())
		return
	}
	role := "role-" + n
	e.append(&scheduleResource{head: head{ResourceType: "Schedule", ID: sched, Meta: &meta{Profile: []string{profileSchedule}}},
		Actor: []reference{{Reference: "Practitioner/" + id}, {Reference: "PractitionerRole/" + role}}}, "include")
	if !e.practitioners[id] {
		e.practitioners[id] = true
		e.append(&identified{head: head{ResourceType: "Practitioner", ID: id, Meta: &meta{Profile: []string{profilePract}}},
			Identifier: []identifier{idnps(id)}}, "include")
	}
	r := &roleOut{head: head{ResourceType: "PractitionerRole", ID: role, Meta: &meta{Profile: []string{profileRole}}},
		Practitioner: &reference{Reference: "Practitioner/" + id}}
	if org := s.GetPlace().GetOrganizationIdentifier(); org != "" {
		r.Organization = &reference{Identifier: idnst(org)}
	}
	if a := s.GetPlace().GetAddress(); a != nil {
		r.Contained = []*locationResource{{head: head{ResourceType: "Location", ID: "location",
			Meta: &meta{Profile: []string{profileLocation}}}, Address: fromAddress(a)}}
		r.Location = []reference{{Reference: "#location"}}
	}
	e.append(r, "include")
}

// roleOut is a PractitionerRole as written.
type roleOut struct {
	head
	Contained    []*locationResource `json:"contained,omitempty"`
	Practitioner *reference          `json:"practitioner,omitempty"`
	Organization *reference          `json:"organization,omitempty"`
	Location     []reference         `json:"location,omitempty"`
}

// structure appends the Schedule of a structure's slots, with its Location
// and Organization.
func (e *encoder) structure(sched, n string, p *availabilityv1.PracticePlace) {
	loc := &locationResource{head: head{ResourceType: "Location", ID: "location-" + n}, Address: fromAddress(p.GetAddress())}
	e.append(&scheduleResource{head: head{ResourceType: "Schedule", ID: sched},
		Actor: []reference{{Reference: "Location/" + loc.ID}}}, "include")
	var org *identified
	if id := p.GetOrganizationIdentifier(); id != "" {
		org = &identified{head: head{ResourceType: "Organization", ID: "organization-" + n}, Identifier: []identifier{*idnst(id)}}
		loc.ManagingOrganization = &reference{Reference: "Organization/" + org.ID}
	}
	e.append(loc, "include")
	if org != nil {
		e.append(org, "include")
	}
}

// append adds a resource entry with its fullUrl and search mode.
func (e *encoder) append(r interface{ resourceName() string }, mode string) {
	var full string
	if e.opts.Base != "" {
		full = strings.TrimRight(e.opts.Base, "/") + "/" + r.resourceName()
	}
	e.entries = append(e.entries, outEntry{FullURL: full, Resource: r, Search: &entrySearch{Mode: mode}})
}

// resourceName is "Type/id".
func (h *head) resourceName() string { return h.ResourceType + "/" + h.ID }

// time writes t as a FHIR instant in the encoder's time zone.
func (e *encoder) time(t time.Time) string {
	loc := e.opts.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(time.RFC3339Nano)
}

// idnps is the national identifier of a professional.
func idnps(id string) identifier {
	return identifier{Type: &codeableConcept{Coding: []coding{{System: SystemIdentifierType, Code: "IDNPS"}}},
		System: SystemProfessional, Value: id}
}

// idnst is the national identifier of a structure.
func idnst(id string) *identifier {
	return &identifier{Type: &codeableConcept{Coding: []coding{{System: SystemIdentifierType, Code: "IDNST"}}},
		System: SystemStructure, Value: id}
}

// fromAddress converts an address of the model; nil stays nil.
func fromAddress(a *commonv1.Address) *address {
	if a == nil {
		return nil
	}
	return &address{Line: a.GetLines(), City: a.GetCity(), PostalCode: a.GetPostalCode()}
}
