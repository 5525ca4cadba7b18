package synth

import (
	"math/rand/v2"
	"slices"
)

// Groups of sites: pharmacists practise in pharmacies, the others in care sites.
const (
	groupCare = iota
	groupPharmacy
)

// nearPerMille is the share of further activities in the département of the
// first one.
const nearPerMille = 850

// group is a set of sites professionals are drawn to, indexed by département.
type group struct {
	all   []int32
	byDep map[string][]int32
}

// groupSites sorts the sites into the care and pharmacy groups.
func (g *generator) groupSites() {
	for i := range g.groups {
		g.groups[i].byDep = make(map[string][]int32)
	}
	for i := range g.sites {
		s := &g.sites[i]
		gr := &g.groups[groupCare]
		if s.kind == kindPharmacy {
			gr = &g.groups[groupPharmacy]
		}
		dep := g.departementOf(s)
		gr.all = append(gr.all, int32(i))
		gr.byDep[dep] = append(gr.byDep[dep], int32(i))
	}
}

// groupFor returns the group of a profession, or the other one when it is empty.
func (g *generator) groupFor(p *profession) *group {
	want, other := &g.groups[groupCare], &g.groups[groupPharmacy]
	if p.pharmacy {
		want, other = other, want
	}
	if len(want.all) == 0 {
		return other
	}
	return want
}

// first draws the site of a professional's first activity.
func (gr *group) first(r *rand.Rand) int32 {
	return gr.all[r.IntN(len(gr.all))]
}

// next draws the site of a further activity: mostly in the same département,
// not one of the sites taken (tried a few times).
func (gr *group) next(r *rand.Rand, dep string, taken []int32) int32 {
	pool := gr.all
	if near := gr.byDep[dep]; len(near) > len(taken) && chance(r, nearPerMille) {
		pool = near
	}
	for range 4 {
		if s := pool[r.IntN(len(pool))]; !slices.Contains(taken, s) {
			return s
		}
	}
	// Unlucky draws: the first free site, so that no one works twice at the
	// same site (that would write the same line twice).
	for _, candidates := range [][]int32{pool, gr.all} {
		for _, s := range candidates {
			if !slices.Contains(taken, s) {
				return s
			}
		}
	}
	return pool[0]
}
