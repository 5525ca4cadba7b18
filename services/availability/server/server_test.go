package server_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/auth/authtest"
	"github.com/sas-platform/sas/services/platform/dbtest"
)

func TestServer(t *testing.T) {
	dbtest.Run(t, "availability", store.Migrations, map[string]func(*testing.T, dbtest.Engine){
		"push":          testPush,
		"replace":       testReplace,
		"hand entry":    testHandEntry,
		"participation": testParticipation,
		"ranges":        testRanges,
		"watch":         testWatch,
		"rate limit":    testRateLimit,
		"appointments":  testAppointments,
	})
}

// reasonOf is the ErrorInfo reason of an item error, else the first field violation.
func reasonOf(st *status.Status) string {
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok && len(br.GetFieldViolations()) > 0 {
			return br.GetFieldViolations()[0].GetField()
		}
	}
	return st.Code().String()
}

func itemReasons(errs []*commonv1.BatchItemError) map[int32]string {
	out := map[int32]string{}
	for _, e := range errs {
		out[e.GetIndex()] = reasonOf(status.FromProto(e.GetStatus()))
	}
	return out
}

func testPush(t *testing.T, e dbtest.Engine) {
	v := newEnv(t, e)
	ctx := v.vendor("v1")
	endBeforeStart := slot("b1", proA, 5)
	endBeforeStart.EndTime = timestamppb.New(t0.Add(4 * time.Hour))
	unknownCode := slot("b2", proA, 6)
	unknownCode.Specialty = "SM99"
	noMode := slot("b3", proA, 7)
	noMode.ConsultationModes = nil
	req := &availabilityv1.BatchUpsertSlotsRequest{Parent: "vendors/v1", RequestId: "6f1c1e9a-4d7b-4b8e-9a51-0d9f0c7f2a10", Slots: []*availabilityv1.Slot{
		slot("ok1", proA, 1),             // 0 stored
		slot("ok2", proB, 1),             // 1 stored
		slot("past", proA, -2),           // 2 in the past
		slot("far", proA, 24*15),         // 3 beyond 14 days
		endBeforeStart,                   // 4
		unknownCode,                      // 5
		slot("ghost", "899999999999", 2), // 6 unknown professional
		slot("inactive", inactive, 2),    // 7
		slot("optout", optedOut, 2),      // 8
		slot("ok1", proA, 3),             // 9 duplicate external id
		slot("overlap", proA, 1.25),      // 10 overlaps ok1
		noMode,                           // 11
		{ExternalId: "bad id!", Professional: "professionals/" + proA}, // 12
	}}
	resp, err := v.slots.BatchUpsertSlots(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int32]string{2: "SLOT_IN_THE_PAST", 3: "SLOT_BEYOND_HORIZON", 4: "INVALID_SLOT", 5: "UNKNOWN_CODE",
		6: store.ReasonUnknownProfessional, 7: store.ReasonInactiveProfessional, 8: store.ReasonOptedOut,
		9: "DUPLICATE_EXTERNAL_ID", 10: store.ReasonOverlap, 11: "INVALID_SLOT", 12: "INVALID_SLOT"}
	got := itemReasons(resp.GetErrors())
	if resp.GetStoredCount() != 2 || len(got) != len(want) {
		t.Fatalf("stored %d, errors %v; want 2 stored and %v", resp.GetStoredCount(), got, want)
	}
	for i, r := range want {
		if got[i] != r {
			t.Errorf("slot %d: reason %q, want %q", i, got[i], r)
		}
	}
	for _, e := range resp.GetErrors() {
		if e.GetIndex() == 4 && !strings.Contains(e.GetStatus().GetMessage(), "slots[4].end_time") {
			t.Errorf("slot 4 message %q does not name the field", e.GetStatus().GetMessage())
		}
	}
	// The retry answers the same and writes nothing.
	last, _ := v.db.LastSeq(ctx)
	again, err := v.slots.BatchUpsertSlots(ctx, req)
	if err != nil || !proto.Equal(again, resp) {
		t.Errorf("retry: %v, %v", again, err)
	}
	if now, _ := v.db.LastSeq(ctx); now != last {
		t.Errorf("retry wrote %d changes", now-last)
	}
	// The same request id for other slots is refused.
	other := proto.Clone(req).(*availabilityv1.BatchUpsertSlotsRequest)
	other.Slots = other.Slots[:1]
	if _, err := v.slots.BatchUpsertSlots(ctx, other); status.Code(err) != codes.InvalidArgument {
		t.Errorf("reused request id: %v", err)
	}
	// Only the vendor itself pushes to its parent; oversized batches are refused whole.
	if _, err := v.slots.BatchUpsertSlots(v.vendor("v2"), &availabilityv1.BatchUpsertSlotsRequest{Parent: "vendors/v1",
		Slots: []*availabilityv1.Slot{slot("x", proA, 9)}}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("another vendor's parent: %v", err)
	}
	big := &availabilityv1.BatchUpsertSlotsRequest{Parent: "vendors/v1"}
	for i := range 1001 {
		big.Slots = append(big.Slots, slot("s"+string(rune('a'+i%26)), proA, 1))
	}
	if _, err := v.slots.BatchUpsertSlots(ctx, big); status.Code(err) != codes.InvalidArgument {
		t.Errorf("1,001 slots: %v", err)
	}
	// A vendor lists its own slots, not another's.
	list, err := v.slots.ListSlots(ctx, &availabilityv1.ListSlotsRequest{Parent: "vendors/v1", PageSize: 1})
	if err != nil || len(list.GetSlots()) != 1 || list.GetNextPageToken() == "" {
		t.Fatalf("list page 1: %v, %v", list, err)
	}
	next, err := v.slots.ListSlots(ctx, &availabilityv1.ListSlotsRequest{Parent: "vendors/v1", PageSize: 1, PageToken: list.GetNextPageToken()})
	if err != nil || len(next.GetSlots()) != 1 || next.GetSlots()[0].GetName() == list.GetSlots()[0].GetName() {
		t.Fatalf("list page 2: %v, %v", next, err)
	}
	if _, err := v.slots.ListSlots(v.vendor("v2"), &availabilityv1.ListSlotsRequest{Parent: "vendors/v1"}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("another vendor's list: %v", err)
	}
	if _, err := v.slots.GetSlot(v.vendor("v2"), &availabilityv1.GetSlotRequest{Name: list.GetSlots()[0].GetName()}); status.Code(err) != codes.NotFound {
		t.Errorf("another vendor's slot: %v", err)
	}
	del, err := v.slots.BatchDeleteSlots(ctx, &availabilityv1.BatchDeleteSlotsRequest{Parent: "vendors/v1", ExternalIds: []string{"ok1", "nope", ""}})
	if err != nil || del.GetDeletedCount() != 1 || len(del.GetErrors()) != 1 || del.GetErrors()[0].GetIndex() != 2 {
		t.Errorf("delete: %v, %v", del, err)
	}
}

