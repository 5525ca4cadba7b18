package synth

import (
	_ "embed"
	"math/rand/v2"
	"strings"
)

//go:embed data/family_names.txt
var familyNamesText string

//go:embed data/given_names_female.txt
var femaleNamesText string

//go:embed data/given_names_male.txt
var maleNamesText string

// names holds the lists names are drawn from. Family names are upper case, as
// in the published file ("LEFÈVRE"); given names keep their case ("Hélène").
type names struct {
	family, female, male []string
}

// newNames reads the embedded lists.
func newNames() names {
	family := lines(familyNamesText)
	for i, n := range family {
		family[i] = strings.ToUpper(n)
	}
	return names{family: family, female: lines(femaleNamesText), male: lines(maleNamesText)}
}

// draw returns a family name and a given name.
func (n *names) draw(r *rand.Rand, female bool) (family, given string) {
	givens := n.male
	if female {
		givens = n.female
	}
	return n.family[r.IntN(len(n.family))], givens[r.IntN(len(givens))]
}

// lines returns the non-empty lines of text.
func lines(text string) []string {
	var out []string
	for l := range strings.Lines(text) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
