package orientation_test

import (
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/auth"
)

func slotOrientation(slot string) *searchv1.Orientation {
	return &searchv1.Orientation{Type: searchv1.Orientation_TYPE_SLOT, Slot: slot}
}

func rangeOrientation(r string) *searchv1.Orientation {
	return &searchv1.Orientation{Type: searchv1.Orientation_TYPE_RANGE, Range: r}
}

// refused checks that err has code, and reason or field when given.
func refused(t *testing.T, what string, err error, code codes.Code, reasonOrField string) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != code || (reasonOrField != "" && reason(st) != reasonOrField && !slices.Contains(fields(st), reasonOrField)) {
		t.Errorf("%s: got %v %q %v (%s), want %v %q", what, st.Code(), reason(st), fields(st), st.Message(), code, reasonOrField)
	}
}

func reason(st *status.Status) string {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.Reason
		}
	}
	return ""
}

func fields(st *status.Status) []string {
	var out []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.FieldViolations {
				out = append(out, v.Field)
			}
		}
	}
	return out
}

func TestSlots(t *testing.T) {
	run(t, map[string]func(*testing.T, *env){
		"vendor slot: booking URL with origin=sas and handoff token": func(t *testing.T, e *env) {
			h, err := e.client.HoldSlot(e.as(arm44), &searchv1.HoldSlotRequest{Slot: "slots/v1"})
			if err != nil {
				t.Fatal(err)
			}
			if h.Holder != arm44.Subject || !h.ExpireTime.AsTime().Equal(t0.Add(5*time.Minute)) {
				t.Errorf("hold %v", h)
			}
			o := e.orient(arm44, &searchv1.Orientation{Type: searchv1.Orientation_TYPE_SLOT, Slot: "slots/v1", ConsultationMode: video})
			if want := "https://agenda.example.fr/rdv?praticien=42&q=a%20b&origin=sas#creneau"; o.BookingUrl != want {
				t.Errorf("booking_url %q, want %q", o.BookingUrl, want)
			}
			if u, err := url.Parse(o.BookingUrl); err != nil || u.Query().Get("origin") != "sas" || u.Query().Get("q") != "a b" {
				t.Errorf("booking_url %q does not parse back: %v", o.BookingUrl, err)
			}
			if o.HandoffToken == "" || o.HandoffExpireTime == nil {
				t.Errorf("no handoff: %v", o)
			}
			if o.Regulator != arm44.Subject || o.Territory != arm44.Territory || o.Professional != proA || o.Structure != "" ||
				!o.CreateTime.AsTime().Equal(t0) || !strings.HasPrefix(o.Name, "orientations/") {
				t.Errorf("orientation %v", o)
			}
			calls, callers := e.accts.issued()
			if len(calls) != 1 || calls[0].Account != arm44.Subject || calls[0].Vendor != vendor || callers[0] != "services/search" {
				t.Errorf("handoff requests %v by %v", calls, callers)
			}
			got, err := e.client.GetOrientation(e.as(nurse44), &searchv1.GetOrientationRequest{Name: o.Name})
			if err != nil {
				t.Fatal(err)
			}
			stored := proto.Clone(o).(*searchv1.Orientation)
			stored.HandoffToken, stored.HandoffExpireTime = "", nil
			if !proto.Equal(got, stored) {
				t.Errorf("get %v, want %v", got, stored)
			}
		},
		"second regulator gets SLOT_HELD": func(t *testing.T, e *env) {
			if _, err := e.client.HoldSlot(e.as(arm44), &searchv1.HoldSlotRequest{Slot: "slots/v1"}); err != nil {
				t.Fatal(err)
			}
			_, err := e.client.HoldSlot(e.as(nurse44), &searchv1.HoldSlotRequest{Slot: "slots/v1"})
			refused(t, "hold", err, codes.AlreadyExists, "SLOT_HELD")
			if strings.Contains(status.Convert(err).Message(), "arm-44") {
				t.Errorf("refusal names the holder: %v", err)
			}
			_, err = e.client.CreateOrientation(e.as(nurse44), &searchv1.CreateOrientationRequest{Orientation: slotOrientation("slots/v1")})
			refused(t, "orient", err, codes.FailedPrecondition, "SLOT_HELD")
			e.advance(4 * time.Minute)
			h, err := e.client.HoldSlot(e.as(arm44), &searchv1.HoldSlotRequest{Slot: "slots/v1"})
			if err != nil || !h.ExpireTime.AsTime().Equal(t0.Add(9*time.Minute)) {
				t.Fatalf("extend: %v %v", h, err)
			}
			e.advance(2 * time.Minute) // the first hold would have ended
			_, err = e.client.HoldSlot(e.as(nurse44), &searchv1.HoldSlotRequest{Slot: "slots/v1"})
			refused(t, "hold after extension", err, codes.AlreadyExists, "SLOT_HELD")
			e.orient(arm44, slotOrientation("slots/v1"))
		},
		"a hold expires": func(t *testing.T, e *env) {
			if _, err := e.client.HoldSlot(e.as(arm44), &searchv1.HoldSlotRequest{Slot: "slots/v1"}); err != nil {
				t.Fatal(err)
			}
			e.advance(5 * time.Minute)
			if _, err := e.client.HoldSlot(e.as(nurse44), &searchv1.HoldSlotRequest{Slot: "slots/v1"}); err != nil {
				t.Fatalf("hold after expiry: %v", err)
			}
			_, err := e.client.CreateOrientation(e.as(arm44), &searchv1.CreateOrientationRequest{Orientation: slotOrientation("slots/v1")})
			refused(t, "first holder", err, codes.FailedPrecondition, "SLOT_HELD")
			e.orient(nurse44, slotOrientation("slots/v1"))
		},
		"an oriented slot is taken": func(t *testing.T, e *env) {
			e.orient(arm44, slotOrientation("slots/v1"))
			_, err := e.client.CreateOrientation(e.as(nurse44), &searchv1.CreateOrientationRequest{Orientation: slotOrientation("slots/v1")})
			refused(t, "other regulator while held", err, codes.FailedPrecondition, "SLOT_TAKEN")
			e.advance(time.Hour)
			_, err = e.client.HoldSlot(e.as(nurse44), &searchv1.HoldSlotRequest{Slot: "slots/v1"})
			refused(t, "hold", err, codes.FailedPrecondition, "SLOT_TAKEN")
			for _, p := range []*auth.Principal{nurse44, arm44} {
				_, err = e.client.CreateOrientation(e.as(p), &searchv1.CreateOrientationRequest{Orientation: slotOrientation("slots/v1")})
				refused(t, "orient "+p.Subject, err, codes.FailedPrecondition, "SLOT_TAKEN")
			}
		},
		"slot refusals": func(t *testing.T, e *env) {
			for _, c := range []struct {
				name   string
				o      *searchv1.Orientation
				code   codes.Code
				reason string
			}{
				{"unknown", slotOrientation("slots/nope"), codes.NotFound, ""},
				{"booked", slotOrientation("slots/booked"), codes.FailedPrecondition, "SLOT_NOT_FREE"},
				{"started", slotOrientation("slots/started"), codes.FailedPrecondition, "SLOT_STARTED"},
				{"mode", &searchv1.Orientation{Type: searchv1.Orientation_TYPE_SLOT, Slot: "slots/v1", ConsultationMode: home},
					codes.InvalidArgument, "MODE_NOT_OFFERED"},
				{"other professional", &searchv1.Orientation{Type: searchv1.Orientation_TYPE_SLOT, Slot: "slots/v1",
					Professional: "professionals/810000000002"}, codes.InvalidArgument, "orientation.professional"},
				{"vendor disabled", slotOrientation("slots/off"), codes.FailedPrecondition, "VENDOR_DISABLED"},
			} {
				_, err := e.client.CreateOrientation(e.as(arm44), &searchv1.CreateOrientationRequest{Orientation: c.o})
				refused(t, c.name, err, c.code, c.reason)
			}
			_, err := e.client.HoldSlot(e.as(arm44), &searchv1.HoldSlotRequest{Slot: "slots/booked"})
			refused(t, "hold booked", err, codes.FailedPrecondition, "SLOT_NOT_FREE")
			// Nothing was recorded, and the refused slots are not held.
			list, err := e.client.ListOrientations(e.as(arm44), &searchv1.ListOrientationsRequest{})
			if err != nil || len(list.Orientations) != 0 {
				t.Errorf("list %v %v", list, err)
			}
			e.orient(nurse44, slotOrientation("slots/v1")) // the refused attempts did not hold it
		},
		"hand-entered and structure slots": func(t *testing.T, e *env) {
			o := e.orient(arm44, slotOrientation("slots/hand"))
			if o.BookingUrl != "" || o.HandoffToken != "" || o.Professional != proA {
				t.Errorf("hand slot %v", o)
			}
			if calls, _ := e.accts.issued(); len(calls) != 0 {
				t.Errorf("handoff for a hand-entered slot: %v", calls)
			}
			o = e.orient(arm44, &searchv1.Orientation{Type: searchv1.Orientation_TYPE_SLOT, Slot: "slots/sos", Structure: "sites/sos-44"})
			if o.Professional != "" || o.Structure != "sites/sos-44" || o.BookingUrl != "https://sos.example.fr/book?origin=sas" {
				t.Errorf("structure slot %v", o)
			}
		},
	})
}