func testReplace(t *testing.T, e dbtest.Engine) {
	v := newEnv(t, e)
	ctx := v.vendor("v1")
	if _, err := v.slots.BatchUpsertSlots(ctx, &availabilityv1.BatchUpsertSlotsRequest{Parent: "vendors/v1",
		Slots: []*availabilityv1.Slot{slot("a", proA, 1), slot("b", proA, 2), slot("c", proA, 50)}}); err != nil {
		t.Fatal(err)
	}
	window := &commonv1.TimeRange{StartTime: timestamppb.New(t0), EndTime: timestamppb.New(t0.Add(24 * time.Hour))}
	resp, err := v.slots.ReplaceSlots(ctx, &availabilityv1.ReplaceSlotsRequest{Parent: "vendors/v1", Professional: "professionals/" + proA,
		Window: window, Slots: []*availabilityv1.Slot{slot("b", proA, 2), slot("d", proA, 3), slot("e", proA, 30), slot("f", proB, 4)}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetStoredCount() != 2 || resp.GetDeletedCount() != 1 || len(resp.GetErrors()) != 2 {
		t.Errorf("replace: %v", resp)
	}
	list, _ := v.slots.ListSlots(ctx, &availabilityv1.ListSlotsRequest{Parent: "vendors/v1"})
	var ext []string
	for _, s := range list.GetSlots() {
		ext = append(ext, s.GetExternalId())
	}
	if strings.Join(ext, ",") != "b,d,c" {
		t.Errorf("after replace: %v, want b, d, c", ext)
	}
	if _, err := v.slots.ReplaceSlots(ctx, &availabilityv1.ReplaceSlotsRequest{Parent: "vendors/v1", Professional: "professionals/" + proA,
		Window: &commonv1.TimeRange{StartTime: timestamppb.New(t0), EndTime: timestamppb.New(t0.Add(40 * 24 * time.Hour))}}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("40-day window: %v", err)
	}
}

func testHandEntry(t *testing.T, e dbtest.Engine) {
	v := newEnv(t, e)
	in := slot("", "", 2)
	in.Professional, in.ExternalId = "", ""
	created, err := v.slots.CreateSlot(v.professional(proA), &availabilityv1.CreateSlotRequest{Parent: "professionals/" + proA, Slot: in})
	if err != nil {
		t.Fatal(err)
	}
	if created.GetVendor() != "" || created.GetProfessional() != "professionals/"+proA || created.GetPlace().GetSite() != "sites/a" || !created.GetPublished() {
		t.Errorf("created %v", created)
	}
	if _, err := v.slots.CreateSlot(v.professional(proB), &availabilityv1.CreateSlotRequest{Parent: "professionals/" + proA, Slot: in}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("another professional: %v", err)
	}
	if _, err := v.slots.CreateSlot(v.professional(inactive), &availabilityv1.CreateSlotRequest{Parent: "professionals/" + inactive, Slot: in}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("inactive professional: %v", err)
	}
	// A delegate moves it; a stale etag is ABORTED.
	moved := &availabilityv1.Slot{Name: created.GetName(), Etag: created.GetEtag(),
		StartTime: timestamppb.New(t0.Add(5 * time.Hour)), EndTime: timestamppb.New(t0.Add(6 * time.Hour))}
	mask := &fieldmaskpb.FieldMask{Paths: []string{"start_time", "end_time"}}
	updated, err := v.slots.UpdateSlot(v.delegate(proA), &availabilityv1.UpdateSlotRequest{Slot: moved, UpdateMask: mask})
	if err != nil || !updated.GetStartTime().AsTime().Equal(t0.Add(5*time.Hour)) || updated.GetEtag() == created.GetEtag() {
		t.Fatalf("update: %v, %v", updated, err)
	}
	if _, err := v.slots.UpdateSlot(v.delegate(proA), &availabilityv1.UpdateSlotRequest{Slot: moved, UpdateMask: mask}); status.Code(err) != codes.Aborted {
		t.Errorf("stale etag: %v", err)
	}
	if _, err := v.slots.UpdateSlot(v.delegate(proB), &availabilityv1.UpdateSlotRequest{Slot: moved, UpdateMask: mask}); status.Code(err) != codes.NotFound {
		t.Errorf("delegate of another: %v", err)
	}
	if _, err := v.slots.UpdateSlot(v.delegate(proA), &availabilityv1.UpdateSlotRequest{Slot: moved, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"vendor"}}}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("bad mask: %v", err)
	}
	// A vendor's slot is the vendor's agenda: the professional does not change it here.
	if _, err := v.slots.BatchUpsertSlots(v.vendor("v1"), &availabilityv1.BatchUpsertSlotsRequest{Parent: "vendors/v1",
		Slots: []*availabilityv1.Slot{slot("x", proA, 10)}}); err != nil {
		t.Fatal(err)
	}
	list, err := v.slots.ListSlots(v.professional(proA), &availabilityv1.ListSlotsRequest{Parent: "professionals/" + proA,
		Filter: `start_time >= "2026-11-24T17:00:00Z"`})
	if err != nil || len(list.GetSlots()) != 1 || list.GetSlots()[0].GetVendor() != "vendors/v1" {
		t.Fatalf("list with filter: %v, %v", list, err)
	}
	if err := deleteSlot(v, list.GetSlots()[0].GetName()); status.Code(err) != codes.PermissionDenied {
		t.Errorf("delete a vendor's slot: %v", err)
	}
	if err := deleteSlot(v, created.GetName()); err != nil {
		t.Errorf("delete: %v", err)
	}
}

