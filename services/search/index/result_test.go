package index

import (
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

func TestResult(t *testing.T) {
	x := world(t)
	res := mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: atPoint(nantes), RadiusMeters: 2_000})
	if !slices.Equal(ids(res.Results), []string{"p2@s2", "p1@s1"}) {
		t.Fatalf("got %v", ids(res.Results))
	}
	s1 := east(1)
	want := &searchv1.SearchResult{
		Professional: &searchv1.ProfessionalSummary{Name: "professionals/p1", Civility: "MME", FamilyName: "Nomp1",
			GivenName: "Prénom", Profession: "10", ProfessionLabel: "Médecin", Specialty: "SM54", SpecialtyLabel: "Médecine générale"},
		Place: &searchv1.PlaceSummary{Site: "sites/s1", DisplayName: "Cabinet s1", Phone: "0240000000",
			Address:       &commonv1.Address{Lines: []string{"1 rue s1"}, PostalCode: "44000", City: "NANTES", InseeCode: "44109"},
			Location:      geoPoint(s1.Lat, s1.Lon),
			StructureType: commonv1.StructureType_STRUCTURE_TYPE_MSP},
		DistanceMeters: 1000,
		Days: []*searchv1.DayAvailability{
			{Date: "2026-11-24", Slots: []*searchv1.SlotSummary{{Name: "slots/p1a",
				StartTime: ts(now.Add(time.Hour).Unix()), EndTime: ts(now.Add(75 * time.Minute).Unix()),
				ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE},
				Visibility:        commonv1.Visibility_VISIBILITY_SNP, AppointmentType: commonv1.AppointmentType_APPOINTMENT_TYPE_ROUTINE,
				Vendor: "vendors/va"}}},
			{Date: "2026-11-25", Slots: []*searchv1.SlotSummary{{Name: "slots/p1b",
				StartTime: ts(now.Add(30 * time.Hour).Unix()), EndTime: ts(now.Add(30*time.Hour + 15*time.Minute).Unix()),
				ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_VIDEO},
				Visibility:        commonv1.Visibility_VISIBILITY_PUBLIC, AppointmentType: commonv1.AppointmentType_APPOINTMENT_TYPE_ROUTINE}}},
		},
	}
	if got := res.Results[1]; !proto.Equal(got, want) {
		t.Errorf("got\n%v\nwant\n%v", prototext.Format(got), prototext.Format(want))
	}
	p2 := res.Results[0]
	if !p2.SasParticipant || p2.ParticipationMode != commonv1.ParticipationMode_PARTICIPATION_MODE_CPTS {
		t.Errorf("p2: %v", p2)
	}
	wantHead := &searchv1.SearchSlotsResponse{
		Centre: geoPoint(nantes.Lat, nantes.Lon), Territory: "territories/SAS-44", RadiusMeters: 2_000,
		Window:    &commonv1.TimeRange{StartTime: ts(now.Unix()), EndTime: ts(time.Date(2026, 11, 27, 0, 0, 0, 0, paris).Unix())},
		TotalSize: 2,
	}
	res.Results = nil
	if !proto.Equal(res, wantHead) {
		t.Errorf("got\n%v\nwant\n%v", prototext.Format(res), prototext.Format(wantHead))
	}
}

func TestRangeResult(t *testing.T) {
	x := world(t)
	res := mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: atPoint(nantes), Professions: []string{"60"}})
	days := res.Results[0].Days
	if len(days) != 1 || len(days[0].Slots) != 1 {
		t.Fatalf("days %v", days)
	}
	if r := days[0].Slots[0]; r.Name != "ranges/p3" || r.RemainingPlaces != 2 || r.Visibility != commonv1.Visibility_VISIBILITY_SNP {
		t.Errorf("range shows %v", r)
	}
	if p := res.Results[0].Professional; p.ProfessionLabel != "Infirmier" || p.Specialty != "" {
		t.Errorf("nurse shows %v", p)
	}
}

func TestStructureResult(t *testing.T) {
	x := world(t)
	res := mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: atPoint(nantes),
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_HOME}})
	r := res.Results[0]
	if r.Professional != nil || r.Place.StructureType != commonv1.StructureType_STRUCTURE_TYPE_SOS_MEDECINS || r.SasParticipant {
		t.Errorf("structure result %v", r)
	}
}

// TestDaysInParis checks that days are Paris dates, across the change to
// summer time and at midnight.
func TestDaysInParis(t *testing.T) {
	x := world(t)
	spring := time.Date(2027, 3, 27, 22, 30, 0, 0, paris) // Saturday; clocks go forward on Sunday 02:00
	x.Apply(func(w *Writer) {
		for i, at := range []time.Time{spring.Add(time.Hour), spring.Add(90 * time.Minute), spring.Add(5 * time.Hour), spring.Add(26 * time.Hour)} {
			w.PutSlot(slotMsg(string(rune('a'+i)), "p5", "s5", at.Sub(now).Hours()))
		}
	})
	res, err := x.Search(t.Context(), &searchv1.SearchSlotsRequest{Location: atPoint(east(12)), RadiusMeters: 1_000,
		Window: &commonv1.TimeRange{EndTime: ts(spring.Add(48 * time.Hour).Unix())}}, spring)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2027-03-27: slots/a", "2027-03-28: slots/b slots/c", "2027-03-29: slots/d"}
	if got := slotNames(res.Results[0]); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
