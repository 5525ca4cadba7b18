package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/dbtest"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

var t0 = time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)

func newDB(t *testing.T, e dbtest.Engine) *store.DB {
	db := store.New(e.DB, e.Classify)
	db.SetClock(func() time.Time { return t0 })
	_, err := db.ApplyDirectory(context.Background(), []store.Professional{
		{NationalID: "810000000001", Active: true, Sites: []string{"sites/a", "sites/b"}},
		{NationalID: "810000000002", Active: true, Sites: []string{"sites/a"}},
		{NationalID: "810000000003", Active: false},
	}, []store.Site{
		{Name: "sites/a", Siret: "12345678900011", PostalCode: "44000", City: "Nantes"},
		{Name: "sites/b", Finess: "440000011", PostalCode: "44100", City: "NANTES CEDEX 1"},
	}, "d1.3")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func slot(ext, pro string, startH, endH int, place *availabilityv1.PracticePlace) *availabilityv1.Slot {
	return &availabilityv1.Slot{
		ExternalId: ext, Professional: "professionals/" + pro, Place: place,
		StartTime: timestamppb.New(t0.Add(time.Duration(startH) * time.Hour)),
		EndTime:   timestamppb.New(t0.Add(time.Duration(endH) * time.Hour)),
		Status:    availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_SNP,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE},
	}
}

func indexed(slots ...*availabilityv1.Slot) []store.Indexed {
	out := make([]store.Indexed, len(slots))
	for i, s := range slots {
		out[i] = store.Indexed{Index: i, Slot: s}
	}
	return out
}

func upsert(t *testing.T, db *store.DB, vendor string, slots ...*availabilityv1.Slot) store.BatchResult {
	t.Helper()
	var res store.BatchResult
	_, err := db.UpsertSlots(context.Background(), nil, vendor, indexed(slots...), func(r store.BatchResult) proto.Message {
		res = r
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func changes(t *testing.T, db *store.DB, after int64) []store.Change {
	t.Helper()
	list, err := db.Changes(context.Background(), after, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func reasons(res store.BatchResult) map[int]string {
	out := map[int]string{}
	for _, e := range res.Errors {
		out[e.Index] = e.Reason
	}
	return out
}

func TestStore(t *testing.T) {
	dbtest.Run(t, "availability", store.Migrations, map[string]func(*testing.T, dbtest.Engine){
		"upsert": testUpsert, "replace": testReplace, "standing": testStanding, "ranges": testRanges,
	})
}

func testUpsert(t *testing.T, e dbtest.Engine) {
	db, ctx := newDB(t, e), context.Background()
	byFiness := &availabilityv1.PracticePlace{OrganizationIdentifier: "1440000011"}
	byCity := &availabilityv1.PracticePlace{Address: &commonv1.Address{PostalCode: "44000", City: "nantes"}}
	res := upsert(t, db, "vendors/v1",
		slot("s1", "810000000001", 1, 2, byFiness),
		slot("s2", "810000000001", 3, 4, byCity),
		slot("s3", "899999999999", 1, 2, nil),
		slot("s4", "810000000003", 1, 2, nil),
		slot("s5", "810000000001", 1, 2, byFiness), // overlaps s1
	)
	if res.Stored != 2 {
		t.Errorf("stored %d, want 2 (errors %v)", res.Stored, res.Errors)
	}
	want := map[int]string{2: store.ReasonUnknownProfessional, 3: store.ReasonInactiveProfessional, 4: store.ReasonOverlap}
	if got := reasons(res); len(got) != 3 || got[2] != want[2] || got[3] != want[3] || got[4] != want[4] {
		t.Errorf("errors %v, want %v", got, want)
	}
	list, err := db.ListSlots(ctx, store.SlotQuery{Vendor: "vendors/v1", Limit: 10})
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v, %v", list, err)
	}
	if list[0].GetPlace().GetSite() != "sites/b" || list[1].GetPlace().GetSite() != "sites/a" {
		t.Errorf("sites %q %q, want sites/b (FINESS) and sites/a (postal code and city)",
			list[0].GetPlace().GetSite(), list[1].GetPlace().GetSite())
	}
	if !list[0].GetPublished() || list[0].GetVendor() != "vendors/v1" || list[0].GetExternalId() != "s1" {
		t.Errorf("slot %v", list[0])
	}
	last, _ := db.LastSeq(ctx)
	// The same slots again change nothing; a changed one is one change.
	upsert(t, db, "vendors/v1", slot("s1", "810000000001", 1, 2, byFiness), slot("s2", "810000000001", 3, 4, byCity))
	if c := changes(t, db, last); len(c) != 0 {
		t.Errorf("unchanged upsert wrote %d changes", len(c))
	}
	moved := slot("s2", "810000000001", 5, 6, byCity)
	upsert(t, db, "vendors/v1", moved)
	c := changes(t, db, last)
	if len(c) != 1 || c[0].Slot == nil || !c[0].Slot.GetStartTime().AsTime().Equal(t0.Add(5*time.Hour)) || c[0].Slot.GetEtag() != store.Etag(2) {
		t.Errorf("changes %+v", c)
	}
	// Another vendor's slot with the same external id is another slot.
	if res := upsert(t, db, "vendors/v2", slot("s1", "810000000002", 1, 2, nil)); res.Stored != 1 {
		t.Errorf("vendor 2: %+v", res)
	}
	var deleted int
	if _, err := db.DeleteSlots(ctx, nil, "vendors/v1", []string{"s1", "nope"}, func(n int) proto.Message { deleted = n; return nil }); err != nil || deleted != 1 {
		t.Errorf("delete: %d, %v", deleted, err)
	}
	if _, err := db.GetSlot(ctx, "nope"); !errors.Is(err, pstore.ErrNotFound) {
		t.Errorf("get unknown: %v", err)
	}
}

func testReplace(t *testing.T, e dbtest.Engine) {
	db, ctx := newDB(t, e), context.Background()
	upsert(t, db, "vendors/v1", slot("a", "810000000001", 1, 2, nil), slot("b", "810000000001", 2, 3, nil),
		slot("c", "810000000001", 30, 31, nil), slot("d", "810000000002", 1, 2, nil))
	var res store.BatchResult
	// The window covers a and b; b moves onto a's time, which is no overlap since a goes.
	_, err := db.ReplaceSlots(ctx, nil, "vendors/v1", []string{"810000000001"}, t0, t0.Add(24*time.Hour),
		indexed(slot("b", "810000000001", 1, 2, nil)), func(r store.BatchResult) proto.Message { res = r; return nil })
	if err != nil || res.Stored != 1 || res.Deleted != 1 || len(res.Errors) != 0 {
		t.Fatalf("replace: %+v, %v", res, err)
	}
	list, _ := db.ListSlots(ctx, store.SlotQuery{Vendor: "vendors/v1", Limit: 10})
	var ext []string
	for _, s := range list {
		ext = append(ext, s.GetExternalId())
	}
	if len(ext) != 3 || ext[0] != "b" && ext[0] != "d" || ext[2] != "c" {
		t.Errorf("after replace: %v, want b, d and c (outside the window)", ext)
	}
}

func testStanding(t *testing.T, e dbtest.Engine) {
	db, ctx := newDB(t, e), context.Background()
	upsert(t, db, "vendors/v1", slot("a", "810000000001", 1, 2, nil))
	hand, err := db.CreateSlot(ctx, nil, slot("", "810000000001", 3, 4, nil))
	if err != nil || hand.GetVendor() != "" || !hand.GetPublished() {
		t.Fatalf("hand slot: %v, %v", hand, err)
	}
	last, _ := db.LastSeq(ctx)
	// Opt-out withdraws both, opt-in brings them back.
	for _, optedOut := range []bool{true, false} {
		n, err := db.ApplyDirectory(ctx, []store.Professional{{NationalID: "810000000001", Active: true, OptedOut: optedOut,
			Sites: []string{"sites/a", "sites/b"}}}, nil, "d1.4")
		if err != nil || n != 2 {
			t.Fatalf("opted out %v: %d changed, %v", optedOut, n, err)
		}
		for _, c := range changes(t, db, last) {
			if c.Slot.GetPublished() == optedOut {
				t.Errorf("opted out %v: slot %s published %v", optedOut, c.Slot.GetName(), c.Slot.GetPublished())
			}
		}
		last, _ = db.LastSeq(ctx)
	}
	if res := upsert(t, db, "vendors/v1", slot("z", "810000000001", 5, 6, nil)); len(res.Errors) != 0 {
		t.Errorf("after opt-in: %+v", res)
	}
	// Vendor interfacing off withdraws the vendor's slots only.
	p, err := db.UpdateParticipation(ctx, nil, "810000000001", "", func(p *availabilityv1.Participation) error {
		p.VendorInterfacing = false
		p.Vendors = []string{"vendors/v1"}
		return nil
	})
	if err != nil || p.GetEtag() != store.Etag(1) || p.GetVendorInterfacing() {
		t.Fatalf("participation: %v, %v", p, err)
	}
	list, _ := db.ListSlots(ctx, store.SlotQuery{NationalID: "810000000001", Limit: 10})
	for _, s := range list {
		if s.GetPublished() != (s.GetVendor() == "") {
			t.Errorf("slot %s of %q published %v", s.GetName(), s.GetVendor(), s.GetPublished())
		}
	}
	if _, err := db.UpdateParticipation(ctx, nil, "810000000001", store.Etag(7), func(*availabilityv1.Participation) error { return nil }); !errors.Is(err, pstore.ErrConflict) {
		t.Errorf("stale etag: %v", err)
	}
	if tok, err := db.FeedToken(ctx, store.DirectoryFeed); err != nil || tok != "d1.4" {
		t.Errorf("feed token %q, %v", tok, err)
	}
}

func testRanges(t *testing.T, e dbtest.Engine) {
	db, ctx := newDB(t, e), context.Background()
	r, err := db.CreateRange(ctx, nil, &availabilityv1.Range{Professional: "professionals/810000000002",
		StartTime: timestamppb.New(t0), EndTime: timestamppb.New(t0.Add(2 * time.Hour)), MaxPatients: 2})
	if err != nil || r.GetPlace().GetSite() != "sites/a" || !r.GetPublished() {
		t.Fatalf("create: %v, %v", r, err)
	}
	id := r.GetName()[len("ranges/"):]
	for i, o := range []string{"orientations/1", "orientations/1", "orientations/2"} {
		r, err = db.ReserveRangePlace(ctx, id, o)
		if err != nil {
			t.Fatalf("reserve %d: %v", i, err)
		}
	}
	if r.GetOrientationCount() != 2 {
		t.Errorf("count %d, want 2 (the same orientation counts once)", r.GetOrientationCount())
	}
	if _, err := db.ReserveRangePlace(ctx, id, "orientations/3"); !errors.Is(err, store.ErrRangeFull) {
		t.Errorf("full range: %v", err)
	}
	if _, err := db.CreateRange(ctx, nil, &availabilityv1.Range{Professional: "professionals/810000000003",
		StartTime: timestamppb.New(t0), EndTime: timestamppb.New(t0.Add(time.Hour)), MaxPatients: 1}); err == nil {
		t.Error("range of an inactive professional stored")
	}
	if err := db.DeleteRange(ctx, nil, id, ""); err != nil {
		t.Fatal(err)
	}
	c := changes(t, db, 0)
	if last := c[len(c)-1]; last.Type != commonv1.ChangeType_CHANGE_TYPE_DELETED || last.Name() != "ranges/"+id {
		t.Errorf("last change %+v", last)
	}
}
