package synth

import (
	"strconv"
	"strings"

	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/rpps"
)

// A site abroad: in London.
const (
	foreignCountryCode  = "99132"
	foreignCountryLabel = "Royaume-Uni"
	foreignCity         = "Londres"
	foreignCityLabel    = "LONDRES"
	foreignStreet       = "HARLEY STREET"
)

// fillSite writes the structure and address of s into a.
func (g *generator) fillSite(a *rpps.Activity, s *site) {
	place := &g.places[s.commune]
	city := cityOf(place.Name)
	if s.quirk == quirkForeign {
		city = foreignCity
	}
	a.CompanyName = g.siteName(s, city)
	a.Sector, a.SectorLabel = sectorOf(s)
	if s.quirk == quirkForeign {
		g.fillForeign(a, s)
		return
	}
	fillStructure(a, s, place)
	g.fillAddress(a, s, place)
}

// fillStructure writes the identifiers of a site in France.
func fillStructure(a *rpps.Activity, s *site, place *geo.Commune) {
	siret := formatDigits(s.siret, 14)
	a.SIRET, a.SIREN = siret, siret[:9]
	a.TechnicalID, a.FormerStructureID = "C"+siret, "3"+siret
	if s.finess < 0 {
		return
	}
	a.FINESS = finessID(place.Departement, s.finess, false)
	a.TechnicalID, a.FormerStructureID = "F"+a.FINESS, "1"+a.FINESS
	if s.kind == kindHospital {
		a.LegalFINESS = finessID(place.Departement, s.finess, true)
	}
}

// fillAddress writes the address and phones of a site in France.
func (g *generator) fillAddress(a *rpps.Activity, s *site, place *geo.Commune) {
	g.fillStreet(a, s)
	a.PostalCode, a.CommuneCode, a.CommuneLabel = place.PostalCode, place.InseeCode, place.Name
	if d, ok := g.ref.Departement(place.Departement); ok {
		a.DepartementCode, a.DepartementLabel = d.Code, d.Name
	}
	a.Phone = formatDigits(s.phone, 10)
	if s.flags&flagFax != 0 {
		a.Fax = formatDigits(s.phone^1, 10)
	}
	if s.flags&flagDistribution != 0 {
		a.Distribution = distribution(s.siret)
	}
	if s.flags&flagRouting != 0 || s.quirk == quirkCedex {
		a.Cedex = g.routingLine(s.commune)
	}
	if s.quirk == quirkCedex {
		a.CommuneCode, a.CommuneLabel = "", ""
		if s.label%2 == 1 {
			a.Cedex += " CEDEX"
		}
	}
}

// fillStreet writes the street part of an address in France.
func (g *generator) fillStreet(a *rpps.Activity, s *site) {
	t := g.texts
	if s.number > 0 {
		a.StreetNumber, a.StreetRepeat = g.numbers[s.number], t.repeats[s.repeat]
	}
	road := t.streetTypes[s.road]
	a.StreetTypeCode, a.StreetTypeLabel, a.StreetName = road.code, road.label, t.streets[s.street]
	if s.flags&flagComplement != 0 {
		a.GeoComplement = t.complements[int(s.label)%len(t.complements)]
	}
}

// fillForeign writes a site abroad: no SIRET, no French codes.
func (g *generator) fillForeign(a *rpps.Activity, s *site) {
	a.TechnicalID = "R" + formatDigits(s.siret, 14)
	a.StreetNumber = g.numbers[1+s.label%150]
	a.StreetName = foreignStreet
	a.PostalCode = g.texts.foreignCodes[int(s.label)%len(g.texts.foreignCodes)]
	a.CommuneLabel = foreignCityLabel
	a.CountryCode, a.CountryLabel = foreignCountryCode, foreignCountryLabel
}

// routingLine returns the routing line of a place: "44000 NANTES".
func (g *generator) routingLine(place int32) string {
	if g.routing[place] == "" {
		c := &g.places[place]
		g.routing[place] = c.PostalCode + " " + g.texts.routing(cityOf(c.Name))
	}
	return g.routing[place]
}

// distribution returns the BP or CS mention of a site, drawn from its SIRET.
func distribution(siret uint64) string {
	if siret%2 == 0 {
		return "BP " + strconv.FormatUint(10+siret/10%990, 10)
	}
	return "CS " + formatDigits(10_000+siret/10%90_000, 5)
}

// siteName returns the company name of a site in a city.
func (g *generator) siteName(s *site, city string) string {
	t, n := g.texts, s.label
	switch s.kind {
	case kindMaison:
		if n%2 == 0 {
			return "Maison de santé pluriprofessionnelle " + ofPlace(city)
		}
		return "Maison de santé " + t.place(n)
	case kindCentre:
		return [...]string{"Centre de santé municipal ", "Centre de santé dentaire ", "Centre de santé "}[n%3] + ofPlace(city)
	case kindHospital:
		if n%2 == 0 {
			return "Centre hospitalier " + ofPlace(city)
		}
		return "Hôpital " + t.hospitals[int(n)%len(t.hospitals)]
	case kindPharmacy:
		if n%4 == 0 {
			return "Grande Pharmacie " + ofPlace(city)
		}
		return "Pharmacie " + t.place(n)
	}
	if n%10 < 3 {
		return "Cabinet paramédical " + t.place(n)
	}
	return "Cabinet médical " + t.place(n)
}

// sectorOf returns the sector of activity of a site (TRE_R02).
func sectorOf(s *site) (code, label string) {
	switch s.kind {
	case kindCentre:
		return "SA05", "Centre de santé"
	case kindHospital:
		return "SA01", "Etablissement public de santé"
	case kindPharmacy:
		return "SA25", "Pharmacie d'officine"
	case kindMaison:
		return "SA08", "Cabinet de groupe"
	}
	if s.flags&flagGroup != 0 {
		return "SA08", "Cabinet de groupe"
	}
	return "SA07", "Cabinet individuel"
}

// fillPractice writes the practice mode of an activity and, for pharmacists,
// their section of the Ordre.
func (g *generator) fillPractice(a *rpps.Activity, p *profession, s *site) {
	mode := g.modePicks[s.kind].pick(g.rng)
	m := g.modes[mode]
	a.PracticeMode, a.PracticeModeLabel = m.code, m.label
	if p.code.code != pharmacien {
		return
	}
	switch {
	case strings.HasPrefix(a.DepartementCode, "97"):
		a.PharmacistSection, a.PharmacistSectionLabel = "E", "Section E : Pharmaciens des départements d'outre-mer"
	case s.kind != kindPharmacy:
		a.PharmacistSection, a.PharmacistSectionLabel = "H", "Section H : Pharmaciens des établissements de santé"
	case mode == modeLiberal:
		a.PharmacistSection, a.PharmacistSectionLabel = "A", "Section A : Pharmaciens titulaires d'officine"
	default:
		a.PharmacistSection, a.PharmacistSectionLabel = "D", "Section D : Pharmaciens adjoints d'officine et autres exercices"
	}
}
