package fhir

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
)

// AppointmentOptions shapes EncodeAppointment's resource.
type AppointmentOptions struct {
	// System is the system of the vendor's identifier (AppointmentEntry.System);
	// the identifier is written without one when "".
	System string
	// Slot is the vendor's Slot.id (AppointmentEntry.Slot), written as
	// Appointment.slot when the appointment has a slot.
	Slot string
}

// EncodeAppointment writes a stored appointment back as its vendor reported
// it: id (when a FHIR id) and identifier are the vendor's id, basedOn names
// the orientation, the one participant the professional, meta.lastUpdated
// is its update time. DecodeAppointment reads it back.
func EncodeAppointment(w io.Writer, a *availabilityv1.Appointment, opts AppointmentOptions) error {
	if err := checkAppointment(a, opts); err != nil {
		return fmt.Errorf("encode appointment %s: %w", quoteCut(a.GetExternalId()), err)
	}
	pro := idnps(strings.TrimPrefix(a.GetProfessional(), "professionals/"))
	r := &appointmentResource{head: head{ResourceType: "Appointment"},
		Identifier:  []identifier{{System: opts.System, Value: a.GetExternalId()}},
		BasedOn:     []reference{{Identifier: &identifier{System: SystemOrientation, Value: a.GetOrientation()}}},
		Status:      appointmentCodes[a.GetStatus()],
		Start:       utc(a.GetStartTime().AsTime()),
		Participant: []participant{{Actor: &reference{Identifier: &pro}, Status: "accepted"}},
	}
	if fhirID.MatchString(a.GetExternalId()) {
		r.ID = a.GetExternalId()
	}
	if a.GetEndTime() != nil {
		r.End = utc(a.GetEndTime().AsTime())
	}
	if a.GetUpdateTime() != nil {
		r.Meta = &meta{LastUpdated: utc(a.GetUpdateTime().AsTime())}
	}
	if a.GetSlot() != "" && opts.Slot != "" {
		r.Slot = []reference{{Reference: "Slot/" + opts.Slot}}
	}
	return encode(w, r)
}

// checkAppointment says why a cannot be written as DecodeAppointment would
// read it back.
func checkAppointment(a *availabilityv1.Appointment, opts AppointmentOptions) error {
	id, _ := strings.CutPrefix(a.GetOrientation(), "orientations/")
	switch {
	case !appointmentKey.MatchString(a.GetExternalId()):
		return errors.New("external_id is not an appointment id")
	case !strings.HasPrefix(a.GetOrientation(), "orientations/") || !orientationID.MatchString(id):
		return fmt.Errorf("orientation %s is not \"orientations/{id}\"", q(a.GetOrientation()))
	case a.GetProfessional() == "":
		return errors.New("no professional")
	case appointmentCodes[a.GetStatus()] == "":
		return fmt.Errorf("status %v has no FHIR code", a.GetStatus())
	case !a.GetStartTime().IsValid() || a.GetEndTime() != nil && !a.GetEndTime().IsValid():
		return errors.New("start_time missing or invalid, or end_time invalid")
	case opts.Slot != "" && !fhirID.MatchString(opts.Slot):
		return fmt.Errorf("slot %s is not a FHIR id", q(opts.Slot))
	}
	return checkProfessional(a.GetProfessional())
}

// utc writes t as a FHIR instant in UTC.
func utc(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}