func deleteSlot(v *env, name string) error {
	_, err := v.slots.DeleteSlot(v.professional(proA), &availabilityv1.DeleteSlotRequest{Name: name})
	return err
}

func testParticipation(t *testing.T, e dbtest.Engine) {
	v := newEnv(t, e)
	if _, err := v.slots.BatchUpsertSlots(v.vendor("ven1"), &availabilityv1.BatchUpsertSlotsRequest{Parent: "vendors/ven1",
		Slots: []*availabilityv1.Slot{slot("x", proA, 1)}}); err != nil {
		t.Fatal(err)
	}
	name := "professionals/" + proA + "/participation"
	p, err := v.part.GetParticipation(v.professional(proA), &availabilityv1.GetParticipationRequest{Name: name})
	if err != nil || !p.GetParticipates() || !p.GetVendorInterfacing() {
		t.Fatalf("default: %v, %v", p, err)
	}
	p, err = v.part.UpdateParticipation(v.delegate(proA), &availabilityv1.UpdateParticipationRequest{
		Participation: &availabilityv1.Participation{Name: name, VendorInterfacing: false, AcceptsExtraPatients: true,
			Mode: commonv1.ParticipationMode_PARTICIPATION_MODE_CPTS, Structure: "sites/b", Vendors: []string{"vendors/ven1"}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"vendor_interfacing", "accepts_extra_patients", "mode", "structure", "vendors"}}})
	if err != nil || p.GetVendorInterfacing() || !p.GetAcceptsExtraPatients() {
		t.Fatalf("update: %v, %v", p, err)
	}
	list, _ := v.slots.ListSlots(v.vendor("ven1"), &availabilityv1.ListSlotsRequest{Parent: "vendors/ven1"})
	if len(list.GetSlots()) != 1 || list.GetSlots()[0].GetPublished() {
		t.Errorf("vendor slot still published with interfacing off: %v", list.GetSlots())
	}
	if _, err := v.part.UpdateParticipation(v.professional(proB), &availabilityv1.UpdateParticipationRequest{
		Participation: &availabilityv1.Participation{Name: name}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"participates"}}}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("another professional: %v", err)
	}
	if _, err := v.part.UpdateParticipation(v.professional(proA), &availabilityv1.UpdateParticipationRequest{
		Participation: &availabilityv1.Participation{Name: name, Mode: commonv1.ParticipationMode_PARTICIPATION_MODE_MSP},
		UpdateMask:    &fieldmaskpb.FieldMask{Paths: []string{"mode", "structure"}}}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("MSP without a structure: %v", err)
	}
	ids, err := v.db.VendorProfessionals(v.professional(proA), "vendors/ven1")
	if err != nil || len(ids) != 0 {
		t.Errorf("pulled while interfacing is off: %v, %v", ids, err)
	}
}