func TestConcurrentRegulators(t *testing.T) {
	run(t, map[string]func(*testing.T, *env){
		"one hold and one orientation win": func(t *testing.T, e *env) {
			regulators := make([]*auth.Principal, 6)
			for i := range regulators {
				regulators[i] = &auth.Principal{Subject: "accounts/r" + string(rune('a'+i)), Kind: auth.KindUser,
					Role: arm44.Role, Territory: arm44.Territory}
			}
			race := func(call func(p *auth.Principal) error) (ok int, codes []codes.Code) {
				var mu sync.Mutex
				var wg sync.WaitGroup
				for _, p := range regulators {
					wg.Go(func() {
						err := call(p)
						mu.Lock()
						defer mu.Unlock()
						if err == nil {
							ok++
						} else {
							codes = append(codes, status.Code(err))
						}
					})
				}
				wg.Wait()
				return ok, codes
			}
			ok, refusals := race(func(p *auth.Principal) error {
				_, err := e.client.HoldSlot(e.as(p), &searchv1.HoldSlotRequest{Slot: "slots/v2"})
				return err
			})
			if ok != 1 || slices.ContainsFunc(refusals, func(c codes.Code) bool { return c != codes.AlreadyExists }) {
				t.Errorf("holds: %d won, refusals %v", ok, refusals)
			}
			ok, refusals = race(func(p *auth.Principal) error {
				_, err := e.client.CreateOrientation(e.as(p), &searchv1.CreateOrientationRequest{Orientation: slotOrientation("slots/v3")})
				return err
			})
			if ok != 1 || slices.ContainsFunc(refusals, func(c codes.Code) bool { return c != codes.FailedPrecondition }) {
				t.Errorf("orientations: %d won, refusals %v", ok, refusals)
			}
		},
	})
}

