package server

import (
	"bufio"
	_ "embed"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
)

//go:embed data/specialties.tsv
var specialtiesTSV string

// specialties are the TRE_R38 codes a slot may name.
var specialties = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(specialtiesTSV))
	for sc.Scan() {
		if code, _, ok := strings.Cut(sc.Text(), "\t"); ok && code != "code" {
			m[code] = true
		}
	}
	return m
}()

// Limits of a slot.
const (
	maxSlotLength   = 12 * time.Hour
	maxExternalID   = 128
	maxURL          = 2048
	maxBatch        = 1000
	maxReplaceRange = 31 * 24 * time.Hour
)

var (
	professionalName = regexp.MustCompile(`^professionals/(8[0-9]{11}|0[0-9A-Z]{9,10})$`)
	externalIDForm   = regexp.MustCompile(`^[A-Za-z0-9\-.:_/]+$`)
)

// Reasons a slot is refused by the checks.
const (
	reasonInvalid     = "INVALID_SLOT"
	reasonPast        = "SLOT_IN_THE_PAST"
	reasonBeyond      = "SLOT_BEYOND_HORIZON"
	reasonUnknownCode = "UNKNOWN_CODE"
)

// slotFault is what is wrong with a slot: a field and a reason.
type slotFault struct {
	field, reason, description string
}

func (f *slotFault) Error() string { return f.field + ": " + f.description }

func (f *slotFault) status(prefix string) error {
	return apierr.InvalidArgumentReason(f.reason, apierr.Violation{Field: prefix + f.field, Description: f.description})
}

// checkSlot checks a slot; vendor says whether it is pushed (external_id
// required) or hand-entered (professional required).
func checkSlot(s *availabilityv1.Slot, vendor bool, now time.Time, horizon time.Duration) *slotFault {
	bad := func(field, format string, args ...any) *slotFault {
		return &slotFault{field, reasonInvalid, fmt.Sprintf(format, args...)}
	}
	if s == nil {
		return bad("", "missing")
	}
	if vendor {
		switch id := s.GetExternalId(); {
		case id == "":
			return bad("external_id", "required: the vendor's id of the slot")
		case len(id) > maxExternalID:
			return bad("external_id", "%d characters, at most %d", len(id), maxExternalID)
		case !externalIDForm.MatchString(id):
			return bad("external_id", "%q: want letters, digits and - . : _ /", id)
		}
	}
	switch p := s.GetProfessional(); {
	case p == "" && (!vendor || s.GetPlace().GetOrganizationIdentifier() == ""):
		return bad("professional", `required: "professionals/{national_id}" (only a structure's slot may go without, with place.organization_identifier)`)
	case p != "" && !professionalName.MatchString(p):
		return bad("professional", `%q: want "professionals/" + "8" and the 11-digit RPPS, or "0" and the ADELI number`, p)
	}
	if s.GetStartTime() == nil {
		return bad("start_time", "required")
	}
	if s.GetEndTime() == nil {
		return bad("end_time", "required")
	}
	if err := s.GetStartTime().CheckValid(); err != nil {
		return bad("start_time", "not a valid time: %v", err)
	}
	if err := s.GetEndTime().CheckValid(); err != nil {
		return bad("end_time", "not a valid time: %v", err)
	}
	start, end := s.GetStartTime().AsTime(), s.GetEndTime().AsTime()
	switch {
	case !end.After(start):
		return bad("end_time", "%s is not after start_time %s", rfc(end), rfc(start))
	case end.Sub(start) > maxSlotLength:
		return bad("end_time", "the slot lasts %s, at most %s", end.Sub(start), maxSlotLength)
	case !end.After(now):
		return &slotFault{"end_time", reasonPast, fmt.Sprintf("%s is in the past", rfc(end))}
	case start.After(now.Add(horizon)):
		return &slotFault{"start_time", reasonBeyond, fmt.Sprintf("%s is beyond the horizon of %s (%s)", rfc(start),
			horizon, rfc(now.Add(horizon)))}
	}
	if _, ok := availabilityv1.Slot_Status_name[int32(s.GetStatus())]; !ok || s.GetStatus() == availabilityv1.Slot_STATUS_UNSPECIFIED {
		return bad("status", "want STATUS_FREE, STATUS_BOOKED or STATUS_CANCELLED")
	}
	if _, ok := commonv1.Visibility_name[int32(s.GetVisibility())]; !ok || s.GetVisibility() == commonv1.Visibility_VISIBILITY_UNSPECIFIED {
		return bad("visibility", "want VISIBILITY_PUBLIC, VISIBILITY_PRO, VISIBILITY_SNP or VISIBILITY_CPTS")
	}
	if f := checkModes(s.GetConsultationModes()); f != nil {
		return f
	}
	if sp := s.GetSpecialty(); sp != "" && !specialties[sp] {
		return &slotFault{"specialty", reasonUnknownCode, fmt.Sprintf("%q is not a TRE_R38 specialty code", sp)}
	}
	if _, ok := commonv1.AppointmentType_name[int32(s.GetAppointmentType())]; !ok {
		return bad("appointment_type", "unknown value %d", s.GetAppointmentType())
	}
	if u := s.GetBookingUrl(); u != "" {
		if f := checkURL(u); f != nil {
			return f
		}
	}
	return checkPlace(s.GetPlace())
}

func checkModes(modes []commonv1.ConsultationMode) *slotFault {
	if len(modes) == 0 {
		return &slotFault{"consultation_modes", reasonInvalid, "at least one: CONSULTATION_MODE_PRACTICE, _VIDEO or _HOME"}
	}
	for i, m := range modes {
		if _, ok := commonv1.ConsultationMode_name[int32(m)]; !ok || m == commonv1.ConsultationMode_CONSULTATION_MODE_UNSPECIFIED {
			return &slotFault{fmt.Sprintf("consultation_modes[%d]", i), reasonInvalid, "want CONSULTATION_MODE_PRACTICE, _VIDEO or _HOME"}
		}
	}
	return nil
}

func checkURL(u string) *slotFault {
	p, err := url.Parse(u)
	switch {
	case len(u) > maxURL:
		return &slotFault{"booking_url", reasonInvalid, fmt.Sprintf("%d characters, at most %d", len(u), maxURL)}
	case err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "":
		// http too: the guide's own examples send http agenda URLs.
		return &slotFault{"booking_url", reasonInvalid, "want an http(s) URL"}
	}
	return nil
}

var (
	postalCodeForm = regexp.MustCompile(`^[0-9]{5}$`)
	orgIDForm      = regexp.MustCompile(`^[0134][0-9A-Za-z]{1,20}$`)
)

func checkPlace(p *availabilityv1.PracticePlace) *slotFault {
	if id := p.GetOrganizationIdentifier(); id != "" && !orgIDForm.MatchString(id) {
		return &slotFault{"place.organization_identifier", reasonInvalid,
			fmt.Sprintf(`%q: want "1"+FINESS, "3"+SIRET or "0"/"4"+rank`, id)}
	}
	if pc := p.GetAddress().GetPostalCode(); pc != "" && !postalCodeForm.MatchString(pc) {
		return &slotFault{"place.address.postal_code", reasonInvalid, fmt.Sprintf("%q: want 5 digits", pc)}
	}
	if c := p.GetAddress().GetCity(); len(c) > 200 {
		return &slotFault{"place.address.city", reasonInvalid, "at most 200 characters"}
	}
	return nil
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }
