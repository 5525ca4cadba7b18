package synth

import (
	"strings"
	"testing"
)

// isBigCity reports whether an INSEE code is an arrondissement of Paris,
// Marseille or Lyon.
func isBigCity(code string) bool {
	return strings.HasPrefix(code, "751") || strings.HasPrefix(code, "132") || strings.HasPrefix(code, "6938")
}

func TestSitesFollowPopulation(t *testing.T) {
	const sites = 20_000
	g, err := newGenerator(ref(t), Options{Professionals: 1, Sites: sites, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	var cities, total int
	for _, c := range g.places {
		total += c.Population
		if isBigCity(c.InseeCode) {
			cities += c.Population
		}
	}
	drawn := 0
	for _, s := range g.sites {
		if isBigCity(g.places[s.commune].InseeCode) {
			drawn++
		}
	}
	want := float64(cities) / float64(total) * sites // about 1,050 sites, σ ≈ 32
	if ratio := float64(drawn) / want; ratio < 0.85 || ratio > 1.15 {
		t.Errorf("%d sites in Paris, Marseille and Lyon, want about %.0f", drawn, want)
	}
}

func TestGroupNext(t *testing.T) {
	g, err := newGenerator(ref(t), Options{Professionals: 1, Sites: 5_000, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	gr := &g.groups[groupCare]
	same := 0
	for range 2_000 {
		first := gr.first(g.rng)
		dep := g.departementOf(&g.sites[first])
		next := gr.next(g.rng, dep, []int32{first})
		if g.departementOf(&g.sites[next]) == dep {
			same++
		}
	}
	if same < 1_500 {
		t.Errorf("%d of 2,000 further sites in the same département, want most", same)
	}
}