func TestRangesAndExtraPatients(t *testing.T) {
	run(t, map[string]func(*testing.T, *env){
		"range counts up to its maximum": func(t *testing.T, e *env) {
			o := e.orient(arm44, rangeOrientation("ranges/r1"))
			if o.Professional != proA || o.Range != "ranges/r1" || o.BookingUrl != "" || o.HandoffToken != "" {
				t.Errorf("range orientation %v", o)
			}
			e.orient(nurse44, rangeOrientation("ranges/r1"))
			if n := e.avail.count("ranges/r1"); n != 2 {
				t.Errorf("count %d, want 2", n)
			}
			_, err := e.client.CreateOrientation(e.as(arm44), &searchv1.CreateOrientationRequest{Orientation: rangeOrientation("ranges/r1")})
			refused(t, "third", err, codes.FailedPrecondition, "RANGE_FULL")
			_, err = e.client.CreateOrientation(e.as(arm44), &searchv1.CreateOrientationRequest{Orientation: rangeOrientation("ranges/ended")})
			refused(t, "ended", err, codes.FailedPrecondition, "RANGE_ENDED")
			_, err = e.client.CreateOrientation(e.as(arm44), &searchv1.CreateOrientationRequest{Orientation: rangeOrientation("ranges/nope")})
			refused(t, "unknown", err, codes.NotFound, "")
			list, err := e.client.ListOrientations(e.as(arm44), &searchv1.ListOrientationsRequest{Filter: "type = TYPE_RANGE"})
			if err != nil || len(list.Orientations) != 2 {
				t.Errorf("range orientations %v %v", list, err)
			}
		},
		"extra patient": func(t *testing.T, e *env) {
			o := e.orient(nurse44, &searchv1.Orientation{Type: searchv1.Orientation_TYPE_EXTRA_PATIENT,
				Professional: "professionals/810000000002", ConsultationMode: home})
			if o.Professional != "professionals/810000000002" || o.Slot != "" || o.Range != "" || o.ConsultationMode != home {
				t.Errorf("extra patient %v", o)
			}
			e.orient(nurse44, &searchv1.Orientation{Type: searchv1.Orientation_TYPE_EXTRA_PATIENT, Structure: "sites/cpts-nantes"})
		},
		"invalid requests": func(t *testing.T, e *env) {
			extra := searchv1.Orientation_TYPE_EXTRA_PATIENT
			for _, c := range []struct {
				o     *searchv1.Orientation
				field string
			}{
				{nil, "orientation"},
				{&searchv1.Orientation{Slot: "slots/v1"}, "orientation.type"},
				{&searchv1.Orientation{Type: searchv1.Orientation_TYPE_SLOT}, "orientation.slot"},
				{&searchv1.Orientation{Type: searchv1.Orientation_TYPE_SLOT, Slot: "v1"}, "orientation.slot"},
				{&searchv1.Orientation{Type: searchv1.Orientation_TYPE_SLOT, Slot: "slots/v1", Range: "ranges/r1"}, "orientation.range"},
				{&searchv1.Orientation{Type: searchv1.Orientation_TYPE_RANGE}, "orientation.range"},
				{&searchv1.Orientation{Type: extra}, "orientation.professional"},
				{&searchv1.Orientation{Type: extra, Professional: "professionals/42"}, "orientation.professional"},
				{&searchv1.Orientation{Type: extra, Structure: "cpts"}, "orientation.structure"},
				{&searchv1.Orientation{Type: extra, Structure: "sites/c", Slot: "slots/v1"}, "orientation.slot"},
				{&searchv1.Orientation{Type: extra, Structure: "sites/c", ConsultationMode: 9}, "orientation.consultation_mode"},
			} {
				_, err := e.client.CreateOrientation(e.as(arm44), &searchv1.CreateOrientationRequest{Orientation: c.o})
				refused(t, c.field, err, codes.InvalidArgument, c.field)
			}
			_, err := e.client.CreateOrientation(e.as(arm44), &searchv1.CreateOrientationRequest{
				Orientation: rangeOrientation("ranges/r1"), RequestId: "not-a-uuid"})
			refused(t, "request_id", err, codes.InvalidArgument, "request_id")
			_, err = e.client.HoldSlot(e.as(arm44), &searchv1.HoldSlotRequest{Slot: "v1"})
			refused(t, "hold", err, codes.InvalidArgument, "slot")
		},
		"only regulators orient": func(t *testing.T, e *env) {
			for _, p := range []*auth.Principal{referent, national, service, physician} {
				_, err := e.client.CreateOrientation(e.as(p), &searchv1.CreateOrientationRequest{Orientation: slotOrientation("slots/v1")})
				refused(t, p.Subject, err, codes.PermissionDenied, "")
				_, err = e.client.HoldSlot(e.as(p), &searchv1.HoldSlotRequest{Slot: "slots/v1"})
				refused(t, p.Subject, err, codes.PermissionDenied, "")
			}
		},
	})
}

