package fhir

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// twoChains is a searchset of two slots with their own Schedule,
// Practitioner and PractitionerRole: entry 0 Slot a → entry 2 Schedule s1 →
// entries 3, 4; entry 1 Slot b → entry 5 Schedule s2 → entries 6, 7. Tests
// break chain b and check that slot a still comes out.
const twoChains = `{"resourceType": "Bundle", "type": "searchset", "entry": [
 {"fullUrl": "https://v.example/fhir/Slot/a", "resource": {"resourceType": "Slot", "id": "a",
  "meta": {"security": [{"system": "` + SystemSlotType + `", "code": "SNP"}]},
  "serviceType": [{"coding": [{"system": "` + SystemActCode + `", "code": "AMB"}]}],
  "schedule": {"reference": "Schedule/s1"}, "status": "free",
  "start": "2026-01-05T09:00:00+01:00", "end": "2026-01-05T09:20:00+01:00"}},
 {"fullUrl": "https://v.example/fhir/Slot/b", "resource": {"resourceType": "Slot", "id": "b",
  "meta": {"security": [{"system": "` + SystemSlotType + `", "code": "PUBLIC"}]},
  "serviceType": [{"coding": [{"system": "` + SystemActCode + `", "code": "VR"}]}],
  "specialty": [{"coding": [{"system": "` + SystemSpecialty + `", "code": "SM54"}]}],
  "appointmentType": {"coding": [{"system": "` + SystemAppointmentType + `", "code": "WALKIN"}]},
  "schedule": {"reference": "Schedule/s2"}, "status": "free",
  "start": "2026-01-05T10:00:00Z", "end": "2026-01-05T10:20:00Z", "comment": "https://v.example/agenda/b"}},
 {"fullUrl": "https://v.example/fhir/Schedule/s1", "resource": {"resourceType": "Schedule", "id": "s1",
  "actor": [{"reference": "Practitioner/p1"}, {"reference": "PractitionerRole/r1"}]}},
 {"fullUrl": "https://v.example/fhir/Practitioner/p1", "resource": {"resourceType": "Practitioner", "id": "p1",
  "identifier": [{"system": "` + SystemProfessional + `", "value": "810101288385"}]}},
 {"fullUrl": "https://v.example/fhir/PractitionerRole/r1", "resource": {"resourceType": "PractitionerRole", "id": "r1",
  "contained": [{"resourceType": "Location", "id": "l", "address": {"line": ["1 rue A"], "postalCode": "44000", "city": "NANTES"}}],
  "practitioner": {"reference": "Practitioner/p1"},
  "organization": {"identifier": {"system": "` + SystemStructure + `", "value": "1440000000"}},
  "location": [{"reference": "#l"}]}},
 {"fullUrl": "https://v.example/fhir/Schedule/s2", "resource": {"resourceType": "Schedule", "id": "s2",
  "actor": [{"reference": "Practitioner/p2"}, {"reference": "PractitionerRole/r2"}]}},
 {"fullUrl": "https://v.example/fhir/Practitioner/p2", "resource": {"resourceType": "Practitioner", "id": "p2",
  "identifier": [{"system": "` + SystemProfessional + `", "value": "0441234567"}]}},
 {"fullUrl": "https://v.example/fhir/PractitionerRole/r2", "resource": {"resourceType": "PractitionerRole", "id": "r2",
  "contained": [{"resourceType": "Location", "id": "l", "address": {"line": ["2 rue B"], "postalCode": "44100", "city": "NANTES"}}],
  "practitioner": {"reference": "Practitioner/p2"},
  "organization": {"identifier": {"value": "344123456789012"}},
  "location": [{"reference": "#l"}]}}
]}`

// wantErr is an expected EntryError.
type wantErr struct {
	index  int
	path   string
	code   IssueCode
	reason string // a part of the reason
}

// change is one edit of twoChains.
type change struct {
	path string
	v    any
}

func TestTwoChains(t *testing.T) {
	res := decodeBytes(t, []byte(twoChains))
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	want := slotsOf(res)
	if len(want) != 2 || want[0].GetProfessional() != "professionals/810101288385" ||
		want[1].GetProfessional() != "professionals/0441234567" ||
		want[1].GetPlace().GetOrganizationIdentifier() != "344123456789012" || want[0].GetVisibility().String() != "VISIBILITY_SNP" ||
		!want[0].GetStartTime().AsTime().Equal(ts(t, "2026-01-05T08:00:00Z").AsTime()) {
		t.Errorf("slots:\n%s", jsonOf(want))
	}
}

