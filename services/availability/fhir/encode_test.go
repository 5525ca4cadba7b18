package fhir

import (
	"bytes"
	"strings"
	"testing"
	"time"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// roundTrip encodes slots and decodes them back.
func roundTrip(t testing.TB, slots []*availabilityv1.Slot, opts EncodeOptions) []*availabilityv1.Slot {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodeSearchset(&buf, slots, opts); err != nil {
		t.Fatalf("EncodeSearchset: %v", err)
	}
	res := decodeBytes(t, buf.Bytes())
	if len(res.Errors) > 0 {
		t.Fatalf("decode of the encoded searchset: %v\n%s", res.Errors, buf.String())
	}
	return slotsOf(res)
}

func TestRoundTrip(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	a := &availabilityv1.Slot{ExternalId: "a-1", Professional: "professionals/810101288385",
		Place: place("1440000000", "44000", "NANTES", "Bâtiment B", "1 rue A"), StartTime: ts(t, "2026-01-05T08:00:00.123456789Z"),
		EndTime: ts(t, "2026-01-05T08:20:00Z"), Status: free, Visibility: commonv1.Visibility_VISIBILITY_SNP,
		ConsultationModes: modeList(hh, amb, vr), Specialty: "SCD01", AppointmentType: walkin,
		BookingUrl: "https://v.example/agenda?pro=1&origin=x"}
	b := clone(a) // same Schedule as a
	b.ExternalId, b.Status, b.Visibility = "b.2", availabilityv1.Slot_STATUS_BOOKED, commonv1.Visibility_VISIBILITY_CPTS
	b.Specialty, b.AppointmentType, b.BookingUrl = "", 0, ""
	c := clone(a) // same professional, other place without address
	c.ExternalId, c.Status = "c", availabilityv1.Slot_STATUS_CANCELLED
	c.Place = &availabilityv1.PracticePlace{OrganizationIdentifier: "312345678901234"}
	d := clone(a) // ADELI professional, place without organization
	d.ExternalId, d.Professional, d.Visibility = "d", "professionals/02A1234567", pro
	d.Place = &availabilityv1.PracticePlace{Address: &commonv1.Address{City: "AJACCIO"}}
	e := clone(a) // structure slot
	e.ExternalId, e.Professional, e.Visibility = "e", "", public
	e.Place = place("334173748400020", "35700", "RENNES", "320 avenue Général Georges Patton")
	f := clone(e) // structure slot without organization
	f.ExternalId, f.Place = "f", place("", "35000", "RENNES")
	in := []*availabilityv1.Slot{a, b, c, d, e, f}
	for _, opts := range []EncodeOptions{{}, {Base: "https://v.example/fhir/", Location: paris}} {
		diffSlots(t, in, roundTrip(t, in, opts))
	}
}

// TestExamplesRoundTrip decodes each official example, encodes the slots and
// decodes them again.
func TestExamplesRoundTrip(t *testing.T) {
	for _, f := range []string{"Bundle-ExampleBundlePSIndiv.json", "Bundle-ExampleBundleCPTS1.json",
		"Bundle-ExampleBundleCPTS2.json", "Bundle-ExampleBundleAgregateurSOS.json"} {
		want := slotsOf(decodeFile(t, f))
		diffSlots(t, want, roundTrip(t, want, EncodeOptions{Base: "https://v.example/fhir"}))
	}
}

func TestEncodeShape(t *testing.T) {
	slots := slotsOf(decodeFile(t, "Bundle-ExampleBundlePSIndiv.json"))
	var buf bytes.Buffer
	if err := EncodeSearchset(&buf, slots, EncodeOptions{Base: "https://v.example/fhir"}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`"type":"searchset"`, `"total":4`,
		`"fullUrl":"https://v.example/fhir/Slot/ExampleSlotPSIndiv1"`, `"reference":"#location"`,
		`"system":"urn:oid:1.2.250.1.71.4.2.1","value":"810100050075"`, `"comment":"https://exemple.com/rdv/com/"`,
		`"start":"2021-11-05T09:00:00Z"`, `"mode":"match"`, `"mode":"include"`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
	// Two practitioners, three practice places.
	if n := strings.Count(out, `"resourceType":"Practitioner"`); n != 2 {
		t.Errorf("%d Practitioners, want 2", n)
	}
	if n := strings.Count(out, `"resourceType":"Schedule"`); n != 3 {
		t.Errorf("%d Schedules, want 3", n)
	}
}

func TestEncodeRefuses(t *testing.T) {
	good := slotsOf(decodeFile(t, "Bundle-ExampleBundlePSIndiv.json"))[0]
	tests := []struct {
		name string
		edit func(s *availabilityv1.Slot)
		msg  string
	}{
		{"no external id", func(s *availabilityv1.Slot) { s.ExternalId = "" }, "not a FHIR id"},
		{"no start", func(s *availabilityv1.Slot) { s.StartTime = nil }, "start_time or end_time"},
		{"no status", func(s *availabilityv1.Slot) { s.Status = 0 }, "status"},
		{"no visibility", func(s *availabilityv1.Slot) { s.Visibility = 0 }, "visibility"},
		{"no mode", func(s *availabilityv1.Slot) { s.ConsultationModes = nil }, "no consultation mode"},
		{"bad mode", func(s *availabilityv1.Slot) { s.ConsultationModes = modeList(0) }, "consultation mode"},
		{"no place", func(s *availabilityv1.Slot) { s.Place = nil }, "place"},
		{"bad professional", func(s *availabilityv1.Slot) { s.Professional = "810100050075" }, "professionals/{national_id}"},
		{"bad specialty", func(s *availabilityv1.Slot) { s.Specialty = "x" }, "specialty"},
		{"bad booking URL", func(s *availabilityv1.Slot) { s.BookingUrl = "ftp://x" }, "booking_url"},
	}
	for _, tt := range tests {
		s := clone(good)
		tt.edit(s)
		err := EncodeSearchset(&bytes.Buffer{}, []*availabilityv1.Slot{good, s}, EncodeOptions{})
		if err == nil || !strings.Contains(err.Error(), "slot 1") || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
