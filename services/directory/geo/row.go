package geo

import (
	"strconv"
	"strings"
)

// row is one line of communes.csv, with its département and coordinates
// resolved.
type row struct {
	insee, departement, name, postal, parent string
	kind                                     kind
	point                                    Point
	population                               int
}

// parseKind reads the type column.
func parseKind(s string) (kind, bool) {
	switch s {
	case "COM":
		return kindCOM, true
	case "ARM":
		return kindARM, true
	case "COMD":
		return kindCOMD, true
	}
	return 0, false
}

// readRow checks the current line of t and resolves its département (the
// parent's for a former commune) and, when missing, its coordinates (the
// centre of the département).
func readRow(t *table, deps map[string]Departement) (row, error) {
	f := t.fields
	r := row{insee: f[0], departement: f[2], name: f[3], postal: f[4], parent: f[6]}
	k, ok := parseKind(f[5])
	if !ok {
		return row{}, t.errorf("unknown type %q", f[5])
	}
	r.kind = k
	if len(r.insee) != 5 || !isPostalCode(r.postal) || r.name == "" {
		return row{}, t.errorf("bad commune %q %q %q", r.insee, r.name, r.postal)
	}
	if r.departement == "" {
		r.departement = departementOf(r.insee)
		if r.kind == kindCOMD && len(r.parent) == 5 {
			r.departement = departementOf(r.parent)
		}
	}
	d, ok := deps[r.departement]
	if !ok {
		return row{}, t.errorf("unknown département %q", r.departement)
	}
	return r, r.locate(t, d)
}

// locate reads the coordinates and population of the current line.
func (r *row) locate(t *table, d Departement) error {
	f := t.fields
	p, found, err := parsePoint(f[7], f[8])
	if err != nil {
		return t.errorf("bad coordinates %q, %q", f[7], f[8])
	}
	r.point = d.Point
	if found {
		r.point = p
	}
	if f[9] != "" {
		if r.population, err = strconv.Atoi(f[9]); err != nil || r.population < 0 {
			return t.errorf("bad population %q", f[9])
		}
	}
	return nil
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

// isPostalCode reports whether s is made of 5 digits.
func isPostalCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
