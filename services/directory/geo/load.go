package geo

import (
	_ "embed"
	"strconv"
)

//go:embed data/communes.csv
var communesCSV string

//go:embed data/departements.csv
var departementsCSV string

// Load parses the embedded reference (a few milliseconds; the strings it holds
// point into the embedded files). Call it once and share the result.
func Load() (*Communes, error) {
	return parse(communesCSV, departementsCSV)
}

// parse builds the reference from the texts of communes.csv and departements.csv.
func parse(communes, departements string) (*Communes, error) {
	deps, err := parseDepartements(departements)
	if err != nil {
		return nil, err
	}
	t, err := newTable("communes.csv", communes, "insee_code", "region_code", "departement_code",
		"name", "postal_code", "type", "parent_insee_code", "lat", "lon", "population")
	if err != nil {
		return nil, err
	}
	b := newBuilder(deps)
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return b.finish(), nil
		}
		r, err := readRow(t, deps)
		if err != nil {
			return nil, err
		}
		b.add(r)
	}
}

// parseDepartements reads departements.csv.
func parseDepartements(text string) (map[string]Departement, error) {
	t, err := newTable("departements.csv", text,
		"departement_code", "region_code", "name", "lat", "lon", "capital_insee_code")
	if err != nil {
		return nil, err
	}
	deps := make(map[string]Departement, 101)
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return deps, nil
		}
		f := t.fields
		p, found, err := parsePoint(f[3], f[4])
		if err != nil || !found {
			return nil, t.errorf("bad coordinates %q, %q", f[3], f[4])
		}
		deps[f[0]] = Departement{Code: f[0], Region: f[1], Name: f[2], Point: p, Capital: f[5]}
	}
}

// parsePoint reads a latitude and a longitude; found is false when both are empty.
func parsePoint(lat, lon string) (p Point, found bool, err error) {
	if lat == "" && lon == "" {
		return Point{}, false, nil
	}
	if p.Lat, err = strconv.ParseFloat(lat, 64); err != nil {
		return Point{}, false, err
	}
	if p.Lon, err = strconv.ParseFloat(lon, 64); err != nil {
		return Point{}, false, err
	}
	return p, true, nil
}