func TestBadEntries(t *testing.T) {
	slot, sched, pract, role := "entry.1.resource.", "entry.5.resource.", "entry.6.resource.", "entry.7.resource."
	sec := slot + "meta.security.0.code"
	mode := slot + "serviceType.0.coding.0.code"
	tests := []struct {
		name    string
		changes []change
		errs    []wantErr
	}{
		{"missing schedule", []change{{slot + "schedule", deleted}},
			[]wantErr{{1, "Bundle.entry[1].resource.schedule", IssueRequired, "missing schedule"}}},
		{"unresolvable schedule", []change{{slot + "schedule.reference", "Schedule/nope"}},
			[]wantErr{{1, "Bundle.entry[1].resource.schedule", IssueNotFound, `"Schedule/nope" is not in the Bundle`}}},
		{"schedule is a Practitioner", []change{{slot + "schedule.reference", "Practitioner/p2"}},
			[]wantErr{{1, "Bundle.entry[1].resource.schedule", IssueValue, "is a Practitioner, want a Schedule"}}},
		{"end before start", []change{{slot + "end", "2026-01-05T09:59:00Z"}},
			[]wantErr{{1, "Bundle.entry[1].resource.end", IssueValue, "is not after start"}}},
		{"end at start", []change{{slot + "end", "2026-01-05T11:00:00+01:00"}},
			[]wantErr{{1, "Bundle.entry[1].resource.end", IssueValue, "is not after start"}}},
		{"missing end", []change{{slot + "end", deleted}},
			[]wantErr{{1, "Bundle.entry[1].resource.end", IssueRequired, "missing"}}},
		{"no time zone", []change{{slot + "start", "2026-01-05T10:00:00"}},
			[]wantErr{{1, "Bundle.entry[1].resource.start", IssueValue, "has no time zone"}}},
		{"time zone out of range", []change{{slot + "start", "2026-01-05T10:00:00+25:00"}},
			[]wantErr{{1, "Bundle.entry[1].resource.start", IssueValue, "time zone +25:00 out of range"}}},
		{"date only", []change{{slot + "start", "2026-01-05"}},
			[]wantErr{{1, "Bundle.entry[1].resource.start", IssueValue, "has no time zone"}}},
		{"no such date", []change{{slot + "start", "2026-02-30T10:00:00Z"}},
			[]wantErr{{1, "Bundle.entry[1].resource.start", IssueValue, "not a valid date"}}},
		{"start is a number", []change{{slot + "start", 5}},
			[]wantErr{{1, "Bundle.entry[1].resource.start", IssueStructure, "want a string"}}},
		{"unknown status", []change{{slot + "status", "maybe"}},
			[]wantErr{{1, "Bundle.entry[1].resource.status", IssueCodeInvalid, `"maybe" unknown`}}},
		{"missing status", []change{{slot + "status", deleted}},
			[]wantErr{{1, "Bundle.entry[1].resource.status", IssueRequired, "missing"}}},
		{"unknown visibility", []change{{sec, "VIP"}},
			[]wantErr{{1, "Bundle.entry[1].resource.meta.security[0].code", IssueCodeInvalid, `slot type "VIP" unknown`}}},
		{"missing visibility", []change{{slot + "meta", deleted}},
			[]wantErr{{1, "Bundle.entry[1].resource.meta.security", IssueRequired, "no slot type"}}},
		{"unknown mode", []change{{mode, "EMER"}},
			[]wantErr{{1, "Bundle.entry[1].resource.serviceType[0].coding[0].code", IssueCodeInvalid, `mode "EMER" unknown`}}},
		{"missing mode", []change{{slot + "serviceType", []any{map[string]any{"text": "Visite"}}}},
			[]wantErr{{1, "Bundle.entry[1].resource.serviceType", IssueRequired, "no consultation mode"}}},
		{"bad specialty", []change{{slot + "specialty.0.coding.0.code", "médecine"}},
			[]wantErr{{1, "Bundle.entry[1].resource.specialty[0].coding[0].code", IssueCodeInvalid, "not a TRE_R38 code"}}},
		{"unknown appointment type", []change{{slot + "appointmentType.coding.0.code", "CHECKUP"}},
			[]wantErr{{1, "Bundle.entry[1].resource.appointmentType.coding[0].code", IssueCodeInvalid, `"CHECKUP" unknown`}}},
		{"booking URL not a URL", []change{{slot + "comment", "call the practice"}},
			[]wantErr{{1, "Bundle.entry[1].resource.comment", IssueValue, "not an http(s) URL"}}},
		{"missing slot id", []change{{slot + "id", deleted}},
			[]wantErr{{1, "Bundle.entry[1].resource.id", IssueRequired, "missing"}}},
		{"bad slot id", []change{{slot + "id", "a b"}},
			[]wantErr{{1, "Bundle.entry[1].resource.id", IssueValue, "not a FHIR id"}}},
		{"duplicate slot id", []change{{slot + "id", "a"}},
			[]wantErr{{1, "Bundle.entry[1].resource.id", IssueDuplicate, "already in entry[0]"}}},
		{"RPPS without prefix", []change{{pract + "identifier.0.value", "10101288385"}},
			[]wantErr{{1, "Bundle.entry[6].resource.identifier[0].value", IssueValue, `lacks the "8" prefix`}}},
		{"short RPPS", []change{{pract + "identifier.0.value", "8123"}},
			[]wantErr{{1, "Bundle.entry[6].resource.identifier[0].value", IssueValue, `not "8" + 11-digit RPPS`}}},
		{"bad ADELI", []change{{pract + "identifier.0.value", "04412345"}},
			[]wantErr{{1, "Bundle.entry[6].resource.identifier[0].value", IssueValue, `not "0" + 9-character ADELI`}}},
		{"other identifier type", []change{{pract + "identifier.0.value", "9123"}},
			[]wantErr{{1, "Bundle.entry[6].resource.identifier[0].value", IssueValue, `neither "8"+RPPS nor "0"+ADELI`}}},
		{"no national identifier", []change{{pract + "identifier.0.system", "urn:oid:1.2.3"}},
			[]wantErr{{1, "Bundle.entry[6].resource.identifier", IssueRequired, "no identifier of system"}}},
		{"unresolvable practitioner", []change{{sched + "actor.0.reference", "Practitioner/nope"}},
			[]wantErr{{1, "Bundle.entry[5].resource.actor[0]", IssueNotFound, "_include:iterate=Schedule:actor"}}},
		{"no PractitionerRole", []change{{sched + "actor", []any{map[string]any{"reference": "Practitioner/p2"}}}},
			[]wantErr{{1, "Bundle.entry[5].resource.actor", IssueRequired, "no PractitionerRole actor"}}},
		{"no actor", []change{{sched + "actor", []any{}}},
			[]wantErr{{1, "Bundle.entry[5].resource.actor", IssueRequired, "no Practitioner (professional) nor Location"}}},
		{"two practitioners", []change{{sched + "actor", []any{map[string]any{"reference": "Practitioner/p2"},
			map[string]any{"reference": "Practitioner/p1"}, map[string]any{"reference": "PractitionerRole/r2"}}}},
			[]wantErr{{1, "Bundle.entry[5].resource.actor[1]", IssueValue, "a second Practitioner actor"}}},
		{"role of another practitioner", []change{{role + "practitioner.reference", "Practitioner/p1"}},
			[]wantErr{{1, "Bundle.entry[7].resource.practitioner", IssueValue, "not the Schedule's Practitioner Practitioner/p2"}}},
		{"SIREN", []change{{role + "organization.identifier.value", "2123456789"}},
			[]wantErr{{1, "Bundle.entry[7].resource.organization.identifier.value", IssueValue, "is a SIREN"}}},
		{"unknown structure prefix", []change{{role + "organization.identifier.value", "9123"}},
			[]wantErr{{1, "Bundle.entry[7].resource.organization.identifier.value", IssueValue, `type prefix "9" unknown`}}},
		{"bad FINESS", []change{{role + "organization.identifier.value", "1ABC"}},
			[]wantErr{{1, "Bundle.entry[7].resource.organization.identifier.value", IssueValue, "9-character FINESS"}}},
		{"bad SIRET", []change{{role + "organization.identifier.value", "31234"}},
			[]wantErr{{1, "Bundle.entry[7].resource.organization.identifier.value", IssueValue, "14-digit SIRET"}}},
		{"structure system", []change{{role + "organization.identifier.system", "urn:oid:1.2.250.1.71.4.2.1"}},
			[]wantErr{{1, "Bundle.entry[7].resource.organization.identifier.system", IssueValue, "IDNST"}}},
		{"missing contained location", []change{{role + "location.0.reference", "#nope"}},
			[]wantErr{{1, "Bundle.entry[7].resource.location[0]", IssueNotFound, `no contained resource with id "nope"`}}},
		{"no place", []change{{role + "location", deleted}, {role + "organization", deleted}},
			[]wantErr{{1, "Bundle.entry[7].resource", IssueRequired, "neither an organization identifier nor a Location"}}},
		{"unreadable role", []change{{role + "contained", "x"}}, []wantErr{
			{1, "Bundle.entry[7].resource.contained", IssueStructure, "entry[7], which the slot depends on, is unreadable"},
			{7, "Bundle.entry[7].resource.contained", IssueStructure, "want an array, got JSON string"}}},
		{"entry not an object", []change{{"entry.6", 42}}, []wantErr{
			{1, "Bundle.entry[5].resource.actor[0]", IssueNotFound, `"Practitioner/p2" is not in the Bundle`},
			{6, "Bundle.entry[6]", IssueStructure, "want an object"}}},
		{"entry without resource", []change{{"entry.6.resource", deleted}}, []wantErr{
			{1, "Bundle.entry[6].resource", IssueRequired, "unreadable: missing"},
			{6, "Bundle.entry[6].resource", IssueRequired, "missing"}}},
		{"resource without type", []change{{pract + "resourceType", deleted}}, []wantErr{
			{1, "Bundle.entry[6].resource.resourceType", IssueRequired, "unreadable: missing"},
			{6, "Bundle.entry[6].resource.resourceType", IssueRequired, "missing"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseJSON(t, twoChains)
			for _, c := range tt.changes {
				set(t, doc, c.path, c.v)
			}
			res := decodeBytes(t, mustJSON(t, doc))
			checkErrors(t, res, tt.errs)
			if len(res.Slots) != 1 || res.Slots[0].Slot.GetExternalId() != "a" || res.Slots[0].Index != 0 {
				t.Errorf("slots %v, want slot a from entry 0", res.Slots)
			}
		})
	}
}

// checkErrors compares the errors of res with want, in order.
func checkErrors(t *testing.T, res Result, want []wantErr) {
	t.Helper()
	if len(res.Errors) != len(want) {
		t.Fatalf("errors %v, want %d", res.Errors, len(want))
	}
	for i, w := range want {
		e := res.Errors[i]
		msg := e.Error()
		if e.Index != w.index || e.Path != w.path || e.Code != w.code || !strings.Contains(e.Reason, w.reason) ||
			!strings.HasPrefix(msg, fmt.Sprintf("entry[%d]", w.index)) || !strings.Contains(msg, w.path) {
			t.Errorf("error %d: index %d path %s code %s: %s\nwant index %d path %s code %s reason with %q",
				i, e.Index, e.Path, e.Code, msg, w.index, w.path, w.code, w.reason)
		}
	}
}

// TestTransaction decodes a transaction of the same resources, with a
// deletion and refused methods.
func TestTransaction(t *testing.T) {
	doc := parseJSON(t, twoChains)
	set(t, doc, "type", "transaction")
	for i := range 8 {
		set(t, doc, fmt.Sprintf("entry.%d.request", i), map[string]any{"method": "POST", "url": "X"})
	}
	set(t, doc, "entry.0.request", map[string]any{"method": "PUT", "url": "Slot/a"})
	set(t, doc, "entry.1.request", map[string]any{"method": "PUT", "url": "Slot/other"})
	entries := doc.(map[string]any)["entry"].([]any)
	entries = append(entries,
		map[string]any{"request": map[string]any{"method": "DELETE", "url": "Slot/gone"}},
		map[string]any{"request": map[string]any{"method": "GET", "url": "Slot/x"}},
		map[string]any{"request": map[string]any{"method": "DELETE", "url": "Schedule/s1"}})
	set(t, doc, "entry", entries)
	res := decodeBytes(t, mustJSON(t, doc))
	checkErrors(t, res, []wantErr{
		{1, "Bundle.entry[1].resource.id", IssueValue, `"b" differs from the request URL "Slot/other"`},
		{9, "Bundle.entry[9].request.method", IssueNotSupported, `"GET" not supported`},
		{10, "Bundle.entry[10].request.url", IssueNotSupported, "only DELETE Slot/{id}"},
	})
	if res.Type != TypeTransaction || len(res.Slots) != 1 || res.Slots[0].Slot.GetExternalId() != "a" {
		t.Errorf("type %s, slots %v", res.Type, res.Slots)
	}
	if !slices.Equal(res.Deletes, []Delete{{Index: 8, ExternalID: "gone"}}) {
		t.Errorf("deletes %v", res.Deletes)
	}
}

// TestReferences resolves absolute, versioned, urn:uuid and logical references.
func TestReferences(t *testing.T) {
	doc := parseJSON(t, twoChains)
	set(t, doc, "entry.0.resource.schedule.reference", "https://v.example/fhir/Schedule/s1/_history/3")
	set(t, doc, "entry.5.fullUrl", "urn:uuid:0b5c6f0e-8d2a-4c1e-9f3b-2a7d7c1e5a10")
	set(t, doc, "entry.1.resource.schedule.reference", "urn:uuid:0b5c6f0e-8d2a-4c1e-9f3b-2a7d7c1e5a10")
	set(t, doc, "entry.5.resource.actor.0", map[string]any{"identifier": map[string]any{
		"system": SystemProfessional, "value": "0441234567"}})
	set(t, doc, "entry.7.resource.practitioner", deleted)
	res := decodeBytes(t, mustJSON(t, doc))
	if len(res.Errors) > 0 || len(res.Slots) != 2 {
		t.Fatalf("errors %v, slots %d", res.Errors, len(res.Slots))
	}
	if p := res.Slots[1].Slot.GetProfessional(); p != "professionals/0441234567" {
		t.Errorf("professional %s", p)
	}
}

func TestMalformed(t *testing.T) {
	big := `{"resourceType": "Bundle", "type": "batch", "entry": [{}, {}, {}]}`
	tests := []struct {
		name string
		doc  string
		opts Options
		is   error
		msg  string
	}{
		{"empty", " ", Options{}, ErrMalformed, "empty document"},
		{"not JSON", "<Bundle/>", Options{}, ErrMalformed, "not JSON"},
		{"truncated", `{"resourceType": "Bundle"`, Options{}, ErrMalformed, "not JSON"},
		{"array", `[]`, Options{}, ErrMalformed, "Bundle: want an object"},
		{"no resourceType", `{"type": "batch"}`, Options{}, ErrMalformed, "resourceType missing"},
		{"not a Bundle", `{"resourceType": "Slot"}`, Options{}, ErrMalformed, `resourceType "Slot", want "Bundle"`},
		{"no type", `{"resourceType": "Bundle"}`, Options{}, ErrMalformed, "Bundle.type missing"},
		{"document", `{"resourceType": "Bundle", "type": "document"}`, Options{}, ErrMalformed, `"document" not accepted`},
		{"entry not array", `{"resourceType": "Bundle", "type": "batch", "entry": {}}`, Options{}, ErrMalformed,
			"Bundle.entry: want an array"},
		{"total not number", `{"resourceType": "Bundle", "type": "searchset", "total": "4"}`, Options{}, ErrMalformed,
			"Bundle.total: want a number"},
		{"too many bytes", big, Options{MaxBytes: 20}, ErrTooLarge, "over 20 bytes"},
		{"too many entries", big, Options{MaxEntries: 2}, ErrTooLarge, "3 entries, at most 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tt.doc), tt.opts)
			if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err %v, want %v with %q", err, tt.is, tt.msg)
			}
		})
	}
}

func TestDefaultLimits(t *testing.T) {
	doc := `{"resourceType": "Bundle", "type": "batch", "entry": [` +
		strings.TrimSuffix(strings.Repeat("{},", DefaultMaxEntries+1), ",") + `]}`
	if _, err := Decode(strings.NewReader(doc), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("%d entries: %v", DefaultMaxEntries+1, err)
	}
	over := bytes.Repeat([]byte(" "), DefaultMaxBytes+1)
	if _, err := Decode(bytes.NewReader(over), Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("%d bytes: %v", len(over), err)
	}
}
