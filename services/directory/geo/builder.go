package geo

// builder assembles Communes from the rows of communes.csv.
type builder struct {
	c      *Communes
	former []row           // COMD rows, placed once every commune is known
	cities map[string]bool // INSEE codes split into arrondissements
}

// newBuilder returns a builder of Communes over the départements deps.
func newBuilder(deps map[string]Departement) *builder {
	return &builder{
		c: &Communes{
			communes:     make([]entry, 0, 36_000),
			byInsee:      make(map[string]int32, 36_000),
			byPostal:     make(map[string]int32, 6_500),
			departements: deps,
		},
		cities: make(map[string]bool),
	}
}

// add takes a row. A commune's first row makes the commune, the others only
// bring a postal code.
func (b *builder) add(r row) {
	if r.kind == kindCOMD {
		b.former = append(b.former, r)
		return
	}
	if r.kind == kindARM {
		b.cities[r.parent] = true
	}
	b.place(r)
}

// place indexes r under its INSEE code, unless the code is already known, and
// offers the commune for r's postal code.
func (b *builder) place(r row) {
	i, ok := b.c.byInsee[r.insee]
	if !ok {
		i = int32(len(b.c.communes))
		b.c.communes = append(b.c.communes, entry{kind: r.kind, Commune: Commune{
			InseeCode: r.insee, Name: r.name, PostalCode: r.postal,
			Departement: r.departement, Point: r.point, Population: r.population,
		}})
		b.c.byInsee[r.insee] = i
	}
	if cur, ok := b.c.byPostal[r.postal]; !ok || b.better(i, cur) {
		b.c.byPostal[r.postal] = i
	}
}

// better reports whether commune i should stand for a postal code rather than
// commune j: a commune in force first, then the most populous, then the lowest
// code.
func (b *builder) better(i, j int32) bool {
	ci, cj := &b.c.communes[i], &b.c.communes[j]
	if (ci.kind == kindCOMD) != (cj.kind == kindCOMD) {
		return cj.kind == kindCOMD
	}
	if ci.Population != cj.Population {
		return ci.Population > cj.Population
	}
	return ci.InseeCode < cj.InseeCode
}

// finish places the former communes whose code is not already taken, with the
// département of their parent, and lists the communes to weigh.
func (b *builder) finish() *Communes {
	for _, r := range b.former {
		if p, ok := b.c.byInsee[r.parent]; ok {
			r.departement = b.c.communes[p].Departement
		}
		b.place(r)
	}
	for i, e := range b.c.communes {
		if e.kind != kindCOMD && e.Population > 0 && !b.cities[e.InseeCode] {
			b.c.weighted = append(b.c.weighted, int32(i))
		}
	}
	return b.c
}
