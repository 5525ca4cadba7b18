package store

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
)

// places matches the practice places vendors describe to directory sites.
type places struct {
	t     *tx
	pros  map[string][]string // national id → its sites
	sites map[string]Site
}

// loadPlaces reads the sites of the professionals named.
func loadPlaces(t *tx, ids []string) (*places, error) {
	p := &places{t: t, pros: make(map[string][]string, len(ids))}
	if len(ids) == 0 {
		p.sites = map[string]Site{}
		return p, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := t.QueryContext(t.ctx, `SELECT national_id, sites FROM dir_professionals
		WHERE national_id IN (`+inList(0, len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	var names []string
	seen := map[string]bool{}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var id, list string
			if err := rows.Scan(&id, &list); err != nil {
				return err
			}
			p.pros[id] = strings.Fields(list)
			for _, n := range p.pros[id] {
				if !seen[n] {
					seen[n] = true
					names = append(names, n)
				}
			}
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, err
	}
	p.sites, err = p.t.sitesNamed(names)
	return p, err
}

func (t *tx) sitesNamed(names []string) (map[string]Site, error) {
	out := make(map[string]Site, len(names))
	for start := 0; start < len(names); start += 500 {
		batch := names[start:min(start+500, len(names))]
		args := make([]any, len(batch))
		for i, n := range batch {
			args[i] = n
		}
		rows, err := t.QueryContext(t.ctx, `SELECT name, siret, finess, postal_code, city FROM dir_sites
			WHERE name IN (`+inList(0, len(batch))+`)`, args...)
		if err != nil {
			return nil, err
		}
		list, err := collect(rows, scanSite)
		if err != nil {
			return nil, err
		}
		for _, s := range list {
			out[s.Name] = s
		}
	}
	return out, nil
}

// match returns the directory site of a place of the professional
// nationalID ("" for a structure's place): by the organization identifier
// ("1"+FINESS, "3"+SIRET), else by postal code and city among the
// professional's sites, else its only site. "" when nothing matches: the slot
// is kept, and search places it at the professional's first located site.
func (p *places) match(nationalID string, place *availabilityv1.PracticePlace) (string, error) {
	if place == nil {
		place = &availabilityv1.PracticePlace{}
	}
	org := place.GetOrganizationIdentifier()
	column, id := "", ""
	if len(org) > 1 {
		switch org[0] {
		case '1':
			column, id = "finess", org[1:]
		case '3':
			column, id = "siret", org[1:]
		}
	}
	if nationalID == "" {
		if column == "" {
			return "", nil
		}
		return structureSite(p.t, column, id)
	}
	names := p.pros[nationalID]
	for _, n := range names {
		s := p.sites[n]
		if (column == "finess" && s.Finess == id) || (column == "siret" && s.Siret == id) {
			return n, nil
		}
	}
	if a := place.GetAddress(); a != nil && a.GetPostalCode() != "" {
		city := normalizeCity(a.GetCity())
		for _, n := range names {
			s := p.sites[n]
			if s.PostalCode == a.GetPostalCode() && (city == "" || s.City == city) {
				return n, nil
			}
		}
	}
	if len(names) == 1 {
		return names[0], nil
	}
	return "", nil
}

var stripMarks = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// normalizeCity puts a city name in the form both sides compare: upper case,
// no accents, words separated by one space, no CEDEX suffix.
func normalizeCity(city string) string {
	s, _, err := transform.String(stripMarks, city)
	if err != nil {
		s = city
	}
	s = strings.ToUpper(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return ' '
	}, s)
	fields := strings.Fields(s)
	for i, f := range fields {
		if f == "CEDEX" {
			fields = fields[:i]
			break
		}
	}
	return strings.Join(fields, " ")
}
