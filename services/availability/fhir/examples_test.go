package fhir

import (
	"testing"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// TestExamples decodes the official examples of the SAS guide unchanged.
func TestExamples(t *testing.T) {
	const rdv = "https://exemple.com/rdv/com/"
	agen1 := place("1810004421", "47000", "AGEN", "1 rue Mme DELMAS")
	agen30 := place("1810004956", "47000", "AGEN", "30 rue Mme DELMAS")
	aussonne := place("412345678912345", "31840", "Aussonne", "25 CHEMIN DE MOUNESTIE")
	rennesNord := place("334173748400020", "35700", "RENNES", "320 avenue Général Georges Patton")
	rennesCleunay := place("334173748400020", "35000", "RENNES", "106 rue Eugène Pottier")
	lorient := place("392080466300010", "56100", "LORIENT", "12 impasse Royer Dubail")
	sos := func(id string, pl *availabilityv1.PracticePlace, start, end string, m ...commonv1.ConsultationMode) *availabilityv1.Slot {
		return &availabilityv1.Slot{ExternalId: id, Place: pl, StartTime: ts(t, start), EndTime: ts(t, end),
			Status: free, Visibility: public, ConsultationModes: m, AppointmentType: routine,
			BookingUrl: "http://www.editeur.com/agenda-pfg/creneau" + id[len(id)-1:]}
	}
	cpts := &availabilityv1.Slot{ExternalId: "ExampleSlotCPTS1", Professional: "professionals/810002909371",
		Place: aussonne, StartTime: ts(t, "2024-06-12T14:40:00Z"), EndTime: ts(t, "2024-06-12T15:00:00Z"),
		Status: free, Visibility: public, ConsultationModes: modeList(amb), Specialty: "SM54",
		AppointmentType: routine, BookingUrl: rdv}
	cpts2 := clone(cpts)
	cpts2.ExternalId = "ExampleSlotCPTS2"
	tests := []struct {
		file    string
		indexes []int
		want    []*availabilityv1.Slot
	}{
		{"Bundle-ExampleBundlePSIndiv.json", []int{0, 4, 7, 11}, []*availabilityv1.Slot{
			{ExternalId: "ExampleSlotPSIndiv1", Professional: "professionals/810100050075", Place: agen1,
				StartTime: ts(t, "2021-11-05T09:00:00Z"), EndTime: ts(t, "2021-11-05T09:30:00Z"), Status: free,
				Visibility: public, ConsultationModes: modeList(amb, vr), Specialty: "SM54",
				AppointmentType: routine, BookingUrl: rdv},
			{ExternalId: "ExampleSlotPSIndiv2", Professional: "professionals/810100050075", Place: agen30,
				StartTime: ts(t, "2021-11-05T11:00:00Z"), EndTime: ts(t, "2021-11-05T11:30:00Z"), Status: free,
				Visibility: pro, ConsultationModes: modeList(amb), Specialty: "SM54", AppointmentType: walkin},
			{ExternalId: "ExampleSlotPSIndiv3", Professional: "professionals/810002673899", Place: agen1,
				StartTime: ts(t, "2021-11-04T14:20:00Z"), EndTime: ts(t, "2021-11-04T14:40:00Z"), Status: free,
				Visibility: public, ConsultationModes: modeList(vr), Specialty: "SM41",
				AppointmentType: routine, BookingUrl: rdv},
			{ExternalId: "ExampleSlotPSIndiv4", Professional: "professionals/810002673899", Place: agen1,
				StartTime: ts(t, "2021-11-04T14:40:00Z"), EndTime: ts(t, "2021-11-04T15:00:00Z"), Status: free,
				Visibility: public, ConsultationModes: modeList(hh), Specialty: "SM41",
				AppointmentType: routine, BookingUrl: rdv},
		}},
		{"Bundle-ExampleBundleCPTS1.json", []int{0}, []*availabilityv1.Slot{cpts}},
		{"Bundle-ExampleBundleCPTS2.json", []int{0}, []*availabilityv1.Slot{cpts2}},
		{"Bundle-ExampleBundleAgregateurSOS.json", []int{0, 4, 7, 11}, []*availabilityv1.Slot{
			sos("ExampleSlotSOS1", rennesNord, "2023-08-18T07:00:00Z", "2023-08-18T07:30:00Z", amb, vr),
			sos("ExampleSlotSOS2", rennesCleunay, "2023-08-19T09:00:00Z", "2023-08-19T09:30:00Z", amb),
			sos("ExampleSlotSOS3", lorient, "2023-08-18T12:20:00Z", "2023-08-18T12:40:00Z", vr),
			sos("ExampleSlotSOS4", lorient, "2023-08-18T12:40:00Z", "2023-08-18T13:00:00Z", amb),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := decodeFile(t, tt.file)
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %v", res.Errors)
			}
			if res.Type != TypeSearchset {
				t.Errorf("Type %q", res.Type)
			}
			for i, e := range res.Slots {
				if i < len(tt.indexes) && e.Index != tt.indexes[i] {
					t.Errorf("slot %d at entry %d, want %d", i, e.Index, tt.indexes[i])
				}
			}
			diffSlots(t, tt.want, slotsOf(res))
		})
	}
}

// TestExamplesShareNoPlace checks that slots of one Schedule do not share a
// PracticePlace the service could change for one of them only.
func TestExamplesShareNoPlace(t *testing.T) {
	res := decodeFile(t, "Bundle-ExampleBundleAgregateurSOS.json")
	if res.Slots[2].Slot.Place == res.Slots[3].Slot.Place {
		t.Error("slots of one Schedule share their PracticePlace")
	}
}
