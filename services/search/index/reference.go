package index

import (
	_ "embed"
	"strings"
)

//go:embed data/communes.csv
var communesCSV string

//go:embed data/departements.csv
var departementsCSV string

//go:embed data/sas_territories.csv
var territoriesCSV string

//go:embed data/nos_codes.tsv
var codesTSV string

// Reference is the geographic and code reference a search resolves places and
// labels with: communes with their postal codes and populations, départements,
// SAS territories with their radii, profession and specialty labels (see
// data/SOURCE.md). It is immutable and safe for concurrent use; load it once
// and share it.
type Reference struct {
	places      *places
	territories map[string]territory // by département code
	professions map[string]string    // TRE_G15 code → label
	specialties map[string]string    // TRE_R38 code → label
}

// LoadReference parses the embedded reference files (some 30 ms).
func LoadReference() (*Reference, error) {
	p, err := loadPlaces(communesCSV, departementsCSV)
	if err != nil {
		return nil, err
	}
	terr, err := loadTerritories(territoriesCSV, p)
	if err != nil {
		return nil, err
	}
	ref := &Reference{places: p, territories: terr, professions: map[string]string{}, specialties: map[string]string{}}
	return ref, ref.loadCodes(codesTSV)
}

// loadCodes reads the profession and specialty labels of nos_codes.tsv.
func (r *Reference) loadCodes(text string) error {
	t, err := newTable("nos_codes.tsv", "\t", text, "table", "code", "libelle")
	if err != nil {
		return err
	}
	for t.next() {
		switch table, code, label := t.get("table"), t.get("code"), t.get("libelle"); {
		case strings.HasPrefix(table, "TRE_G15"):
			r.professions[code] = label
		case strings.HasPrefix(table, "TRE_R38"):
			r.specialties[code] = trimTableMark(label)
		}
	}
	return nil
}

// trimTableMark removes the trailing "(SM)"-like mark of a specialty label.
func trimTableMark(label string) string {
	i := strings.LastIndex(label, " (")
	if i < 0 || !strings.HasSuffix(label, ")") {
		return label
	}
	mark := label[i+2 : len(label)-1]
	if mark == "" || strings.ToUpper(mark) != mark || len(mark) > 4 {
		return label
	}
	return label[:i]
}