func TestIdempotentRetry(t *testing.T) {
	run(t, map[string]func(*testing.T, *env){
		"a retry returns the first answer": func(t *testing.T, e *env) {
			const idA, idB = "6f1c1a52-8d3e-4b59-9b7a-2f0c1d2e3f40", "6f1c1a52-8d3e-4b59-9b7a-2f0c1d2e3f41"
			var names []string
			for _, req := range []*searchv1.CreateOrientationRequest{
				{Orientation: rangeOrientation("ranges/r1"), RequestId: idA},
				{Orientation: slotOrientation("slots/v1"), RequestId: idB},
			} {
				first, err := e.client.CreateOrientation(e.as(arm44), req)
				if err != nil {
					t.Fatal(err)
				}
				e.advance(time.Minute)
				again, err := e.client.CreateOrientation(e.as(arm44), req)
				if err != nil || !proto.Equal(first, again) {
					t.Errorf("retry: %v %v, want %v", again, err, first)
				}
				names = append(names, first.Name)
			}
			if n := e.avail.count("ranges/r1"); n != 1 {
				t.Errorf("range count %d after a retry, want 1", n)
			}
			if calls, _ := e.accts.issued(); len(calls) != 1 {
				t.Errorf("%d handoff tokens, want 1", len(calls))
			}
			_, err := e.client.CreateOrientation(e.as(arm44), &searchv1.CreateOrientationRequest{
				Orientation: rangeOrientation("ranges/ended"), RequestId: idA})
			refused(t, "id reused for another request", err, codes.InvalidArgument, "request_id")
			// Another regulator's request with the same id is its own.
			other, err := e.client.CreateOrientation(e.as(nurse44), &searchv1.CreateOrientationRequest{
				Orientation: rangeOrientation("ranges/r1"), RequestId: idA})
			if err != nil {
				t.Fatal(err)
			}
			if n := e.avail.count("ranges/r1"); n != 2 || slices.Contains(names, other.Name) {
				t.Errorf("range count %d, want 2; name %s", n, other.Name)
			}
		},
	})
}

