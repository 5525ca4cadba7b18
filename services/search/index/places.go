package index

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// placeKind is what a place of the commune reference is.
type placeKind uint8

const (
	kindCommune  placeKind = iota // commune in force (COM)
	kindDistrict                  // municipal arrondissement of Paris, Lyon, Marseille (ARM)
	kindCity                      // Paris, Lyon or Marseille as a whole, made from its arrondissements
	kindFormer                    // former commune merged into another (COMD)
)

// commune is a place a search can start from.
type commune struct {
	insee       string // "44109", "2A004", "75056"
	name        string // official name: "Saint-Herblain"
	departement string // "44", "2A", "971"
	postal      string // first postal code listed
	point       Point
	population  int
	kind        placeKind
}

// departement is a French département of the reference.
type departement struct {
	code, name string
	centre     Point
}

// places is the commune reference, immutable once loaded.
type places struct {
	communes []commune
	byInsee  map[string]int32
	byPostal map[string]int32   // most populous commune in force having it
	byName   map[string][]int32 // folded name → communes in force, arrondissements, cities
	byFormer map[string][]int32 // folded name → former communes
	near     map[Cell][]int32   // communes in force and arrondissements by cell
	deps     map[string]departement
}

// commune returns the place of INSEE code.
func (p *places) commune(insee string) (*commune, bool) {
	i, ok := p.byInsee[insee]
	if !ok {
		return nil, false
	}
	return &p.communes[i], true
}

// loadPlaces reads departements.csv and communes.csv.
func loadPlaces(communesCSV, departementsCSV string) (*places, error) {
	deps, err := loadDepartements(departementsCSV)
	if err != nil {
		return nil, err
	}
	t, err := newTable("communes.csv", ",", communesCSV, "insee_code", "departement_code", "name",
		"postal_code", "type", "parent_insee_code", "lat", "lon", "population")
	if err != nil {
		return nil, err
	}
	b := placeBuilder{cities: map[string][]int32{}, p: &places{
		byInsee: make(map[string]int32, 36_000), byPostal: make(map[string]int32, 6_500),
		byName: make(map[string][]int32, 36_000), byFormer: map[string][]int32{},
		near: map[Cell][]int32{}, deps: deps,
	}}
	for t.next() {
		if err := b.add(t); err != nil {
			return nil, err
		}
	}
	return b.finish(), nil
}

// loadDepartements reads departements.csv.
func loadDepartements(text string) (map[string]departement, error) {
	t, err := newTable("departements.csv", ",", text, "departement_code", "name", "lat", "lon")
	if err != nil {
		return nil, err
	}
	deps := make(map[string]departement, 101)
	for t.next() {
		p, ok := parsePoint(t.get("lat"), t.get("lon"))
		if !ok {
			return nil, t.errorf("bad coordinates")
		}
		deps[t.get("departement_code")] = departement{code: t.get("departement_code"), name: t.get("name"), centre: p}
	}
	return deps, nil
}

// parsePoint reads a latitude and a longitude.
func parsePoint(lat, lon string) (Point, bool) {
	la, err1 := strconv.ParseFloat(lat, 64)
	lo, err2 := strconv.ParseFloat(lon, 64)
	p := Point{Lat: la, Lon: lo}
	return p, err1 == nil && err2 == nil && p.valid()
}

// placeBuilder assembles places from the rows of communes.csv.
type placeBuilder struct {
	p      *places
	former []commune
	cities map[string][]int32 // city INSEE code → its arrondissements
}

