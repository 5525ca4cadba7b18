package fhir

import (
	"encoding/json"
	"fmt"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// practice is whose slots a Schedule holds, and where.
type practice struct {
	professional string // "professionals/{national_id}", "" for a structure
	place        *availabilityv1.PracticePlace
}

// actors are the resources a Schedule's actors resolve to.
type actors struct {
	practitioner *node
	role         *node
	location     *node
	logical      *identifier // a Practitioner given by identifier only
}

// scheduleOf resolves the Schedule of the Slot n; Schedules shared by many
// slots are resolved once.
func (d *decoder) scheduleOf(n *node) (practice, *fault) {
	path := n.path() + ".schedule"
	ref := n.slot.Schedule
	if ref == nil || ref.Reference == "" {
		return practice{}, faultf(path, IssueRequired, "missing schedule: the Slot has no Schedule reference")
	}
	m, ok := d.resolve(n.index, ref.Reference)
	if !ok {
		return practice{}, faultf(path, IssueNotFound,
			"Schedule %s is not in the Bundle (include it with _include=Slot:schedule)", q(ref.Reference))
	}
	if m.err != nil {
		return practice{}, unreadable(m)
	}
	if m.typ != "Schedule" {
		return practice{}, faultf(path, IssueValue, "%s is a %s, want a Schedule", q(ref.Reference), m.typ)
	}
	if memo, ok := d.practices[m.index]; ok {
		return memo.p, memo.f
	}
	p, f := d.practiceOf(m)
	d.practices[m.index] = practiceMemo{p: p, f: f}
	return p, f
}

// unreadable is the fault of a slot whose supporting entry m is unreadable.
func unreadable(m *node) *fault { return unreadableFor(m, "slot") }

// unreadableFor is the fault of a resource (what) whose supporting entry m
// is unreadable.
func unreadableFor(m *node, what string) *fault {
	return faultf(m.err.path, m.err.code, "entry[%d], which the %s depends on, is unreadable: %s", m.index, what, m.err.reason)
}

// practiceOf resolves the Schedule m to a professional and a practice place.
func (d *decoder) practiceOf(m *node) (practice, *fault) {
	a, f := d.actorsOf(m)
	if f != nil {
		return practice{}, f
	}
	var p practice
	if a.practitioner != nil {
		p.professional, f = professional(a.practitioner.path()+".identifier", a.practitioner.ident.Identifier)
	} else if a.logical != nil {
		p.professional, f = professional(m.path()+".actor.identifier", []identifier{*a.logical})
	}
	if f != nil {
		return practice{}, f
	}
	switch {
	case a.role != nil:
		p.place, f = d.placeOfRole(a.role)
	case a.location != nil:
		p.place, f = d.placeOfLocation(a.location)
	case p.professional != "":
		f = faultf(m.path()+".actor", IssueRequired, "no PractitionerRole actor: the practice place is unknown")
	default:
		f = faultf(m.path()+".actor", IssueRequired,
			"no Practitioner (professional) nor Location (structure) actor: whose slots these are is unknown")
	}
	if f == nil && p.professional == "" && a.role != nil {
		f = faultf(m.path()+".actor", IssueRequired, "no Practitioner actor: the PractitionerRole's professional is unknown")
	}
	return p, f
}

// actorsOf resolves the actors of the Schedule m that matter: one
// Practitioner, one PractitionerRole, one Location. Others are ignored.
func (d *decoder) actorsOf(m *node) (actors, *fault) {
	var a actors
	for j, ref := range m.sched.Actor {
		path := fmt.Sprintf("%s.actor[%d]", m.path(), j)
		if ref.Reference == "" {
			if ref.Identifier != nil && ref.Identifier.System == SystemProfessional && a.logical == nil {
				a.logical = ref.Identifier
			}
			continue
		}
		t, ok := d.resolve(m.index, ref.Reference)
		typ := refType(ref.Reference)
		if ok {
			typ = t.typ
		}
		slot := map[string]**node{"Practitioner": &a.practitioner, "PractitionerRole": &a.role, "Location": &a.location}[typ]
		switch {
		case slot == nil:
			continue
		case !ok:
			return a, faultf(path, IssueNotFound,
				"%s is not in the Bundle (include it with _include:iterate=Schedule:actor)", q(ref.Reference))
		case t.err != nil:
			return a, unreadable(t)
		case *slot != nil && *slot != t:
			return a, faultf(path, IssueValue, "a second %s actor: a Schedule has one", typ)
		}
		*slot = t
	}
	if a.role != nil {
		return a, d.matchRole(&a)
	}
	return a, nil
}

// matchRole checks that the PractitionerRole belongs to the Schedule's
// Practitioner, or takes the Practitioner from it when the Schedule has none.
func (d *decoder) matchRole(a *actors) *fault {
	ref := a.role.role.Practitioner
	if ref == nil || ref.Reference == "" {
		return nil
	}
	path := a.role.path() + ".practitioner"
	p, ok := d.resolve(a.role.index, ref.Reference)
	switch {
	case !ok && a.practitioner == nil:
		return faultf(path, IssueNotFound, "%s is not in the Bundle", q(ref.Reference))
	case !ok:
		return nil
	case p.err != nil:
		return unreadable(p)
	case p.typ != "Practitioner":
		return faultf(path, IssueValue, "%s is a %s, want a Practitioner", q(ref.Reference), p.typ)
	case a.practitioner == nil:
		a.practitioner = p
	case a.practitioner != p:
		return faultf(path, IssueValue, "%s is not the Schedule's Practitioner %s", q(ref.Reference), a.practitioner.name())
	}
	return nil
}

// professional returns "professionals/{national_id}" from the IDNPS
// identifier among ids.
func professional(path string, ids []identifier) (string, *fault) {
	for k, id := range ids {
		if id.System != SystemProfessional {
			continue
		}
		if reason := nationalIDReason(id.Value); reason != "" {
			return "", faultf(fmt.Sprintf("%s[%d].value", path, k), IssueValue, "%s", reason)
		}
		return "professionals/" + id.Value, nil
	}
	return "", faultf(path, IssueRequired, "no identifier of system %s (\"8\"+RPPS or \"0\"+ADELI)", SystemProfessional)
}

// nationalIDReason says why v is not "8" + 11-digit RPPS or "0" + 9-character
// ADELI, or "" when it is.
func nationalIDReason(v string) string {
	switch {
	case v == "":
		return "empty national identifier"
	case len(v) == 11 && digits(v):
		return fmt.Sprintf("%s lacks the \"8\" prefix of an RPPS national identifier", q(v))
	case v[0] == '8' && (len(v) != 12 || !digits(v[1:])):
		return fmt.Sprintf("%s is not \"8\" + 11-digit RPPS", q(v))
	case v[0] == '0' && (len(v) != 10 || !upperAlnum(v[1:])):
		return fmt.Sprintf("%s is not \"0\" + 9-character ADELI", q(v))
	case v[0] != '8' && v[0] != '0':
		return fmt.Sprintf("%s is neither \"8\"+RPPS nor \"0\"+ADELI", q(v))
	}
	return ""
}

// placeOfRole returns the practice place of a PractitionerRole: its
// organization's identifier and its Location's address.
func (d *decoder) placeOfRole(r *node) (*availabilityv1.PracticePlace, *fault) {
	org, f := d.organization(r, r.role.Organization, r.path()+".organization")
	if f != nil {
		return nil, f
	}
	var addr *commonv1.Address
	if len(r.role.Location) > 0 {
		addr, f = d.roleLocation(r)
		if f != nil {
			return nil, f
		}
	}
	if org == "" && addr == nil {
		return nil, faultf(r.path(), IssueRequired,
			"the PractitionerRole has neither an organization identifier nor a Location address")
	}
	return &availabilityv1.PracticePlace{OrganizationIdentifier: org, Address: addr}, nil
}

// roleLocation returns the address of the first Location of a
// PractitionerRole, contained ("#id") or in the Bundle.
func (d *decoder) roleLocation(r *node) (*commonv1.Address, *fault) {
	path := r.path() + ".location[0]"
	ref := r.role.Location[0].Reference
	if ref == "" {
		return nil, faultf(path, IssueRequired, "the Location reference is empty")
	}
	if ref[0] == '#' {
		return containedLocation(r, path, ref[1:])
	}
	l, ok := d.resolve(r.index, ref)
	switch {
	case !ok:
		return nil, faultf(path, IssueNotFound, "Location %s is neither contained nor in the Bundle", q(ref))
	case l.err != nil:
		return nil, unreadable(l)
	case l.typ != "Location":
		return nil, faultf(path, IssueValue, "%s is a %s, want a Location", q(ref), l.typ)
	}
	return toAddress(l.loc.Address), nil
}

// containedLocation finds the contained Location id of r.
func containedLocation(r *node, path, id string) (*commonv1.Address, *fault) {
	for k, raw := range r.role.Contained {
		var l locationResource
		cpath := fmt.Sprintf("%s.contained[%d]", r.path(), k)
		if err := json.Unmarshal(raw, &l); err != nil {
			return nil, jsonFault(err, cpath)
		}
		if l.ID != id {
			continue
		}
		if l.ResourceType != "Location" {
			return nil, faultf(path, IssueValue, "contained %s is a %s, want a Location", q(id), q(l.ResourceType))
		}
		return toAddress(l.Address), nil
	}
	return nil, faultf(path, IssueNotFound, "no contained resource with id %s", q(id))
}

// placeOfLocation returns the place of a structure's Location (SOS
// Médecins): its address and its managing organization's identifier.
func (d *decoder) placeOfLocation(l *node) (*availabilityv1.PracticePlace, *fault) {
	org, f := d.organization(l, l.loc.ManagingOrganization, l.path()+".managingOrganization")
	if f != nil {
		return nil, f
	}
	addr := toAddress(l.loc.Address)
	if org == "" && addr == nil {
		return nil, faultf(l.path(), IssueRequired, "the Location has neither an address nor a managing organization identifier")
	}
	return &availabilityv1.PracticePlace{OrganizationIdentifier: org, Address: addr}, nil
}

// organization returns the IDNST identifier of an organization reference of
// entry from: given inline, or that of the Organization it points to.
func (d *decoder) organization(from *node, ref *reference, path string) (string, *fault) {
	switch {
	case ref == nil:
		return "", nil
	case ref.Identifier != nil:
		return structureID(path+".identifier", ref.Identifier)
	case ref.Reference == "":
		return "", nil
	}
	o, ok := d.resolve(from.index, ref.Reference)
	switch {
	case !ok:
		return "", faultf(path, IssueNotFound, "Organization %s is not in the Bundle", q(ref.Reference))
	case o.err != nil:
		return "", unreadable(o)
	case o.typ != "Organization":
		return "", faultf(path, IssueValue, "%s is a %s, want an Organization", q(ref.Reference), o.typ)
	}
	for k, id := range o.ident.Identifier {
		if id.System == SystemStructure {
			return structureID(fmt.Sprintf("%s.identifier[%d]", o.path(), k), &id)
		}
	}
	return "", nil
}

// structureID checks an IDNST identifier: "1"+FINESS, "3"+SIRET, "0"/"4"+rank.
func structureID(path string, id *identifier) (string, *fault) {
	if id.System != "" && id.System != SystemStructure {
		return "", faultf(path+".system", IssueValue, "%s, want %s (IDNST)", q(id.System), SystemStructure)
	}
	if reason := structureIDReason(id.Value); reason != "" {
		return "", faultf(path+".value", IssueValue, "%s", reason)
	}
	return id.Value, nil
}

// structureIDReason says why v is not a structure identifier with its type
// prefix, or "" when it is.
func structureIDReason(v string) string {
	if v == "" {
		return "empty structure identifier"
	}
	rest := v[1:]
	switch v[0] {
	case '1':
		if len(rest) == 9 && upperAlnum(rest) {
			return ""
		}
		return fmt.Sprintf("%s is not \"1\" + 9-character FINESS", q(v))
	case '3':
		if len(rest) == 14 && digits(rest) {
			return ""
		}
		return fmt.Sprintf("%s is not \"3\" + 14-digit SIRET", q(v))
	case '0', '4':
		if len(rest) >= 1 && len(rest) <= 20 && upperAlnum(rest) {
			return ""
		}
		return fmt.Sprintf("%s is not %q + rank identifier (1 to 20 of 0-9 A-Z)", q(v), v[:1])
	case '2':
		return fmt.Sprintf("%s is a SIREN: a practice place is \"1\"+FINESS, \"3\"+SIRET or \"0\"/\"4\"+rank", q(v))
	}
	return fmt.Sprintf("%s: type prefix %s unknown, want 1 (FINESS), 3 (SIRET), 0 or 4 (rank)", q(v), q(v[:1]))
}

// toAddress converts a FHIR address; nil when it says nothing.
func toAddress(a *address) *commonv1.Address {
	if a == nil {
		return nil
	}
	out := &commonv1.Address{PostalCode: a.PostalCode, City: a.City}
	for _, l := range a.Line {
		if l != "" {
			out.Lines = append(out.Lines, l)
		}
	}
	if len(out.Lines) == 0 && out.PostalCode == "" && out.City == "" {
		return nil
	}
	return out
}

// digits reports whether s is only ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// upperAlnum reports whether s is only ASCII digits and capital letters.
func upperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}