func testRanges(t *testing.T, e dbtest.Engine) {
	v := newEnv(t, e)
	r, err := v.slots.CreateRange(v.professional(proB), &availabilityv1.CreateRangeRequest{Parent: "professionals/" + proB,
		Range: &availabilityv1.Range{StartTime: timestamppb.New(t0.Add(time.Hour)), EndTime: timestamppb.New(t0.Add(3 * time.Hour)),
			MaxPatients: 1, ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE}}})
	if err != nil {
		t.Fatal(err)
	}
	svc := v.as(authtest.Service("search"))
	if _, err := v.slots.ReserveRangePlace(svc, &availabilityv1.ReserveRangePlaceRequest{Name: r.GetName(), Orientation: "orientations/1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.slots.ReserveRangePlace(svc, &availabilityv1.ReserveRangePlaceRequest{Name: r.GetName(), Orientation: "orientations/2"}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("full range: %v", err)
	}
	if _, err := v.slots.ReserveRangePlace(v.professional(proB), &availabilityv1.ReserveRangePlaceRequest{Name: r.GetName(), Orientation: "orientations/3"}); status.Code(err) != codes.PermissionDenied {
		t.Errorf("a professional reserving: %v", err)
	}
	_, err = v.slots.UpdateRange(v.professional(proB), &availabilityv1.UpdateRangeRequest{Range: &availabilityv1.Range{Name: r.GetName(), MaxPatients: 0},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"max_patients"}}})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("max below count: %v", err)
	}
	got, err := v.slots.GetRange(v.professional(proB), &availabilityv1.GetRangeRequest{Name: r.GetName()})
	if err != nil || got.GetOrientationCount() != 1 {
		t.Errorf("get: %v, %v", got, err)
	}
}

