package synth

import (
	"math/rand/v2"

	"github.com/sas-platform/sas/services/directory/geo"
)

// Mobile numbers (06): their share among sites, per mille, and their range.
const (
	mobilePerMille = 100
	mobileBase     = 600_000_000
	mobileSpan     = 100_000_000
)

// area is a range of phone numbers, without the leading 0: base + [0, span).
type area struct {
	base, span uint64
}

// phones draws the phone numbers of sites from the area of their département.
type phones struct {
	areas map[string]area
}

// newPhones maps every département of c to its numbering area.
func newPhones(c *geo.Communes) phones {
	p := phones{areas: make(map[string]area)}
	for _, d := range c.Departements() {
		p.areas[d.Code] = areaOf(d)
	}
	return p
}

// draw returns a number of 10 digits, the leading 0 implied.
func (p phones) draw(r *rand.Rand, departement string) uint64 {
	a, ok := p.areas[departement]
	if !ok || chance(r, mobilePerMille) {
		a = area{mobileBase, mobileSpan}
	}
	return a.base + r.Uint64N(a.span)
}

// areaOf returns the numbering area of a département: 01 Île-de-France, 02
// north-west, 03 north-east, 04 south-east, 05 south-west, 0590… overseas.
func areaOf(d geo.Departement) area {
	switch d.Code {
	case "971":
		return area{590_000_000, 1_000_000}
	case "972":
		return area{596_000_000, 1_000_000}
	case "973":
		return area{594_000_000, 1_000_000}
	case "974":
		return area{262_000_000, 1_000_000}
	case "976":
		return area{269_000_000, 1_000_000}
	case "09", "12", "31", "32", "46", "65", "81", "82":
		return area{500_000_000, 100_000_000}
	}
	switch d.Region {
	case "11":
		return area{100_000_000, 100_000_000}
	case "24", "28", "52", "53":
		return area{200_000_000, 100_000_000}
	case "27", "32", "44":
		return area{300_000_000, 100_000_000}
	case "75":
		return area{500_000_000, 100_000_000}
	}
	return area{400_000_000, 100_000_000}
}
