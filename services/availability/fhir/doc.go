// Package fhir converts between the FHIR R4 JSON that SAS booking vendors speak
// (the ANS implementation guide ansforge/IG-fhir-service-acces-aux-soins,
// profiles FrSlotAgregateur, FrScheduleAgregateur, FrPractitionerAgregateur,
// FrPractitionerRoleExerciceAgregateur, FrLocationAgregateur and their CPTS and
// SOS Médecins variants) and the availability model.
//
// Decode reads a searchset, transaction or batch Bundle and resolves each
// Slot through its Schedule to the Practitioner (the professional) and the
// PractitionerRole with its contained Location (the practice place). A bad
// entry is reported with its index and the FHIRPath of the element at fault;
// the good ones still come out. EncodeResponse and OperationOutcome answer a
// pushed Bundle; SearchQuery builds the pull request sent to a vendor;
// EncodeSearchset writes slots back as a vendor would answer.
//
// Vendors report the bookings made after a SAS orientation as Appointments
// (profile FrAppointmentSAS), in a transaction or batch Bundle or one at a
// time: DecodeAppointment reads one, EncodeAppointment writes it back as
// stored. AppointmentEntry says how an Appointment names the orientation,
// which the guide leaves out.
//
// The package does no I/O beyond the reader and writer it is given, and checks
// only what the documents say: whether a professional exists, has opted out,
// or whether a slot lies within the horizon is the service's business.
package fhir
