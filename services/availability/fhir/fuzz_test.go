package fhir

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
)

func FuzzDecode(f *testing.F) {
	files, err := filepath.Glob("testdata/Bundle-*.json")
	if err != nil || len(files) == 0 {
		f.Fatalf("examples: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(twoChains))
	f.Add([]byte(strings.Replace(twoChains, `"searchset"`, `"transaction"`, 1)))
	f.Add([]byte(strings.Replace(twoChains, "2026-01-05T10:20:00Z", "2026-01-05T10:20:00+99:00", 1)))
	f.Add([]byte(strings.Replace(twoChains, "Schedule/s2", "Schedule/s1/_history/1", 1)))
	f.Add([]byte(`{"resourceType": "Bundle", "type": "batch", "entry": [1, null, {}, {"resource": {}},
		{"request": {"method": "DELETE", "url": "Slot/x"}}, {"resource": {"resourceType": "Slot", "id": "s"}}]}`))
	f.Add([]byte(`{"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": {"resourceType": "Slot",
		"id": "x", "schedule": {"reference": "#s"}, "start": "2026-01-05T10:00:00Z"}}]}`))
	f.Add(appointmentBundle(f, "transaction"))
	f.Add(appointmentBundle(f, "batch"))
	f.Add(appointmentBundle(f, "searchset"))
	f.Add([]byte(`{"resourceType": "Bundle", "type": "batch", "entry": [{"request": {"method": "PUT", "url": "Appointment?identifier=x"},
		"resource": {"resourceType": "Appointment", "status": "booked", "participant": [{"actor": {"reference": "#p"}}],
		"contained": [{"resourceType": "Practitioner", "id": "p"}]}}]}`))
	f.Add([]byte(`{"resourceType": "Bundle"`))
	f.Add([]byte(`[]`))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Decode(bytes.NewReader(data), Options{MaxEntries: 500})
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("whole-document error %v is neither ErrMalformed nor ErrTooLarge", err)
			}
			return
		}
		checkResult(t, res)
		slots := slotsOf(res)
		var buf bytes.Buffer
		if err := EncodeSearchset(&buf, slots, EncodeOptions{Base: "https://v.example/fhir"}); err != nil {
			t.Fatalf("decoded slots do not encode: %v", err)
		}
		back, err := Decode(&buf, Options{})
		if err != nil || len(back.Errors) > 0 {
			t.Fatalf("encoded slots do not decode: %v %v", err, back.Errors)
		}
		diffSlots(t, slots, slotsOf(back))
	})
}

// checkResult checks that every error names its entry and that entries have
// one outcome each.
func checkResult(t *testing.T, res Result) {
	t.Helper()
	used := make(map[int]string)
	mark := func(i int, what string) {
		if i < 0 || i >= res.Entries {
			t.Fatalf("%s at entry %d of %d", what, i, res.Entries)
		}
		if prev, ok := used[i]; ok {
			t.Fatalf("entry %d is both %s and %s", i, prev, what)
		}
		used[i] = what
	}
	for _, e := range res.Errors {
		mark(e.Index, "an error")
		if !strings.HasPrefix(e.Error(), fmt.Sprintf("entry[%d]", e.Index)) ||
			!strings.HasPrefix(e.Path, "Bundle.entry[") || e.Code == "" || e.Reason == "" {
			t.Fatalf("error does not name its entry and element: %#v", e)
		}
	}
	for _, s := range res.Slots {
		mark(s.Index, "a slot")
	}
	for _, d := range res.Deletes {
		mark(d.Index, "a deletion")
	}
	for _, a := range res.Appointments {
		mark(a.Index, "an appointment")
		checkAppointmentRoundTrip(t, a)
	}
	outs := res.Outcomes()
	for _, s := range res.Slots {
		outs[s.Index].Status = http.StatusCreated
	}
	for _, d := range res.Deletes {
		outs[d.Index].Status = http.StatusNoContent
	}
	for _, a := range res.Appointments {
		outs[a.Index].Status = http.StatusCreated
	}
	if err := EncodeResponse(&bytes.Buffer{}, res.Type, outs); err != nil {
		t.Fatal(err)
	}
}

