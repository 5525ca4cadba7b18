package index

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// paris is the time zone of results' dates.
var paris = func() *time.Location {
	l, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return l
}()

// now is the time of the tests' searches: Tuesday 24 November 2026, 10:00 in Paris.
var now = time.Date(2026, 11, 24, 10, 0, 0, 0, paris)

// nantes is the centre of Nantes (INSEE 44109).
var nantes = Point{47.23823, -1.56033}

// east returns the point km kilometres east of nantes.
func east(km float64) Point {
	return Point{nantes.Lat, nantes.Lon + degrees(km*1000/(earthRadius*math.Cos(radians(nantes.Lat))))}
}

func geoPoint(lat, lon float64) *commonv1.GeoPoint {
	return &commonv1.GeoPoint{Latitude: lat, Longitude: lon}
}

func newIndex(t testing.TB) *Index {
	t.Helper()
	x, err := New(Options{Reference: reference(t)})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// siteMsg returns a located site "sites/{id}".
func siteMsg(id string, p Point, mods ...func(*directoryv1.Site)) *directoryv1.Site {
	s := &directoryv1.Site{Name: "sites/" + id, DisplayName: "Cabinet " + id, Phone: "0240000000",
		Departement: "departements/44", Location: geoPoint(p.Lat, p.Lon),
		GeocodePrecision: directoryv1.Site_GEOCODE_PRECISION_COMMUNE,
		Address:          &commonv1.Address{Lines: []string{"1 rue " + id}, PostalCode: "44000", City: "NANTES", InseeCode: "44109"}}
	for _, m := range mods {
		m(s)
	}
	return s
}

// proMsg returns an active physician "professionals/{id}", general
// practitioner at each of sites.
func proMsg(id string, sites []string, mods ...func(*directoryv1.Professional)) *directoryv1.Professional {
	p := &directoryv1.Professional{Name: "professionals/" + id, NationalId: id, Civility: "MME",
		FamilyName: "Nom" + id, GivenName: "Prénom", Profession: "professions/10", Active: true}
	for _, s := range sites {
		p.Activities = append(p.Activities, &directoryv1.Activity{Site: "sites/" + s, Specialty: "specialties/SM54", PracticeMode: "L"})
	}
	for _, m := range mods {
		m(p)
	}
	return p
}

// slotMsg returns a published free SNP slot of 15 minutes, h hours from now,
// at the practice.
func slotMsg(id, pro, site string, h float64, mods ...func(*availabilityv1.Slot)) *availabilityv1.Slot {
	start := now.Add(time.Duration(h * float64(time.Hour)))
	s := &availabilityv1.Slot{Name: "slots/" + id, Place: &availabilityv1.PracticePlace{},
		StartTime: timestamppb.New(start), EndTime: timestamppb.New(start.Add(15 * time.Minute)),
		Status: availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_SNP,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE},
		AppointmentType:   commonv1.AppointmentType_APPOINTMENT_TYPE_ROUTINE, Published: true}
	if pro != "" {
		s.Professional = "professionals/" + pro
	}
	if site != "" {
		s.Place.Site = "sites/" + site
	}
	for _, m := range mods {
		m(s)
	}
	return s
}

func participationMsg(pro string, mods ...func(*availabilityv1.Participation)) *availabilityv1.Participation {
	p := &availabilityv1.Participation{Name: "professionals/" + pro + "/participation", VendorInterfacing: true}
	for _, m := range mods {
		m(p)
	}
	return p
}

// ids returns "pro@site" for each result ("@site" for a structure's).
func ids(results []*searchv1.SearchResult) []string {
	out := make([]string, 0, len(results))
	for _, r := range results {
		out = append(out, id(r))
	}
	return out
}

func id(r *searchv1.SearchResult) string {
	if r == nil {
		return ""
	}
	return strings.TrimPrefix(r.GetProfessional().GetName(), "professionals/") + "@" +
		strings.TrimPrefix(r.GetPlace().GetSite(), "sites/")
}

// slotNames returns the names of a result's slots, day by day: "2026-11-24: slots/a slots/b".
func slotNames(r *searchv1.SearchResult) []string {
	var out []string
	for _, d := range r.GetDays() {
		line := d.GetDate() + ":"
		for _, s := range d.GetSlots() {
			line += " " + s.GetName()
		}
		out = append(out, line)
	}
	return out
}

func mustSearch(t testing.TB, x *Index, req *searchv1.SearchSlotsRequest) *searchv1.SearchSlotsResponse {
	t.Helper()
	res, err := x.Search(context.Background(), req, now)
	if err != nil {
		t.Fatalf("search %v: %v", req, err)
	}
	return res
}

func atPoint(p Point) *searchv1.SearchSlotsRequest_Point {
	return &searchv1.SearchSlotsRequest_Point{Point: geoPoint(p.Lat, p.Lon)}
}
