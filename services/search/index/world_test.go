package index

import (
	"testing"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
)

// world builds the index of the search tests: around the centre of Nantes,
// one entry per site at a distinct distance, so that orders read plainly.
// Territory SAS-44 keeps its 10 km radius but is not enlarged here (see
// TestEnlargement).
//
//	site   km  who
//	s1     1   p1 (MSP site): slot +1h SNP vendor va, slot +30h PUBLIC video
//	s2     2   p2 (SAS participant through a CPTS): slot +5h PRO vendor va
//	sos    2.5 SOS Médecins structure slot (no professional) +2h home visit
//	s3     3   p3 (nurse): range +2h..+6h, 2 places left
//	s4     4   p4 (paediatrician, CPTS site): slot +2h specialty SM54, slot +3h
//	s12a   4.5 p12: slot +6h
//	s12b   5   p12: slot +7h
//	s13    5.5 p13 (first site not located): slot +8h naming no site
//	s14    6   p14 (vendors' slots off): slot +1h vendor vb, hand slot +20h
//	s11    7   p11: slot +50h; also in Paris (far): slot +4h
//	s9     8   p9 extra patients, no slot; p6 opted out, p7 inactive, p8 with
//	           booked, unpublished, past slots and a CPTS-only slot +1h
//	s5     12  p5: slot +1h
//	s10    30  p10 (SAS participant, re-orientation fee), no slot
func world(t testing.TB) *Index {
	x := newIndex(t)
	x.Apply(func(w *Writer) {
		w.PutTerritory(&commonv1.Territory{Name: "territories/SAS-44", Departements: []string{"departements/44"},
			DefaultRadiusMeters: 10_000, Active: true})
		for id, km := range map[string]float64{"s1": 1, "s2": 2, "sos": 2.5, "s3": 3, "s4": 4, "s12a": 4.5, "s12b": 5,
			"s13": 5.5, "s14": 6, "s11": 7, "s9": 8, "s5": 12, "s10": 30} {
			w.PutSite(siteMsg(id, east(km), siteStructure(id)))
		}
		w.PutSite(siteMsg("far", Point{48.8566, 2.3522}))
		w.PutSite(siteMsg("none", Point{}, func(s *directoryv1.Site) {
			s.Location, s.GeocodePrecision = nil, directoryv1.Site_GEOCODE_PRECISION_NONE
		}))
		worldProfessionals(w)
		worldSlots(w)
	})
	return x
}

// siteStructure sets the structure types of the world's sites.
func siteStructure(id string) func(*directoryv1.Site) {
	return func(s *directoryv1.Site) {
		switch id {
		case "s1":
			s.StructureType = commonv1.StructureType_STRUCTURE_TYPE_MSP
		case "s4":
			s.StructureType = commonv1.StructureType_STRUCTURE_TYPE_CPTS
		case "sos":
			s.StructureType = commonv1.StructureType_STRUCTURE_TYPE_SOS_MEDECINS
		}
	}
}

func worldProfessionals(w *Writer) {
	for id, sites := range map[string][]string{"p1": {"s1"}, "p2": {"s2"}, "p5": {"s5"}, "p9": {"s9"},
		"p10": {"s10"}, "p11": {"s11", "far"}, "p12": {"s12a", "s12b"}, "p13": {"none", "s13"}, "p14": {"s14"}, "p8": {"s9"}} {
		w.PutProfessional(proMsg(id, sites))
	}
	w.PutProfessional(proMsg("p3", []string{"s3"}, func(p *directoryv1.Professional) {
		p.Profession, p.Activities[0].Specialty = "professions/60", ""
	}))
	w.PutProfessional(proMsg("p4", []string{"s4"}, func(p *directoryv1.Professional) {
		p.Activities[0].Specialty = "specialties/SM40"
	}))
	w.PutProfessional(proMsg("p6", []string{"s9"}, func(p *directoryv1.Professional) { p.OptedOut = true }))
	w.PutProfessional(proMsg("p7", []string{"s9"}, func(p *directoryv1.Professional) { p.Active = false }))
	w.PutParticipation(participationMsg("p2", func(p *availabilityv1.Participation) {
		p.Participates, p.Mode = true, commonv1.ParticipationMode_PARTICIPATION_MODE_CPTS
	}))
	w.PutParticipation(participationMsg("p9", func(p *availabilityv1.Participation) { p.AcceptsExtraPatients = true }))
	w.PutParticipation(participationMsg("p10", func(p *availabilityv1.Participation) { p.Participates, p.ReorientationFee = true, true }))
	w.PutParticipation(participationMsg("p14", func(p *availabilityv1.Participation) { p.VendorInterfacing = false }))
}

func worldSlots(w *Writer) {
	vendor := func(v string) func(*availabilityv1.Slot) {
		return func(s *availabilityv1.Slot) { s.Vendor = "vendors/" + v }
	}
	w.PutSlot(slotMsg("p1a", "p1", "s1", 1, vendor("va")))
	w.PutSlot(slotMsg("p1b", "p1", "s1", 30, func(s *availabilityv1.Slot) {
		s.Visibility = commonv1.Visibility_VISIBILITY_PUBLIC
		s.ConsultationModes = []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_VIDEO}
	}))
	w.PutSlot(slotMsg("p2a", "p2", "s2", 5, vendor("va"), func(s *availabilityv1.Slot) {
		s.Visibility = commonv1.Visibility_VISIBILITY_PRO
	}))
	w.PutSlot(slotMsg("sos", "", "sos", 2, vendor("sos"), func(s *availabilityv1.Slot) {
		s.ConsultationModes = []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_HOME}
	}))
	w.PutRange(&availabilityv1.Range{Name: "ranges/p3", Professional: "professionals/p3",
		Place:     &availabilityv1.PracticePlace{Site: "sites/s3"},
		StartTime: ts(now.Add(2 * 3600e9).Unix()), EndTime: ts(now.Add(6 * 3600e9).Unix()),
		MaxPatients: 3, OrientationCount: 1, Published: true,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE}})
	w.PutSlot(slotMsg("p4a", "p4", "s4", 2, func(s *availabilityv1.Slot) { s.Specialty = "SM54" }))
	w.PutSlot(slotMsg("p4b", "p4", "s4", 3))
	w.PutSlot(slotMsg("p12a", "p12", "s12a", 6))
	w.PutSlot(slotMsg("p12b", "p12", "s12b", 7))
	w.PutSlot(slotMsg("p13", "p13", "", 8))
	w.PutSlot(slotMsg("p14v", "p14", "s14", 1, vendor("vb")))
	w.PutSlot(slotMsg("p14h", "p14", "s14", 20))
	w.PutSlot(slotMsg("p11near", "p11", "s11", 50))
	w.PutSlot(slotMsg("p11far", "p11", "far", 4))
	for _, id := range []string{"p6", "p7"} {
		w.PutSlot(slotMsg(id, id, "s9", 1))
	}
	w.PutSlot(slotMsg("p8booked", "p8", "s9", 1, func(s *availabilityv1.Slot) { s.Status = availabilityv1.Slot_STATUS_BOOKED }))
	w.PutSlot(slotMsg("p8hidden", "p8", "s9", 1, func(s *availabilityv1.Slot) { s.Published = false }))
	w.PutSlot(slotMsg("p8past", "p8", "s9", -1))
	w.PutSlot(slotMsg("p8cpts", "p8", "s9", 1, func(s *availabilityv1.Slot) { s.Visibility = commonv1.Visibility_VISIBILITY_CPTS }))
	w.PutSlot(slotMsg("p5", "p5", "s5", 1))
}
