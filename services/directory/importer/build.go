package importer

import (
	"encoding/binary"
	"encoding/hex"
	"reflect"
	"sort"
	"strings"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/rpps"
	"github.com/sas-platform/sas/services/directory/store"
)

// activityFields are the indexes of Activity's string fields, hashed in order.
var activityFields = stringFields(reflect.TypeFor[rpps.Activity]())

func stringFields(t reflect.Type) []int {
	var idx []int
	for i := range t.NumField() {
		if t.Field(i).Type.Kind() == reflect.String {
			idx = append(idx, i)
		}
	}
	return idx
}

// lineHash is the hash of a line's values: equal values, equal hash,
// whatever the order of the columns in the file.
func lineHash(a *rpps.Activity) uint64 {
	h := fnvOffset
	v := reflect.ValueOf(a).Elem()
	for _, i := range activityFields {
		h = fnvField(h, v.Field(i).String())
	}
	return h
}

// FNV-1a, 64 bits, as hash/fnv computes it, without its allocations.
const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

// fnvField adds a field and its separator '|' to an FNV-1a hash.
func fnvField(h uint64, s string) uint64 {
	for i := range len(s) {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return (h ^ '|') * fnvPrime
}

// site builds the practice site of an activity, located with communes.
func site(a *rpps.Activity, communes *geo.Communes) (*directoryv1.Site, store.ActivityRow) {
	s := &directoryv1.Site{
		Siret: a.SIRET, Finess: a.FINESS, LegalFiness: a.LegalFINESS, TechnicalId: a.TechnicalID,
		DisplayName: a.CompanyName, BrandName: a.BrandName, Phone: a.Phone, Phone2: a.Phone2, Email: a.Email,
		Address: &commonv1.Address{
			Lines:      nonEmpty(a.AddressComplement, a.GeoComplement, street(a), a.Distribution),
			PostalCode: a.PostalCode, City: a.CommuneLabel, InseeCode: a.CommuneCode, CountryCode: a.CountryCode,
		},
	}
	s.Name = "sites/" + siteID(s)
	loc := communes.Locate(a.CommuneCode, a.PostalCode, a.Cedex)
	dep := loc.Departement
	if dep == "" {
		dep = a.DepartementCode
	}
	if dep != "" {
		s.Departement = "departements/" + dep
	}
	s.GeocodePrecision = directoryv1.Site_GEOCODE_PRECISION_NONE
	if loc.Precision != geo.PrecisionNone {
		s.Location = &commonv1.GeoPoint{Latitude: loc.Point.Lat, Longitude: loc.Point.Lon}
		s.GeocodePrecision = map[geo.Precision]directoryv1.Site_GeocodePrecision{
			geo.PrecisionCommune: directoryv1.Site_GEOCODE_PRECISION_COMMUNE, geo.PrecisionPostalCode: directoryv1.Site_GEOCODE_PRECISION_POSTAL_CODE,
		}[loc.Precision]
	}
	return s, store.ActivityRow{Site: s.Name, Specialty: a.Skill, Departement: dep, Commune: loc.InseeCode}
}

// siteID derives a stable id from the structure's identifiers and address.
func siteID(s *directoryv1.Site) string {
	h := fnvOffset
	a := s.Address
	for _, f := range []string{s.Siret, s.Finess, s.TechnicalId, s.DisplayName, a.PostalCode, a.InseeCode, a.City, a.CountryCode} {
		h = fnvField(h, f)
	}
	for _, f := range a.Lines {
		h = fnvField(h, f)
	}
	return hex.EncodeToString(binary.BigEndian.AppendUint64(nil, h))
}

// professional builds a professional from all its lines.
func professional(acts []*rpps.Activity, communes *geo.Communes) (*directoryv1.Professional, []*directoryv1.Site, []store.ActivityRow) {
	sort.Slice(acts, func(i, j int) bool { return acts[i].Line < acts[j].Line })
	first := acts[0]
	p := &directoryv1.Professional{
		Name: store.ProfessionalName(first.NationalID), NationalId: first.NationalID, IdentifierType: idType(first.IDType),
		PracticeCivility: first.PracticeCivility, Civility: first.Civility, FamilyName: first.FamilyName,
		GivenName: first.GivenName, Profession: "professions/" + first.Profession,
	}
	var sites []*directoryv1.Site
	var rows []store.ActivityRow
	for _, a := range acts {
		s, row := site(a, communes)
		act := &directoryv1.Activity{Site: s.Name, PracticeMode: a.PracticeMode, Role: a.Role, Sector: a.Sector}
		if a.Skill != "" {
			act.Specialty = "specialties/" + a.Skill
		}
		p.Activities = append(p.Activities, act)
		sites, rows = append(sites, s), append(rows, row)
	}
	return p, sites, rows
}

func idType(t string) commonv1.IdentifierType {
	if t == rpps.IDTypeADELI {
		return commonv1.IdentifierType_IDENTIFIER_TYPE_ADELI
	}
	return commonv1.IdentifierType_IDENTIFIER_TYPE_RPPS
}

func street(a *rpps.Activity) string {
	return strings.Join(nonEmpty(a.StreetNumber, a.StreetRepeat, a.StreetTypeLabel, a.StreetName), " ")
}

func nonEmpty(vals ...string) []string {
	var out []string
	for _, v := range vals {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
