package synth

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strconv"

	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/rpps"
)

// pcgStream is the second half of the PCG state, the first being the seed.
const pcgStream = 0x853c49e6748fea9b

// generator holds the state of one Generate call.
type generator struct {
	rng       *rand.Rand
	ref       *geo.Communes
	places    []geo.Commune // communes sites are drawn on
	routing   []string      // routing line of each place, built when first needed
	sites     []site
	groups    [2]group
	profs     []profession
	profPick  picker
	skillPick []picker  // by profession, over its skills
	countPick picker    // extra activities of a professional: 0, 1 or 2
	modePicks [5]picker // practice mode by site kind
	modes     [3]code
	names     names
	texts     *texts
	ids       *ids
	phones    phones
	numbers   []string // street numbers "0" to "255"
	used      []uint64 // bit set of the sites named by a line
	taken     []int32  // sites of the current professional
	person    rpps.Activity
	line      rpps.Activity
}

// newGenerator prepares a generation: tables, then the sites, drawn first.
func newGenerator(c *geo.Communes, opts Options) (*generator, error) {
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), pcgStream))
	g := &generator{
		rng: rng, ref: c, places: c.Weighted(), profs: professions(),
		countPick: newPicker(750, 200, 50), modes: modes(),
		names: newNames(), texts: newTexts(), ids: newIDs(rng), phones: newPhones(c),
	}
	if len(g.places) == 0 {
		return nil, errors.New("no commune to place sites on")
	}
	g.routing = make([]string, len(g.places))
	g.initPickers()
	for i := range 256 {
		g.numbers = append(g.numbers, strconv.Itoa(i))
	}
	g.placeSites(opts.Sites)
	g.groupSites()
	g.used = make([]uint64, (len(g.sites)+63)/64)
	return g, nil
}

// initPickers prepares the draws of professions, specialties and modes.
func (g *generator) initPickers() {
	weights := make([]int64, len(g.profs))
	g.skillPick = make([]picker, len(g.profs))
	for i, p := range g.profs {
		weights[i] = p.weight
		if len(p.skills) > 0 {
			sw := make([]int64, len(p.skills))
			for j, s := range p.skills {
				sw[j] = s.weight
			}
			g.skillPick[i] = newPicker(sw...)
		}
	}
	g.profPick = newPicker(weights...)
	g.modePicks = [5]picker{
		kindCabinet:  newPicker(920, 70, 10),
		kindMaison:   newPicker(920, 70, 10),
		kindCentre:   newPicker(0, 980, 20),
		kindHospital: newPicker(0, 970, 30),
		kindPharmacy: newPicker(400, 600, 0),
	}
}

// run writes the header and every professional.
func (g *generator) run(w *rpps.Writer, professionals int) (Stats, error) {
	st := Stats{Professionals: professionals}
	for i := range professionals {
		n, err := g.writeProfessional(w, i)
		st.Lines += n
		if err != nil {
			return st, fmt.Errorf("professional %d: %w", i, err)
		}
	}
	if err := w.Flush(); err != nil {
		return st, err
	}
	for _, word := range g.used {
		st.Sites += bits.OnesCount64(word)
	}
	return st, nil
}

// writeProfessional draws the i-th professional and writes their activities;
// it returns the number of lines written.
func (g *generator) writeProfessional(w *rpps.Writer, i int) (int, error) {
	k := g.profPick.pick(g.rng)
	p := &g.profs[k]
	gr := g.groupFor(p)
	g.taken = append(g.taken[:0], gr.first(g.rng))
	home := &g.sites[g.taken[0]]
	g.fillPerson(i, p, g.skillPick[k], home)
	for extra := g.countPick.pick(g.rng); extra > 0; extra-- {
		g.taken = append(g.taken, gr.next(g.rng, g.departementOf(home), g.taken))
	}
	for n, s := range g.taken {
		g.line = g.person
		g.fillSite(&g.line, &g.sites[s])
		g.fillPractice(&g.line, p, &g.sites[s])
		if err := w.Write(&g.line); err != nil {
			return n, err
		}
		g.used[s/64] |= 1 << (s % 64)
	}
	return len(g.taken), nil
}