func testWatch(t *testing.T, e dbtest.Engine) {
	v := newEnv(t, e)
	if _, err := v.slots.BatchUpsertSlots(v.vendor("v1"), &availabilityv1.BatchUpsertSlotsRequest{Parent: "vendors/v1",
		Slots: []*availabilityv1.Slot{slot("a", proA, 1)}}); err != nil {
		t.Fatal(err)
	}
	svc := v.as(authtest.Service("search"))
	stream, err := v.slots.WatchChanges(svc, &availabilityv1.WatchChangesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	first, err := stream.Recv()
	if err != nil || first.GetSlot().GetExternalId() != "a" {
		t.Fatalf("snapshot: %v, %v", first, err)
	}
	mark, err := stream.Recv()
	if err != nil || mark.GetType() != commonv1.ChangeType_CHANGE_TYPE_BOOKMARK {
		t.Fatalf("bookmark: %v, %v", mark, err)
	}
	// An opt-out reaches the feed as the slot withdrawn.
	if _, err := v.db.ApplyDirectory(svc, []store.Professional{{NationalID: proA, Active: true, OptedOut: true, Sites: []string{"sites/a"}}}, nil, "d1.2"); err != nil {
		t.Fatal(err)
	}
	change, err := stream.Recv()
	if err != nil || change.GetSlot().GetPublished() || change.GetResumeToken() == "" {
		t.Fatalf("opt-out change: %v, %v", change, err)
	}
	if _, err := v.slots.BatchDeleteSlots(v.vendor("v1"), &availabilityv1.BatchDeleteSlotsRequest{Parent: "vendors/v1", ExternalIds: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	// Resuming after the opt-out gives the deletion only.
	resumed, err := v.slots.WatchChanges(svc, &availabilityv1.WatchChangesRequest{ResumeToken: change.GetResumeToken()})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := resumed.Recv()
	if err != nil || gone.GetType() != commonv1.ChangeType_CHANGE_TYPE_DELETED || gone.GetName() != first.GetName() {
		t.Fatalf("resumed: %v, %v", gone, err)
	}
	bad, _ := v.slots.WatchChanges(svc, &availabilityv1.WatchChangesRequest{ResumeToken: "x"})
	if _, err := bad.Recv(); status.Code(err) != codes.InvalidArgument || errors.Is(err, io.EOF) {
		t.Errorf("malformed token: %v", err)
	}
}

func testRateLimit(t *testing.T, e dbtest.Engine) {
	v := newEnv(t, e)
	v.rate = 3
	ctx := v.vendor("v9")
	push := func(ext string, h float64) error {
		_, err := v.slots.BatchUpsertSlots(ctx, &availabilityv1.BatchUpsertSlotsRequest{Parent: "vendors/v9",
			Slots: []*availabilityv1.Slot{slot(ext+"1", proA, h), slot(ext+"2", proA, h+1), slot(ext+"3", proA, h+2)}})
		return err
	}
	if err := push("a", 1); err != nil {
		t.Fatal(err)
	}
	err := push("b", 5)
	if status.Code(err) != codes.ResourceExhausted || reasonOf(status.Convert(err)) != "PUSH_RATE_EXCEEDED" {
		t.Errorf("over the limit: %v", err)
	}
	// Another vendor is not slowed by it.
	if _, err := v.slots.BatchUpsertSlots(v.vendor("v8"), &availabilityv1.BatchUpsertSlotsRequest{Parent: "vendors/v8",
		Slots: []*availabilityv1.Slot{slot("z", proB, 1)}}); err != nil {
		t.Errorf("other vendor: %v", err)
	}
}

func testAppointments(t *testing.T, e dbtest.Engine) {
	v := newEnv(t, e)
	ctx := v.vendor("v1")
	in := &availabilityv1.Appointment{ExternalId: "rdv-1", Orientation: "orientations/o1", Professional: "professionals/" + proA,
		StartTime: timestamppb.New(t0.Add(time.Hour)), Status: availabilityv1.Appointment_STATUS_BOOKED}
	a, err := v.appts.CreateAppointment(ctx, &availabilityv1.CreateAppointmentRequest{Parent: "vendors/v1", Appointment: in})
	if err != nil || a.GetTerritory() != "territories/SAS-44" || a.GetVendor() != "vendors/v1" {
		t.Fatalf("create: %v, %v", a, err)
	}
	again, err := v.appts.CreateAppointment(ctx, &availabilityv1.CreateAppointmentRequest{Parent: "vendors/v1", Appointment: in})
	if err != nil || again.GetName() != a.GetName() {
		t.Errorf("created again: %v, %v", again, err)
	}
	unknown := proto.Clone(in).(*availabilityv1.Appointment)
	unknown.ExternalId, unknown.Orientation = "rdv-2", "orientations/nope"
	if _, err := v.appts.CreateAppointment(ctx, &availabilityv1.CreateAppointmentRequest{Parent: "vendors/v1", Appointment: unknown}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("unknown orientation: %v", err)
	}
	done, err := v.appts.UpdateAppointment(ctx, &availabilityv1.UpdateAppointmentRequest{
		Appointment: &availabilityv1.Appointment{Name: a.GetName(), Status: availabilityv1.Appointment_STATUS_FULFILLED},
		UpdateMask:  &fieldmaskpb.FieldMask{Paths: []string{"status"}}})
	if err != nil || done.GetStatus() != availabilityv1.Appointment_STATUS_FULFILLED {
		t.Errorf("update: %v, %v", done, err)
	}
	ars44 := v.as(authtest.User("ars44", 2, "territories/SAS-44"))
	list, err := v.appts.ListAppointments(ars44, &availabilityv1.ListAppointmentsRequest{})
	if err != nil || len(list.GetAppointments()) != 1 {
		t.Errorf("territory 44 list: %v, %v", list, err)
	}
	ars75 := v.as(authtest.User("ars75", 2, "territories/SAS-75"))
	if list, err := v.appts.ListAppointments(ars75, &availabilityv1.ListAppointmentsRequest{}); err != nil || len(list.GetAppointments()) != 0 {
		t.Errorf("territory 75 list: %v, %v", list, err)
	}
	if _, err := v.appts.GetAppointment(ars75, &availabilityv1.GetAppointmentRequest{Name: a.GetName()}); status.Code(err) != codes.NotFound {
		t.Errorf("territory 75 get: %v", err)
	}
}
