package fhir

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The links of an Appointment: its orientation, its professional, its slot.

// orientation returns the orientation the Appointment follows, from basedOn
// or identifier, and the FHIRPath naming it.
func orientation(path string, r *appointmentResource) (name, at string, f *fault) {
	take := func(p, v string) *fault {
		id := strings.TrimPrefix(v, "orientations/")
		switch {
		case !orientationID.MatchString(id):
			return faultf(p, IssueValue, `%s is neither "orientations/{id}" nor an orientation's id`, q(v))
		case name == "":
			name, at = "orientations/"+id, p
		case name != "orientations/"+id:
			return faultf(p, IssueValue, "a second orientation %s: the Appointment follows one, %s (%s)", q(v), name, at)
		}
		return nil
	}
	for j, b := range r.BasedOn {
		if b.Identifier != nil && b.Identifier.System == SystemOrientation {
			if f := take(fmt.Sprintf("%s.basedOn[%d].identifier.value", path, j), b.Identifier.Value); f != nil {
				return "", "", f
			}
		}
	}
	for k, id := range r.Identifier {
		if id.System == SystemOrientation {
			if f := take(fmt.Sprintf("%s.identifier[%d].value", path, k), id.Value); f != nil {
				return "", "", f
			}
		}
	}
	if name == "" {
		return "", "", faultf(path+".basedOn", IssueRequired,
			`no SAS orientation: want basedOn {"identifier": {"system": %q, "value": "orientations/{id}"}}`, SystemOrientation)
	}
	return name, at, nil
}

// professionalOf returns the professional among the Appointment's
// participants: one Practitioner with a national identifier.
func (d *decoder) professionalOf(n *node) (string, *fault) {
	var pro, at string
	for j, p := range n.appt.Participant {
		path := fmt.Sprintf("%s.participant[%d].actor", n.path(), j)
		v, f := d.actorProfessional(n, path, p.Actor)
		switch {
		case f != nil:
			return "", f
		case v == "" || v == pro:
		case pro != "":
			return "", faultf(path, IssueValue, "a second professional %s: the Appointment has one, %s (%s)", v, pro, at)
		default:
			pro, at = v, path
		}
	}
	if pro == "" {
		return "", faultf(n.path()+".participant", IssueRequired,
			`no professional: want a participant whose actor has an identifier of system %s ("8"+RPPS or "0"+ADELI)`, SystemProfessional)
	}
	return pro, nil
}

// actorProfessional returns the professional an actor names, by its national
// identifier or by reference to a Practitioner contained or in the Bundle;
// "" for other actors (the patient, a location).
func (d *decoder) actorProfessional(n *node, path string, a *reference) (string, *fault) {
	switch {
	case a == nil:
		return "", nil
	case a.Identifier != nil && a.Identifier.System == SystemProfessional:
		return nationalID(path+".identifier.value", a.Identifier.Value)
	case a.Reference == "":
		return "", nil
	case a.Reference[0] == '#':
		return containedPractitioner(n, path, a.Reference[1:])
	}
	t, ok := d.resolve(n.index, a.Reference)
	typ := refType(a.Reference)
	if ok {
		typ = t.typ
	}
	switch {
	case typ != "Practitioner":
		return "", nil
	case !ok:
		return "", faultf(path, IssueNotFound, "%s is not in the Bundle: give the actor's identifier (system %s) or contain the Practitioner",
			q(a.Reference), SystemProfessional)
	case t.err != nil:
		return "", unreadableFor(t, "appointment")
	}
	return professional(t.path()+".identifier", t.ident.Identifier)
}

// containedPractitioner returns the professional of the contained resource
// id of n, "" when it is not a Practitioner.
func containedPractitioner(n *node, path, id string) (string, *fault) {
	for k, raw := range n.appt.Contained {
		cpath := fmt.Sprintf("%s.contained[%d]", n.path(), k)
		var p identified
		if err := json.Unmarshal(raw, &p); err != nil {
			return "", jsonFault(err, cpath)
		}
		switch {
		case p.ID != id:
			continue
		case p.ResourceType != "Practitioner":
			return "", nil
		}
		return professional(cpath+".identifier", p.Identifier)
	}
	return "", faultf(path, IssueNotFound, "no contained resource with id %s", q(id))
}

// nationalID returns "professionals/{v}" when v is a national identifier.
func nationalID(path, v string) (string, *fault) {
	if reason := nationalIDReason(v); reason != "" {
		return "", faultf(path, IssueValue, "%s", reason)
	}
	return "professionals/" + v, nil
}

// slotOf returns the vendor's id of the first Slot the Appointment took, ""
// when it names none.
func (d *decoder) slotOf(n *node) (string, *fault) {
	if len(n.appt.Slot) == 0 {
		return "", nil
	}
	ref := n.appt.Slot[0].Reference
	if t, ok := d.resolve(n.index, ref); ok && t.typ == "Slot" && fhirID.MatchString(t.id) {
		return t.id, nil
	}
	id, ok := strings.CutPrefix(typeID(stripHistory(ref)), "Slot/")
	if !ok || !fhirID.MatchString(id) {
		return "", faultf(n.path()+".slot[0]", IssueValue, "%s is not a reference Slot/{id} to one of the vendor's slots", q(ref))
	}
	return id, nil
}
