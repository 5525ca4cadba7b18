package index

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// testReference loads the embedded reference once for all tests.
var testReference = sync.OnceValues(LoadReference)

func reference(t testing.TB) *Reference {
	t.Helper()
	ref, err := testReference()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestLocate(t *testing.T) {
	ref := reference(t)
	tests := []struct {
		name    string
		req     *searchv1.SearchSlotsRequest
		insee   string // commune whose centre is the place, "" for a point or département
		dep     string
		shuffle bool
		field   string // QueryError field, "" for success
	}{
		{"insee", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "44109"}}, "44109", "44", false, ""},
		{"insee of a city made from its arrondissements", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "75056"}}, "75056", "75", false, ""},
		{"insee of an arrondissement", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "75115"}}, "75115", "75", false, ""},
		{"unknown insee", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "44999"}}, "", "", false, "insee_code"},
		{"postal code names its most populous commune", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "20000"}}, "2A004", "2A", true, ""},
		{"postal code of an arrondissement", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "75015"}}, "75115", "75", true, ""},
		{"unknown postal code", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "00000"}}, "", "", false, "postal_code"},
		{"name without case nor accents", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_CommuneName{CommuneName: "saint sebastien sur loire"}}, "44190", "44", false, ""},
		{"name with accents", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_CommuneName{CommuneName: "REZÉ"}}, "44143", "44", false, ""},
		{"city name", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_CommuneName{CommuneName: "Paris"}}, "75056", "75", false, ""},
		{"ambiguous name", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_CommuneName{CommuneName: "Saint-Paul"}}, "", "", false, "commune_name"},
		{"unknown name", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_CommuneName{CommuneName: "Atlantis"}}, "", "", false, "commune_name"},
		{"département", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_Departement{Departement: "departements/2A"}}, "", "2A", true, ""},
		{"unknown département", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_Departement{Departement: "departements/20"}}, "", "", false, "departement"},
		{"point takes the territory of the nearest commune", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_Point{Point: geoPoint(47.2, -1.6)}}, "", "44", false, ""},
		{"point at sea", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_Point{Point: geoPoint(45, -10)}}, "", "", false, "point"},
		{"bad point", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_Point{Point: geoPoint(95, 0)}}, "", "", false, "point"},
		{"no location", &searchv1.SearchSlotsRequest{}, "", "", false, "location"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ref.locate(tt.req)
			if tt.field != "" {
				var qe *QueryError
				if !errors.As(err, &qe) || qe.Field != tt.field || !errors.Is(err, ErrInvalidQuery) {
					t.Fatalf("got %v, want a QueryError on %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.departement != tt.dep || p.shuffle != tt.shuffle {
				t.Errorf("got %+v, want département %s, shuffle %v", p, tt.dep, tt.shuffle)
			}
			if tt.insee != "" {
				c, _ := ref.places.commune(tt.insee)
				if p.centre != c.point {
					t.Errorf("centre %v, want %v of %s", p.centre, c.point, c.name)
				}
			}
		})
	}
}

func TestAmbiguousNameListsCandidates(t *testing.T) {
	_, err := reference(t).places.named("Saint Paul")
	var qe *QueryError
	if !errors.As(err, &qe) || len(qe.Candidates) != 8 {
		t.Fatalf("got %v, want 8 candidates", err)
	}
	if qe.Candidates[0] != "Saint-Paul (97415, 974)" {
		t.Errorf("first candidate %q, want the most populous", qe.Candidates[0])
	}
	if !strings.Contains(err.Error(), "Saint-Paul (33458, 33)") {
		t.Errorf("message %q does not list the Gironde one", err)
	}
}

func TestCityCentre(t *testing.T) {
	ref := reference(t)
	paris, _ := ref.places.commune("75056")
	if paris.name != "Paris" || paris.population < 2_000_000 || Distance(paris.point, Point{48.8566, 2.3522}) > 3_000 {
		t.Errorf("Paris is %+v", paris)
	}
}

func TestTerritories(t *testing.T) {
	ref := reference(t)
	tests := []struct {
		dep                      string
		name                     string
		radius, step, coverage   float64
		active                   bool
		barycentreFromDepartment bool
	}{
		{"44", "territories/SAS-44", 10_000, 5_000, 118_000, true, false},
		{"75", "territories/SAS-75", 5_000, 3_000, 14_000, true, false},
		{"07", "territories/SAS-07", 30_000, 15_000, 105_000, true, false},
		{"2A", "territories/SAS-2A", 30_000, 15_000, 109_000, true, false},
		{"976", "territories/SAS-976", 0, 0, -1, false, true},
		{"974", "territories/SAS-974", 10_000, 5_000, -1, true, true},
	}
	for _, tt := range tests {
		tr, ok := ref.territories[tt.dep]
		if !ok {
			t.Fatalf("no territory for %s", tt.dep)
		}
		if tr.name != tt.name || tr.radius != tt.radius || tr.step != tt.step || tr.active != tt.active ||
			(tt.coverage >= 0 && tr.coverage != tt.coverage) {
			t.Errorf("%s: got %+v", tt.dep, tr)
		}
		if tt.barycentreFromDepartment && tr.barycentre != ref.places.deps[tt.dep].centre {
			t.Errorf("%s: barycentre %v, want the département's centre", tt.dep, tr.barycentre)
		}
	}
	if re := ref.territories["974"]; re.coverage < 30_000 || re.coverage > 80_000 {
		t.Errorf("La Réunion covers %v m", re.coverage)
	}
}

func TestLabels(t *testing.T) {
	ref := reference(t)
	if got := ref.specialties["SM54"]; got != "Médecine générale" {
		t.Errorf("SM54 is %q", got)
	}
	if got := ref.professions["10"]; got != "Médecin" {
		t.Errorf("10 is %q", got)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"L'Haÿ-les-Roses": "l hay les roses", "  SAINT--Étienne ": "saint etienne", "Œuilly": "oeuilly",
	} {
		if got := FoldName(in); got != want {
			t.Errorf("FoldName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCells(t *testing.T) {
	nd := Point{48.853, 2.349}
	if c := CellOf(nd); c != (Cell{488, 23}) || c.String() != "488:23" {
		t.Errorf("CellOf(%v) = %v", nd, c)
	}
	cells := Cells(nd, 10_000)
	if len(cells) < 9 || len(cells) > 16 {
		t.Errorf("a 10 km disc covers %d cells: %v", len(cells), cells)
	}
	// Every point within the radius is in one of the cells.
	in := map[Cell]bool{}
	for _, c := range cells {
		in[c] = true
	}
	for a := 0.0; a < 2*math.Pi; a += 0.05 {
		for _, f := range []float64{0.5, 0.999} {
			p := Point{nd.Lat + f*10_000/111_195*math.Sin(a), nd.Lon + f*10_000/(111_195*math.Cos(radians(nd.Lat)))*math.Cos(a)}
			if Distance(nd, p) <= 10_000 && !in[CellOf(p)] {
				t.Fatalf("%v at %.0f m is in %v, not listed", p, Distance(nd, p), CellOf(p))
			}
		}
	}
}