func TestReads(t *testing.T) {
	run(t, map[string]func(*testing.T, *env){
		"get within the territory": func(t *testing.T, e *env) {
			o := e.orient(arm44, rangeOrientation("ranges/r1"))
			for _, p := range []*auth.Principal{arm44, nurse44, referent, national, service} {
				if _, err := e.client.GetOrientation(e.as(p), &searchv1.GetOrientationRequest{Name: o.Name}); err != nil {
					t.Errorf("%s: %v", p.Subject, err)
				}
			}
			_, err := e.client.GetOrientation(e.as(arm75), &searchv1.GetOrientationRequest{Name: o.Name})
			refused(t, "other territory", err, codes.NotFound, "")
			_, err = e.client.GetOrientation(e.as(arm44), &searchv1.GetOrientationRequest{Name: "orientations/00000000-0000-4000-8000-000000000000"})
			refused(t, "unknown", err, codes.NotFound, "")
			_, err = e.client.GetOrientation(e.as(arm44), &searchv1.GetOrientationRequest{Name: "o1"})
			refused(t, "bad name", err, codes.InvalidArgument, "name")
		},
		"list filters and pages": func(t *testing.T, e *env) {
			var made []*searchv1.Orientation // SAS-44, oldest first
			extra := func(n int) *searchv1.Orientation {
				return &searchv1.Orientation{Type: searchv1.Orientation_TYPE_EXTRA_PATIENT,
					Professional: "professionals/81000000000" + string(rune('0'+n))}
			}
			for i := range 7 {
				p := arm44
				if i%2 == 1 {
					p = nurse44
				}
				made = append(made, e.orient(p, extra(i)))
				e.orient(arm75, extra(i))
				e.advance(time.Minute)
			}
			made = append(made, e.orient(arm44, rangeOrientation("ranges/r1")))
			slices.Reverse(made)
			names := func(list []*searchv1.Orientation) []string {
				var out []string
				for _, o := range list {
					out = append(out, o.Name)
				}
				return out
			}
			var got []*searchv1.Orientation
			req := &searchv1.ListOrientationsRequest{PageSize: 3}
			for pages := 0; ; pages++ {
				resp, err := e.client.ListOrientations(e.as(referent), req)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, resp.Orientations...)
				if req.PageToken = resp.NextPageToken; req.PageToken == "" || pages > 5 {
					break
				}
			}
			if !slices.Equal(names(got), names(made)) {
				t.Errorf("pages %v, want %v", names(got), names(made))
			}
			for filter, want := range map[string]int{
				`regulator = "accounts/nurse-44"`: 3,
				`type = TYPE_RANGE`:               1,
				`create_time >= "2026-11-24T08:02:00Z" AND create_time < "2026-11-24T08:04:00Z"`: 2,
				`create_time > "2026-11-24T08:06:00Z"`:                                           1,
				`territory = "territories/SAS-44" AND type = TYPE_EXTRA_PATIENT`:                 7,
			} {
				resp, err := e.client.ListOrientations(e.as(arm44), &searchv1.ListOrientationsRequest{Filter: filter})
				if err != nil || len(resp.Orientations) != want {
					t.Errorf("%s: %d %v, want %d", filter, len(resp.GetOrientations()), err, want)
				}
			}
			all, err := e.client.ListOrientations(e.as(national), &searchv1.ListOrientationsRequest{})
			if err != nil || len(all.Orientations) != 15 {
				t.Errorf("national: %d %v", len(all.GetOrientations()), err)
			}
			first, err := e.client.ListOrientations(e.as(arm44), &searchv1.ListOrientationsRequest{PageSize: 1})
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.client.ListOrientations(e.as(arm44), &searchv1.ListOrientationsRequest{PageToken: first.NextPageToken, Filter: "type = TYPE_SLOT"})
			refused(t, "token of other parameters", err, codes.InvalidArgument, "page_token")
			_, err = e.client.ListOrientations(e.as(arm44), &searchv1.ListOrientationsRequest{Filter: `territory = "territories/SAS-75"`})
			refused(t, "other territory", err, codes.PermissionDenied, "OUTSIDE_TERRITORY")
			for _, f := range []string{"type = SLOT", "color = 1", `create_time > "yesterday"`, `regulator = "bob"`} {
				_, err = e.client.ListOrientations(e.as(arm44), &searchv1.ListOrientationsRequest{Filter: f})
				refused(t, f, err, codes.InvalidArgument, "filter")
			}
		},
	})
}

func TestAudit(t *testing.T) {
	run(t, map[string]func(*testing.T, *env){
		"orientations are audited without patient data": func(t *testing.T, e *env) {
			o := e.orient(arm44, &searchv1.Orientation{Type: searchv1.Orientation_TYPE_SLOT, Slot: "slots/v1", ConsultationMode: practice})
			for _, ev := range e.events() {
				if ev.Action != searchv1.OrientationService_CreateOrientation_FullMethodName {
					continue
				}
				want := map[string]string{"type": "TYPE_SLOT", "slot": "slots/v1", "consultation_mode": "CONSULTATION_MODE_PRACTICE"}
				if ev.Actor != arm44.Subject || ev.Target != o.Name || ev.Territory != arm44.Territory || len(ev.Details) != len(want) {
					t.Errorf("event %v", ev)
				}
				for k, v := range want {
					if ev.Details[k] != v {
						t.Errorf("detail %s = %q, want %q", k, ev.Details[k], v)
					}
				}
				return
			}
			t.Error("no audit event")
		},
	})
}