// add takes the current row of t.
func (b *placeBuilder) add(t *table) error {
	c := commune{insee: t.get("insee_code"), name: t.get("name"), departement: t.get("departement_code"),
		postal: t.get("postal_code")}
	parent := t.get("parent_insee_code")
	if len(c.insee) != 5 || c.name == "" {
		return t.errorf("bad commune %q %q", c.insee, c.name)
	}
	switch t.get("type") {
	case "COM":
		c.kind = kindCommune
	case "ARM":
		c.kind = kindDistrict
	case "COMD":
		c.kind = kindFormer
		c.departement = departementOf(parent)
	default:
		return t.errorf("unknown type %q", t.get("type"))
	}
	if c.departement == "" {
		c.departement = departementOf(c.insee)
	}
	d, ok := b.p.deps[c.departement]
	if !ok {
		return t.errorf("unknown département %q", c.departement)
	}
	if c.point, ok = parsePoint(t.get("lat"), t.get("lon")); !ok {
		c.point = d.centre
	}
	c.population, _ = strconv.Atoi(t.get("population"))
	if c.kind == kindFormer {
		b.former = append(b.former, c)
		return nil
	}
	if i, created := b.place(c); created && c.kind == kindDistrict {
		b.cities[parent] = append(b.cities[parent], i)
	}
	return nil
}

// place indexes c under its INSEE code unless the code is known (a further
// postal code of a known commune), and offers it for its postal code.
func (b *placeBuilder) place(c commune) (i int32, created bool) {
	i, known := b.p.byInsee[c.insee]
	if !known {
		i = b.append(c)
		b.p.byInsee[c.insee] = i
	}
	if cur, ok := b.p.byPostal[c.postal]; !ok || b.better(i, cur) {
		b.p.byPostal[c.postal] = i
	}
	return i, !known
}

// append adds c to the communes and returns its index.
func (b *placeBuilder) append(c commune) int32 {
	b.p.communes = append(b.p.communes, c)
	return int32(len(b.p.communes) - 1)
}

// better reports whether commune i should stand for a postal code rather than
// commune j: a commune in force first, then the most populous, then the
// lowest code.
func (b *placeBuilder) better(i, j int32) bool {
	ci, cj := &b.p.communes[i], &b.p.communes[j]
	if (ci.kind == kindFormer) != (cj.kind == kindFormer) {
		return cj.kind == kindFormer
	}
	if ci.population != cj.population {
		return ci.population > cj.population
	}
	return ci.insee < cj.insee
}

// finish places the former communes and the three cities, and indexes names
// and cells.
func (b *placeBuilder) finish() *places {
	p := b.p
	for _, c := range b.former {
		if _, taken := p.byInsee[c.insee]; !taken {
			b.place(c)
		}
		i := b.append(c)
		p.byFormer[FoldName(c.name)] = append(p.byFormer[FoldName(c.name)], i)
	}
	for _, code := range slices.Sorted(maps.Keys(b.cities)) {
		p.byInsee[code] = b.append(b.city(code, b.cities[code]))
	}
	for _, i := range p.byInsee {
		c := &p.communes[i]
		if c.kind == kindFormer {
			continue
		}
		p.byName[FoldName(c.name)] = append(p.byName[FoldName(c.name)], i)
		if c.kind != kindCity {
			p.near[CellOf(c.point)] = append(p.near[CellOf(c.point)], i)
		}
	}
	for _, list := range p.byName {
		slices.SortFunc(list, func(a, b int32) int { return cmp.Compare(p.communes[a].insee, p.communes[b].insee) })
	}
	for _, list := range p.near {
		slices.Sort(list)
	}
	return p
}

// city makes Paris, Lyon or Marseille from its arrondissements: its name
// without "1er Arrondissement", its population the sum, its point the
// population-weighted centre.
func (b *placeBuilder) city(code string, districts []int32) commune {
	first := b.p.communes[districts[0]]
	name, _, _ := strings.Cut(first.name, " ")
	c := commune{insee: code, name: name, departement: first.departement, postal: first.postal, kind: kindCity}
	var lat, lon float64
	for _, i := range districts {
		d := b.p.communes[i]
		c.population += d.population
		lat += d.point.Lat * float64(d.population)
		lon += d.point.Lon * float64(d.population)
	}
	c.point = first.point
	if c.population > 0 {
		c.point = Point{Lat: lat / float64(c.population), Lon: lon / float64(c.population)}
	}
	return c
}

// departementOf returns the département of an INSEE commune code: its first
// two characters ("44", "2A"), three overseas ("971").
func departementOf(insee string) string {
	if strings.HasPrefix(insee, "97") && len(insee) >= 3 {
		return insee[:3]
	}
	if len(insee) >= 2 {
		return insee[:2]
	}
	return insee
}
