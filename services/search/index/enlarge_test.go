package index

import (
	"fmt"
	"slices"
	"testing"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// TestEnlargement places professionals with a slot at the given distances
// from the centre of Nantes (SAS-44: 10 km, enlarged by 5 km) and checks the
// radius searches end with.
func TestEnlargement(t *testing.T) {
	tests := []struct {
		name       string
		km         []float64
		radius     int32 // asked
		wantRadius int32
		wantFound  int
	}{
		{"five found: no enlargement", []float64{1, 2, 3, 4, 5, 11}, 0, 10_000, 5},
		{"four found: one step", []float64{1, 2, 3, 4, 12, 14, 40}, 0, 15_000, 6},
		{"two steps", []float64{1, 2, 3, 4, 19, 40}, 0, 20_000, 5},
		{"asked radius is enlarged too", []float64{1, 2, 3, 7, 8, 40}, 5_000, 10_000, 5},
		{"up to 100 km", []float64{1, 150}, 0, 100_000, 1},
		{"nothing", nil, 0, 100_000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := newIndex(t)
			x.Apply(func(w *Writer) {
				for i, km := range tt.km {
					id := fmt.Sprintf("p%d", i)
					w.PutSite(siteMsg(id, east(km)))
					w.PutProfessional(proMsg(id, []string{id}))
					w.PutSlot(slotMsg(id, id, id, 1))
				}
			})
			res := mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: atPoint(nantes), RadiusMeters: tt.radius})
			if res.RadiusMeters != tt.wantRadius || len(res.Results) != tt.wantFound || int(res.TotalSize) != tt.wantFound {
				t.Errorf("radius %d, %d found (total %d); want %d, %d", res.RadiusMeters, len(res.Results), res.TotalSize, tt.wantRadius, tt.wantFound)
			}
			for i, r := range res.Results {
				if r.DistanceMeters > res.RadiusMeters || (i > 0 && r.DistanceMeters < res.Results[i-1].DistanceMeters) {
					t.Errorf("result %d at %d m", i, r.DistanceMeters)
				}
			}
		})
	}
}

func TestDepartementIsNotEnlarged(t *testing.T) {
	x := newIndex(t)
	x.Apply(func(w *Writer) {
		w.PutSite(siteMsg("s", east(1)))
		w.PutProfessional(proMsg("p", []string{"s"}))
		w.PutSlot(slotMsg("p", "p", "s", 1))
	})
	res := mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_Departement{Departement: "departements/44"}})
	if res.RadiusMeters != 118_000 || !slices.Equal(ids(res.Results), []string{"p@s"}) {
		t.Errorf("radius %d, results %v", res.RadiusMeters, ids(res.Results))
	}
	if c := res.Centre; c.Latitude != 47.36138889 || c.Longitude != -1.682222222 {
		t.Errorf("centre %v, want the barycentre of SAS-44", c)
	}
}
