package index

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// place is where a search starts from.
type place struct {
	centre      Point
	departement string
	shuffle     bool // postal code and département searches shuffle their results
	whole       bool // a whole département: its coverage radius, no enlargement
}

// locate resolves the location of req.
func (r *Reference) locate(req *searchv1.SearchSlotsRequest) (place, error) {
	switch loc := req.GetLocation().(type) {
	case *searchv1.SearchSlotsRequest_Point:
		p := Point{Lat: loc.Point.GetLatitude(), Lon: loc.Point.GetLongitude()}
		if !p.valid() || math.IsNaN(p.Lat) || math.IsNaN(p.Lon) {
			return place{}, invalid("point", "latitude must be within -90..90 and longitude within -180..180")
		}
		c, ok := r.places.nearest(p)
		if !ok {
			return place{}, invalid("point", "no French commune within 100 km")
		}
		return place{centre: p, departement: c.departement}, nil
	case *searchv1.SearchSlotsRequest_InseeCode:
		c, ok := r.places.commune(strings.TrimSpace(loc.InseeCode))
		if !ok {
			return place{}, invalid("insee_code", "unknown INSEE commune code %q", loc.InseeCode)
		}
		return place{centre: c.point, departement: c.departement}, nil
	case *searchv1.SearchSlotsRequest_PostalCode:
		i, ok := r.places.byPostal[strings.TrimSpace(loc.PostalCode)]
		if !ok {
			return place{}, invalid("postal_code", "unknown postal code %q", loc.PostalCode)
		}
		c := &r.places.communes[i]
		return place{centre: c.point, departement: c.departement, shuffle: true}, nil
	case *searchv1.SearchSlotsRequest_CommuneName:
		c, err := r.places.named(loc.CommuneName)
		if err != nil {
			return place{}, err
		}
		return place{centre: c.point, departement: c.departement}, nil
	case *searchv1.SearchSlotsRequest_Departement:
		code := strings.TrimPrefix(strings.TrimSpace(loc.Departement), "departements/")
		if _, ok := r.places.deps[code]; !ok {
			return place{}, invalid("departement", `unknown département %q: want "departements/44"`, loc.Departement)
		}
		return place{departement: code, shuffle: true, whole: true}, nil
	}
	return place{}, invalid("location", "one of point, insee_code, postal_code, commune_name, departement is required")
}

// named returns the commune of a name, matched without case, accents or
// punctuation; former communes count only when no commune in force matches.
func (p *places) named(name string) (*commune, error) {
	key := FoldName(name)
	list := p.byName[key]
	if len(list) == 0 {
		list = p.byFormer[key]
	}
	switch len(list) {
	case 0:
		return nil, invalid("commune_name", "no commune named %q", name)
	case 1:
		return &p.communes[list[0]], nil
	}
	list = slices.Clone(list)
	slices.SortFunc(list, func(a, b int32) int {
		return cmp.Or(cmp.Compare(p.communes[b].population, p.communes[a].population),
			cmp.Compare(p.communes[a].insee, p.communes[b].insee))
	})
	qe := &QueryError{Field: "commune_name", Description: fmt.Sprintf(
		"%q names %d communes: search by insee_code", name, len(list))}
	for _, i := range list {
		c := &p.communes[i]
		qe.Candidates = append(qe.Candidates, fmt.Sprintf("%s (%s, %s)", c.name, c.insee, c.departement))
	}
	return nil, qe
}

// nearest returns the commune (or arrondissement) whose centre is nearest to
// pt, within about 100 km.
func (p *places) nearest(pt Point) (*commune, bool) {
	centre, home := pt.unit(), CellOf(pt)
	best, bestD := int32(-1), math.Inf(1)
	for ring := 0; ring <= 10; ring++ {
		if best >= 0 && ring >= 2 && metresOf(bestD) < float64(ring-1)*7_000 {
			break // rings further out are at least (ring-1) cells away
		}
		for lat := -ring; lat <= ring; lat++ {
			for lon := -ring; lon <= ring; lon++ {
				if max(abs(lat), abs(lon)) != ring {
					continue
				}
				for _, i := range p.near[Cell{Lat: home.Lat + int16(lat), Lon: home.Lon + int16(lon)}] {
					if d := chord2(centre, p.communes[i].point.unit()); d < bestD {
						best, bestD = i, d
					}
				}
			}
		}
	}
	if best < 0 {
		return nil, false
	}
	return &p.communes[best], true
}

// abs returns the absolute value of n.
func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
