package index

import (
	"math"
	"strconv"
)

// territory is what a search needs of a SAS territory, per département.
type territory struct {
	name       string  // "territories/SAS-44"
	radius     float64 // default search radius, metres
	step       float64 // enlargement step, metres
	coverage   float64 // radius covering the département from its barycentre, metres
	barycentre Point
	active     bool // SAS runs there
}

// loadTerritories reads sas_territories.csv. Départements without barycentre
// or coverage radius take the centre of the département and the radius that
// covers its communes.
func loadTerritories(text string, p *places) (map[string]territory, error) {
	t, err := newTable("sas_territories.csv", ",", text, "departement_code", "departement_radius_km",
		"barycentre_lat", "barycentre_lon", "default_radius_km", "enlargement_km")
	if err != nil {
		return nil, err
	}
	out := make(map[string]territory, 101)
	for t.next() {
		code := departementCode(t.get("departement_code"))
		d, ok := p.deps[code]
		if !ok {
			return nil, t.errorf("unknown département %q", code)
		}
		var km [3]float64
		for i, col := range []string{"default_radius_km", "enlargement_km", "departement_radius_km"} {
			if km[i], err = strconv.ParseFloat(t.get(col), 64); err != nil || km[i] < 0 {
				return nil, t.errorf("bad %s %q", col, t.get(col))
			}
		}
		tr := territory{name: "territories/SAS-" + code, radius: km[0] * 1000, step: km[1] * 1000,
			coverage: km[2] * 1000, active: km[0] > 0}
		tr.barycentre, ok = parsePoint(t.get("barycentre_lat"), t.get("barycentre_lon"))
		if !ok || tr.barycentre == (Point{}) || tr.coverage == 0 {
			tr.barycentre, tr.coverage = d.centre, coverage(p, code, d.centre)
		}
		out[code] = tr
	}
	return out, nil
}

// coverage returns the distance from centre to the farthest commune of
// département code, rounded up to the kilometre.
func coverage(p *places, code string, centre Point) float64 {
	far := 0.0
	for _, c := range p.communes {
		if c.departement == code && c.kind != kindFormer {
			far = max(far, Distance(centre, c.point))
		}
	}
	return math.Ceil(far/1000) * 1000
}

// departementCode normalises a département code as the SAS files write it
// ("7", "20A") into its INSEE form ("07", "2A").
func departementCode(code string) string {
	switch code {
	case "20A":
		return "2A"
	case "20B":
		return "2B"
	}
	if len(code) == 1 {
		return "0" + code
	}
	return code
}