func FuzzDecodeAppointment(f *testing.F) {
	for _, seed := range []struct{ doc, method, url string }{
		{guideAppointment, "POST", "Appointment"},
		{guideAppointment, "PUT", "Appointment/1"},
		{guideAppointment, "PUT", "Appointment?identifier=urn:oid:1.1.111.1.11.1.1.1|b6e39355-8a61-4556-b340-36f7b95fec6a"},
		{strings.Replace(guideAppointment, `"status": "booked"`, `"status": "arrived"`, 1), "PUT", "Appointment/x"},
		{strings.Replace(guideAppointment, `"identifier": [`, `"identifier": [{"system": "`+SystemOrientation+`", "value": "o2"}, `, 1),
			"POST", "Appointment"},
		{`{"resourceType": "Appointment", "contained": [{"resourceType": "Practitioner", "id": "p", "identifier": [{"system": "` +
			SystemProfessional + `", "value": "0441234567"}]}], "participant": [{"actor": {"reference": "#p"}}]}`,
			"PUT", "Appointment?identifier=%7Ca"},
		{`{"resourceType": "Appointment"}`, "PUT", "Appointment"},
		{`{"resourceType": "Slot"}`, "POST", "Appointment"},
		{"[]", "POST", "Appointment"},
		{"", "GET", ""},
	} {
		f.Add([]byte(seed.doc), seed.method, seed.url)
	}
	f.Fuzz(func(t *testing.T, data []byte, method, url string) {
		e, err := DecodeAppointment(bytes.NewReader(data), Options{MaxBytes: 1 << 16}, method, url)
		var re *ResourceError
		switch {
		case errors.Is(err, ErrTooLarge):
			return
		case errors.As(err, &re):
			if re.Code == "" || re.Reason == "" || re.Path != "" && !strings.HasPrefix(re.Path, "Appointment") {
				t.Fatalf("error does not name its element: %#v", re)
			}
			return
		case err != nil:
			t.Fatalf("error %v is neither a *ResourceError nor ErrTooLarge", err)
		}
		if e.Path != "Appointment" || e.Update != (method == "PUT") {
			t.Fatalf("entry %+v of %s %s", e, method, url)
		}
		checkAppointmentRoundTrip(t, e)
	})
}

// checkAppointmentRoundTrip checks that a decoded appointment, stored,
// encodes and decodes to itself.
func checkAppointmentRoundTrip(t *testing.T, e AppointmentEntry) {
	t.Helper()
	stored := proto.CloneOf(e.Appointment)
	if e.Slot != "" {
		stored.Slot = "slots/s"
	}
	var buf bytes.Buffer
	if err := EncodeAppointment(&buf, stored, AppointmentOptions{System: e.System, Slot: e.Slot}); err != nil {
		t.Fatalf("decoded appointment does not encode: %v", err)
	}
	back, err := DecodeAppointment(&buf, Options{}, "POST", "Appointment")
	if err != nil {
		t.Fatalf("encoded appointment does not decode: %v\n%s", err, buf.String())
	}
	if !proto.Equal(back.Appointment, e.Appointment) || back.System != e.System || back.Slot != e.Slot {
		t.Fatalf("round trip: got %v %q %q, want %v %q %q", back.Appointment, back.System, back.Slot, e.Appointment, e.System, e.Slot)
	}
}

// appointmentBundle is twoChains as a Bundle of type typ with two
// Appointments, one good and one refused.
func appointmentBundle(t testing.TB, typ string) []byte {
	doc := parseJSON(t, twoChains)
	set(t, doc, "type", typ)
	good := parseJSON(t, guideAppointment)
	set(t, good, "participant.1.actor", map[string]any{"reference": "Practitioner/p2"})
	set(t, good, "slot.0.reference", "https://v.example/fhir/Slot/b")
	bad := parseJSON(t, guideAppointment)
	set(t, bad, "end", "2022-09-04T12:00:00Z")
	entries := doc.(map[string]any)["entry"].([]any)
	set(t, doc, "entry", append(entries,
		map[string]any{"request": map[string]any{"method": "PUT", "url": "Appointment/1"}, "resource": good},
		map[string]any{"request": map[string]any{"method": "POST", "url": "Appointment"}, "resource": bad}))
	return mustJSON(t, doc)
}
