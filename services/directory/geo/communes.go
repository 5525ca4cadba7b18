package geo

import (
	"slices"
	"strings"
)

// Commune is a commune or municipal arrondissement of the reference.
type Commune struct {
	InseeCode   string // "44109", "2A004", "75115"
	Name        string // official name with its article: "Les Sables-d'Olonne"
	PostalCode  string // the first postal code listed for the commune
	Departement string // "44", "2A", "971"
	Point       Point  // centre of the commune (of its département when unknown)
	Population  int    // legal population 2021
}

// Departement is a French département, overseas included.
type Departement struct {
	Code    string // "44", "2A", "971"
	Region  string // INSEE region code: "52"
	Name    string // "Loire-Atlantique"
	Point   Point  // centre of the département
	Capital string // INSEE code of the capital commune
}

// Communes is the loaded reference. It is immutable after Load and safe for
// concurrent use.
type Communes struct {
	communes     []entry
	byInsee      map[string]int32
	byPostal     map[string]int32
	departements map[string]Departement
	weighted     []int32 // indexes into communes, see Weighted
}

// kind is the type of a row of communes.csv.
type kind uint8

const (
	kindCOM  kind = iota // commune
	kindARM              // municipal arrondissement
	kindCOMD             // former commune merged into another
)

// entry is a commune with what the loader needs to know of its row.
type entry struct {
	Commune
	kind kind
}

// Commune returns the commune or arrondissement of an INSEE code.
func (c *Communes) Commune(inseeCode string) (Commune, bool) {
	i, ok := c.byInsee[inseeCode]
	if !ok {
		return Commune{}, false
	}
	return c.communes[i].Commune, true
}

// Departement returns the département of a code such as "44", "2A" or "971".
func (c *Communes) Departement(code string) (Departement, bool) {
	d, ok := c.departements[code]
	return d, ok
}

// Len returns the number of INSEE codes known.
func (c *Communes) Len() int { return len(c.communes) }

// Weighted returns, in a new slice, the communes and municipal arrondissements
// with a population, for drawing places in proportion to population: former
// communes are left out, and Paris, Lyon and Marseille count through their
// arrondissements only, so nobody is counted twice.
func (c *Communes) Weighted() []Commune {
	out := make([]Commune, 0, len(c.weighted))
	for _, i := range c.weighted {
		out = append(out, c.communes[i].Commune)
	}
	return out
}

// Departements returns every département, ordered by code.
func (c *Communes) Departements() []Departement {
	out := make([]Departement, 0, len(c.departements))
	for _, d := range c.departements {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Departement) int { return strings.Compare(a.Code, b.Code) })
	return out
}
