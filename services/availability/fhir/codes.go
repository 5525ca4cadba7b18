package fhir

import (
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// Identifier systems and code systems of the SAS guide.
const (
	// SystemProfessional is the system of national professional identifiers
	// (IDNPS): "8" + RPPS or "0" + ADELI.
	SystemProfessional = "urn:oid:1.2.250.1.71.4.2.1"
	// SystemStructure is the system of national structure identifiers (IDNST):
	// "1" + FINESS, "3" + SIRET, "0"/"4" + rank.
	SystemStructure = "urn:oid:1.2.250.1.71.4.2.2"
	// SystemSlotType is TRE_R314-TypeCreneau, carried in Slot.meta.security.
	SystemSlotType = "https://mos.esante.gouv.fr/NOS/TRE_R314-TypeCreneau/FHIR/TRE-R314-TypeCreneau"
	// SystemActCode is HL7 v3 ActCode, carried in Slot.serviceType (AMB, VR, HH).
	SystemActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	// SystemSpecialty is TRE_R38-SpecialiteOrdinale, carried in Slot.specialty.
	SystemSpecialty = "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale"
	// SystemAppointmentType is HL7 v2 table 0276, carried in Slot.appointmentType.
	SystemAppointmentType = "http://terminology.hl7.org/CodeSystem/v2-0276"
	// SystemIdentifierType is the French v2-0203 identifier types (IDNPS, IDNST).
	SystemIdentifierType = "http://interopsante.org/fhir/CodeSystem/fr-v2-0203"
	// SystemOrientation names a SAS orientation in an Appointment: the system
	// of the identifier of its basedOn, whose value is "orientations/{id}"
	// or "{id}". The guide defines no link to the orientation: this one is
	// SAS's own (see AppointmentEntry).
	SystemOrientation = "urn:sas:orientation"
)

// Profiles written by EncodeSearchset, as in the guide's examples.
const (
	profileBundle   = "http://sas.fr/fhir/StructureDefinition/BundleAgregateur"
	profileSlot     = "http://sas.fr/fhir/StructureDefinition/FrSlotAgregateur"
	profileSchedule = "http://sas.fr/fhir/StructureDefinition/FrScheduleAgregateur"
	profilePract    = "http://sas.fr/fhir/StructureDefinition/FrPractitionerAgregateur"
	profileRole     = "http://sas.fr/fhir/StructureDefinition/FrPractitionerRoleExerciceAgregateur"
	profileLocation = "http://sas.fr/fhir/StructureDefinition/FrLocationAgregateur"
)

// slotStatuses maps FHIR Slot.status (R4 value set slotstatus) to the model.
// A busy-tentative slot is not offered, so it counts as booked; a slot entered
// in error or made unavailable by the professional counts as cancelled.
var slotStatuses = map[string]availabilityv1.Slot_Status{
	"free":             availabilityv1.Slot_STATUS_FREE,
	"busy":             availabilityv1.Slot_STATUS_BOOKED,
	"busy-tentative":   availabilityv1.Slot_STATUS_BOOKED,
	"busy-unavailable": availabilityv1.Slot_STATUS_CANCELLED,
	"entered-in-error": availabilityv1.Slot_STATUS_CANCELLED,
}

// statusCodes is the FHIR status EncodeSearchset writes for each model status.
var statusCodes = map[availabilityv1.Slot_Status]string{
	availabilityv1.Slot_STATUS_FREE:      "free",
	availabilityv1.Slot_STATUS_BOOKED:    "busy",
	availabilityv1.Slot_STATUS_CANCELLED: "busy-unavailable",
}

// appointmentStatuses maps FHIR Appointment.status (R4 value set
// appointmentstatus) to the model. A patient arrived or checked in counts as
// fulfilled; an appointment entered in error counts as cancelled. proposed,
// pending and waitlist are not bookings and are refused.
var appointmentStatuses = map[string]availabilityv1.Appointment_Status{
	"booked":           availabilityv1.Appointment_STATUS_BOOKED,
	"arrived":          availabilityv1.Appointment_STATUS_FULFILLED,
	"checked-in":       availabilityv1.Appointment_STATUS_FULFILLED,
	"fulfilled":        availabilityv1.Appointment_STATUS_FULFILLED,
	"noshow":           availabilityv1.Appointment_STATUS_NOSHOW,
	"cancelled":        availabilityv1.Appointment_STATUS_CANCELLED,
	"entered-in-error": availabilityv1.Appointment_STATUS_CANCELLED,
}

// appointmentCodes is the FHIR status EncodeAppointment writes for each
// model status.
var appointmentCodes = map[availabilityv1.Appointment_Status]string{
	availabilityv1.Appointment_STATUS_BOOKED:    "booked",
	availabilityv1.Appointment_STATUS_FULFILLED: "fulfilled",
	availabilityv1.Appointment_STATUS_NOSHOW:    "noshow",
	availabilityv1.Appointment_STATUS_CANCELLED: "cancelled",
}

// visibilities maps TRE_R314 codes to the model.
var visibilities = map[string]commonv1.Visibility{
	"PUBLIC": commonv1.Visibility_VISIBILITY_PUBLIC,
	"PRO":    commonv1.Visibility_VISIBILITY_PRO,
	"SNP":    commonv1.Visibility_VISIBILITY_SNP,
	"CPTS":   commonv1.Visibility_VISIBILITY_CPTS,
}

// visibilityRank orders visibilities from the widest audience to the
// narrowest: a slot may carry several TRE_R314 codes, the model keeps one,
// the widest.
var visibilityRank = map[commonv1.Visibility]int{
	commonv1.Visibility_VISIBILITY_PUBLIC: 1,
	commonv1.Visibility_VISIBILITY_PRO:    2,
	commonv1.Visibility_VISIBILITY_SNP:    3,
	commonv1.Visibility_VISIBILITY_CPTS:   4,
}

// modes maps v3-ActCode encounter codes to consultation modes.
var modes = map[string]commonv1.ConsultationMode{
	"AMB": commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE,
	"VR":  commonv1.ConsultationMode_CONSULTATION_MODE_VIDEO,
	"HH":  commonv1.ConsultationMode_CONSULTATION_MODE_HOME,
}

// appointmentTypes maps v2-0276 codes to appointment types.
var appointmentTypes = map[string]commonv1.AppointmentType{
	"ROUTINE": commonv1.AppointmentType_APPOINTMENT_TYPE_ROUTINE,
	"WALKIN":  commonv1.AppointmentType_APPOINTMENT_TYPE_WALKIN,
}

// codeOf returns the code of m that maps to v, or "".
func codeOf[V comparable](m map[string]V, v V) string {
	for c, w := range m {
		if w == v {
			return c
		}
	}
	return ""
}
