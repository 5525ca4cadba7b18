package synth

import "math/rand/v2"

// siteKind is the kind of a practice site; it decides its name, its sector and
// the practice mode of the professionals there.
type siteKind uint8

const (
	kindCabinet  siteKind = iota // cabinet médical, SIRET
	kindMaison                   // maison de santé, SIRET
	kindCentre                   // centre de santé, SIRET and FINESS
	kindHospital                 // hospital, SIRET and FINESS (and the legal entity's)
	kindPharmacy                 // pharmacie d'officine, SIRET and FINESS
)

// quirk is an oddity of the published file a site reproduces.
type quirk uint8

const (
	quirkNone    quirk = iota
	quirkCedex         // no commune code: postal code and Bureau cedex only
	quirkForeign       // address in the United Kingdom
)

// Flags of a site.
const (
	flagRouting      uint8 = 1 << iota // the Bureau cedex column holds the routing line
	flagFax                            // a fax number
	flagDistribution                   // a BP or CS mention
	flagComplement                     // a geographic complement
	flagGroup                          // cabinet de groupe rather than individuel
)

// site is a practice site, kept small: its strings are built when a line
// names it.
type site struct {
	siret   uint64 // 14 digits
	phone   uint64 // 10 digits, the leading 0 implied
	commune int32  // index into generator.places
	finess  int32  // serial of its FINESS numbers, -1 when none
	number  uint8  // street number, 0 when none
	street  uint8  // index into texts.streets
	road    uint8  // index into texts.streetTypes
	repeat  uint8  // index into texts.repeats
	label   uint8  // chooses the end of its name and its complement
	kind    siteKind
	quirk   quirk
	flags   uint8
}

// hasFINESS reports whether sites of kind k have FINESS numbers.
func (k siteKind) hasFINESS() bool { return k >= kindCentre }

// placeSites draws n sites on communes in proportion to their population.
func (g *generator) placeSites(n int) {
	weights := make([]int64, len(g.places))
	for i := range g.places {
		weights[i] = int64(g.places[i].Population)
	}
	where := newPicker(weights...)
	kinds := newPicker(60, 12, 7, 6, 15)
	quirks := newPicker(100_000-cedexRate-foreignRate, cedexRate, foreignRate)
	g.sites = make([]site, n)
	for i := range g.sites {
		g.sites[i] = g.newSite(i, where.pick(g.rng), siteKind(kinds.pick(g.rng)), quirk(quirks.pick(g.rng)))
	}
}

// Rates of the quirks, per hundred thousand sites.
const (
	cedexRate   = 500
	foreignRate = 100
)

// newSite draws the i-th site, in a commune.
func (g *generator) newSite(i, commune int, kind siteKind, q quirk) site {
	r := g.rng
	s := site{commune: int32(commune), kind: kind, quirk: q, finess: -1,
		street: uint8(r.IntN(len(g.texts.streets))), road: uint8(g.texts.streetPick.pick(r)),
		repeat: uint8(g.texts.repeatPick.pick(r)), label: uint8(r.IntN(256))}
	if !chance(r, 80) {
		s.number = uint8(1 + r.IntN(199))
	}
	s.siret = g.ids.siret(i, uint64(1+r.IntN(40)))
	s.flags = drawFlags(r)
	place := &g.places[commune]
	if kind.hasFINESS() && q != quirkForeign {
		s.finess = g.ids.finessSerial(place.Departement)
	}
	s.phone = g.phones.draw(r, place.Departement)
	return s
}

// drawFlags draws the optional parts of a site.
func drawFlags(r *rand.Rand) uint8 {
	var f uint8
	for _, o := range [...]struct {
		flag     uint8
		perMille int
	}{{flagRouting, 400}, {flagFax, 150}, {flagDistribution, 30}, {flagComplement, 50}, {flagGroup, 400}} {
		if chance(r, o.perMille) {
			f |= o.flag
		}
	}
	return f
}

// departementOf returns the département a site is grouped under: "" abroad.
func (g *generator) departementOf(s *site) string {
	if s.quirk == quirkForeign {
		return ""
	}
	return g.places[s.commune].Departement
}
