package fhir

import (
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// decodeFile decodes a file of testdata, failing on a whole-document error.
func decodeFile(t testing.TB, name string) Result {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return decodeBytes(t, data)
}

func decodeBytes(t testing.TB, data []byte) Result {
	t.Helper()
	res, err := Decode(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return res
}

// slotsOf returns the slots of res.
func slotsOf(res Result) []*availabilityv1.Slot {
	out := make([]*availabilityv1.Slot, len(res.Slots))
	for i, e := range res.Slots {
		out[i] = e.Slot
	}
	return out
}

// diffSlots fails t when got differs from want, printing both.
func diffSlots(t testing.TB, want, got []*availabilityv1.Slot) {
	t.Helper()
	if len(want) != len(got) {
		t.Errorf("%d slots, want %d:\n%s", len(got), len(want), jsonOf(got))
		return
	}
	for i := range want {
		if !proto.Equal(want[i], got[i]) {
			t.Errorf("slot %d:\ngot  %s\nwant %s", i, jsonOf(got[i:i+1]), jsonOf(want[i:i+1]))
		}
	}
}

func jsonOf(slots []*availabilityv1.Slot) string {
	var b strings.Builder
	for _, s := range slots {
		b.WriteString(protojson.Format(s))
	}
	return b.String()
}

// ts parses an RFC 3339 time.
func ts(t testing.TB, v string) *timestamppb.Timestamp {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		t.Fatal(err)
	}
	return timestamppb.New(tm)
}

// place builds a practice place.
func place(org, postal, city string, lines ...string) *availabilityv1.PracticePlace {
	return &availabilityv1.PracticePlace{OrganizationIdentifier: org,
		Address: &commonv1.Address{Lines: lines, PostalCode: postal, City: city}}
}

// Short names of the enumerations.
const (
	free    = availabilityv1.Slot_STATUS_FREE
	public  = commonv1.Visibility_VISIBILITY_PUBLIC
	pro     = commonv1.Visibility_VISIBILITY_PRO
	amb     = commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE
	vr      = commonv1.ConsultationMode_CONSULTATION_MODE_VIDEO
	hh      = commonv1.ConsultationMode_CONSULTATION_MODE_HOME
	routine = commonv1.AppointmentType_APPOINTMENT_TYPE_ROUTINE
	walkin  = commonv1.AppointmentType_APPOINTMENT_TYPE_WALKIN
)

func modeList(m ...commonv1.ConsultationMode) []commonv1.ConsultationMode { return m }

// deleted marks an element to remove in set.
var deleted = &struct{}{}

// set changes the element at a dotted path of doc ("entry.1.resource.end",
// array indexes as numbers) to v, or removes it when v is deleted.
func set(t testing.TB, doc any, path string, v any) {
	t.Helper()
	keys := strings.Split(path, ".")
	cur := doc
	for i, k := range keys {
		last := i == len(keys)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if v == deleted {
					delete(c, k)
				} else {
					c[k] = v
				}
				return
			}
			cur = c[k]
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n >= len(c) {
				t.Fatalf("set %s: bad index %s", path, k)
			}
			if last {
				c[n] = v
				return
			}
			cur = c[n]
		default:
			t.Fatalf("set %s: %s is not in an object or array", path, k)
		}
	}
}

// parseJSON decodes a JSON document into maps and slices.
func parseJSON(t testing.TB, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clone copies a slot.
func clone(s *availabilityv1.Slot) *availabilityv1.Slot {
	return proto.CloneOf(s)
}
