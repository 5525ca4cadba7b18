package index

import (
	"slices"
	"testing"
	"time"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// byDistance is the default answer around the centre of Nantes: the SAS
// participant first, then by distance.
var byDistance = []string{"p2@s2", "p1@s1", "@sos", "p3@s3", "p4@s4", "p12@s12a", "p12@s12b", "p13@s13", "p14@s14", "p11@s11"}

func TestSearch(t *testing.T) {
	x := world(t)
	centre := atPoint(nantes)
	vis := func(v ...commonv1.Visibility) []commonv1.Visibility { return v }
	tests := []struct {
		name    string
		req     *searchv1.SearchSlotsRequest
		want    []string
		shuffle bool   // compare as sets, participants first
		doctor  string // patient_doctor result
		check   func(t *testing.T, res *searchv1.SearchSlotsResponse)
	}{
		{name: "participants first, then by distance; hidden, past, booked, CPTS-only left out",
			req: &searchv1.SearchSlotsRequest{Location: centre}, want: byDistance},
		{name: "radius", req: &searchv1.SearchSlotsRequest{Location: centre, RadiusMeters: 15_000},
			want: append(slices.Clone(byDistance), "p5@s5")},
		{name: "INSEE code: by distance from the commune centre",
			req: &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "44109"}}, want: byDistance},
		{name: "commune name: by distance from the commune centre",
			req: &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_CommuneName{CommuneName: "NANTES"}}, want: byDistance},
		{name: "postal code: shuffled", shuffle: true,
			req: &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "44000"}}, want: byDistance},
		{name: "département: its barycentre and coverage radius, shuffled", shuffle: true,
			req:  &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_Departement{Departement: "departements/44"}},
			want: append(slices.Clone(byDistance), "p5@s5")},
		{name: "window", want: []string{"p1@s1", "p14@s14"},
			req: &searchv1.SearchSlotsRequest{Location: centre, Window: &commonv1.TimeRange{
				StartTime: ts(now.Add(20 * time.Hour).Unix()), EndTime: ts(now.Add(40 * time.Hour).Unix())}}},
		{name: "window starting in the past starts now", want: byDistance,
			req: &searchv1.SearchSlotsRequest{Location: centre, Window: &commonv1.TimeRange{
				StartTime: ts(now.Add(-20 * time.Hour).Unix()), EndTime: ts(now.Add(60 * time.Hour).Unix())}}},
		{name: "available within 0-4 h: slots starting then, ranges running then",
			req:  &searchv1.SearchSlotsRequest{Location: centre, AvailableWithin: searchv1.AvailableWithin_AVAILABLE_WITHIN_0_4_HOURS},
			want: []string{"p1@s1", "@sos", "p3@s3", "p4@s4"}},
		{name: "available within 4-8 h",
			req:  &searchv1.SearchSlotsRequest{Location: centre, AvailableWithin: searchv1.AvailableWithin_AVAILABLE_WITHIN_4_8_HOURS},
			want: []string{"p2@s2", "p3@s3", "p12@s12a", "p12@s12b"}},
		{name: "available within 48-72 h ends with the window",
			req:  &searchv1.SearchSlotsRequest{Location: centre, AvailableWithin: searchv1.AvailableWithin_AVAILABLE_WITHIN_48_72_HOURS},
			want: []string{"p11@s11"}},
		{name: "specialty: the slot's own, else the professional's",
			req:  &searchv1.SearchSlotsRequest{Location: centre, Specialties: []string{"SM54"}},
			want: []string{"p2@s2", "p1@s1", "p4@s4", "p12@s12a", "p12@s12b", "p13@s13", "p14@s14", "p11@s11"},
			check: func(t *testing.T, res *searchv1.SearchSlotsResponse) {
				if got := slotNames(res.Results[2]); !slices.Equal(got, []string{"2026-11-24: slots/p4a"}) {
					t.Errorf("p4 shows %v, want its SM54 slot only", got)
				}
			}},
		{name: "specialty of the professional shows its own slots only",
			req: &searchv1.SearchSlotsRequest{Location: centre, Specialties: []string{"specialties/SM40"}}, want: []string{"p4@s4"},
			check: func(t *testing.T, res *searchv1.SearchSlotsResponse) {
				if got := slotNames(res.Results[0]); !slices.Equal(got, []string{"2026-11-24: slots/p4b"}) {
					t.Errorf("p4 shows %v", got)
				}
			}},
		{name: "unknown specialty", req: &searchv1.SearchSlotsRequest{Location: centre, Specialties: []string{"SM99"}}},
		{name: "profession", req: &searchv1.SearchSlotsRequest{Location: centre, Professions: []string{"60"}}, want: []string{"p3@s3"}},
		{name: "professions: any of them",
			req:  &searchv1.SearchSlotsRequest{Location: centre, Professions: []string{"professions/60", "50"}},
			want: []string{"p3@s3"}},
		{name: "consultation mode", want: []string{"p1@s1"},
			req: &searchv1.SearchSlotsRequest{Location: centre, ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_VIDEO}}},
		{name: "consultation modes: any of them", want: []string{"p1@s1", "@sos"},
			req: &searchv1.SearchSlotsRequest{Location: centre, ConsultationModes: []commonv1.ConsultationMode{
				commonv1.ConsultationMode_CONSULTATION_MODE_VIDEO, commonv1.ConsultationMode_CONSULTATION_MODE_HOME}}},
		{name: "visibility CPTS, off by default", want: []string{"p8@s9"},
			req: &searchv1.SearchSlotsRequest{Location: centre, Visibilities: vis(commonv1.Visibility_VISIBILITY_CPTS)}},
		{name: "visibility PUBLIC", want: []string{"p1@s1"},
			req: &searchv1.SearchSlotsRequest{Location: centre, Visibilities: vis(commonv1.Visibility_VISIBILITY_PUBLIC)},
			check: func(t *testing.T, res *searchv1.SearchSlotsResponse) {
				if got := slotNames(res.Results[0]); !slices.Equal(got, []string{"2026-11-25: slots/p1b"}) {
					t.Errorf("p1 shows %v", got)
				}
			}},
		{name: "structure type of the site", want: []string{"p1@s1"},
			req: &searchv1.SearchSlotsRequest{Location: centre, StructureTypes: []commonv1.StructureType{commonv1.StructureType_STRUCTURE_TYPE_MSP}}},
		{name: "structure type of the site or the participation", want: []string{"p2@s2", "p4@s4"},
			req: &searchv1.SearchSlotsRequest{Location: centre, StructureTypes: []commonv1.StructureType{commonv1.StructureType_STRUCTURE_TYPE_CPTS}}},
		{name: "vendor", want: []string{"p2@s2", "p1@s1"},
			req: &searchv1.SearchSlotsRequest{Location: centre, Vendors: []string{"vendors/va"}}},
		{name: "vendor whose slots the professional turned off",
			req: &searchv1.SearchSlotsRequest{Location: centre, Vendors: []string{"vendors/vb"}}},
		{name: "filters are ANDed", want: []string{"p1@s1"},
			req: &searchv1.SearchSlotsRequest{Location: centre, Professions: []string{"10"}, Vendors: []string{"vendors/va"},
				StructureTypes: []commonv1.StructureType{commonv1.StructureType_STRUCTURE_TYPE_MSP}}},
		{name: "extra patients: no slot needed", want: []string{"p9@s9"},
			req: &searchv1.SearchSlotsRequest{Location: centre, Mode: searchv1.SearchMode_SEARCH_MODE_EXTRA_PATIENTS}},
		{name: "re-orientation fee", want: []string{"p10@s10"},
			req: &searchv1.SearchSlotsRequest{Location: centre, RadiusMeters: 35_000, Mode: searchv1.SearchMode_SEARCH_MODE_REORIENTATION_FEE}},
		{name: "patient's doctor: out of the list, first, wherever it practises",
			req:    &searchv1.SearchSlotsRequest{Location: centre, PatientDoctor: "professionals/p11"},
			want:   byDistance[:len(byDistance)-1],
			doctor: "p11@far",
			check: func(t *testing.T, res *searchv1.SearchSlotsResponse) {
				if got := slotNames(res.PatientDoctor); !slices.Equal(got, []string{"2026-11-24: slots/p11far"}) {
					t.Errorf("doctor shows %v", got)
				}
				if res.PatientDoctor.DistanceMeters < 300_000 {
					t.Errorf("doctor at %d m", res.PatientDoctor.DistanceMeters)
				}
			}},
		{name: "patient's doctor whatever the filters",
			req:  &searchv1.SearchSlotsRequest{Location: centre, PatientDoctor: "professionals/p11", Professions: []string{"60"}},
			want: []string{"p3@s3"}, doctor: "p11@far"},
		{name: "patient's doctor without slots in the window: its nearest site",
			req: &searchv1.SearchSlotsRequest{Location: centre, PatientDoctor: "professionals/p9"}, want: byDistance, doctor: "p9@s9"},
		{name: "patient's doctor opted out", want: byDistance,
			req: &searchv1.SearchSlotsRequest{Location: centre, PatientDoctor: "professionals/p6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, x, tt.req)
			got := ids(res.Results)
			if tt.shuffle {
				checkShuffled(t, got, tt.want, res)
			} else if !slices.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
			if int(res.TotalSize) != len(tt.want) {
				t.Errorf("total %d, want %d", res.TotalSize, len(tt.want))
			}
			if id(res.PatientDoctor) != tt.doctor {
				t.Errorf("doctor %q, want %q", id(res.PatientDoctor), tt.doctor)
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

// checkShuffled checks that got holds want with the participants first, and
// that the response gives its seed.
func checkShuffled(t *testing.T, got, want []string, res *searchv1.SearchSlotsResponse) {
	t.Helper()
	if res.ShuffleSeed == 0 {
		t.Error("no shuffle seed")
	}
	if len(got) == 0 || got[0] != "p2@s2" {
		t.Errorf("participant not first: %v", got)
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("got %v\nwant %v in any order", got, want)
	}
}
