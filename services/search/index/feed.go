package index

import (
	"strings"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
)

// The index keeps the strings of the messages it is given (names, address
// lines): a message must not be modified after it was put.

// PutProfessional sets a professional of the directory. An inactive or
// opted-out professional leaves every search at once.
func (w *Writer) PutProfessional(p *directoryv1.Professional) {
	key := p.GetName()
	if key == "" && p.GetNationalId() != "" {
		key = "professionals/" + p.GetNationalId()
	}
	if key == "" {
		return
	}
	o := w.ownerOf(key, false)
	pro := &professional{
		names: namesOf(p.GetFamilyName(), p.GetGivenName()), civility: w.st.civilities.id(p.GetCivility()),
		profession: w.st.professions.id(strings.TrimPrefix(p.GetProfession(), "professions/")),
		active:     p.GetActive(), optedOut: p.GetOptedOut(),
	}
	for _, a := range p.GetActivities() {
		if a.GetSite() == "" {
			continue
		}
		pro.activities = append(pro.activities, activity{site: w.siteOf(a.GetSite()),
			specialty: w.st.specialties.id(strings.TrimPrefix(a.GetSpecialty(), "specialties/"))})
	}
	o.pro = pro
	w.rebuild(o)
}

// DeleteProfessional forgets a professional of the directory; its items wait
// for it to come back or to be deleted.
func (w *Writer) DeleteProfessional(name string) {
	if o := w.st.owners[name]; o != nil && o.pro != nil {
		o.pro = nil
		w.rebuild(o)
	}
}

// PutSite sets a practice site of the directory. A site without a location
// (or geocoded with precision NONE) is kept but never found by distance.
func (w *Writer) PutSite(s *directoryv1.Site) {
	if s.GetName() == "" {
		return
	}
	st := w.siteOf(s.GetName())
	p, located := sitePoint(s)
	moved := !st.known || st.located != located || st.point != p || st.structure != s.GetStructureType()
	st.known, st.located, st.point, st.unit = true, located, p, p.unit()
	st.text, st.hasAddress = packSite(s), s.GetAddress() != nil
	st.structure = s.GetStructureType()
	if !moved {
		if located {
			w.touched[CellOf(p)] = struct{}{}
		}
		return
	}
	for _, o := range append([]*owner(nil), st.owners...) {
		w.rebuild(o)
	}
}

// DeleteSite forgets a practice site; what is placed there waits for it.
func (w *Writer) DeleteSite(name string) {
	st := w.st.sites[name]
	if st == nil || !st.known {
		return
	}
	*st = site{name: name, id: st.id, owners: st.owners}
	for _, o := range append([]*owner(nil), st.owners...) {
		w.rebuild(o)
	}
	if len(st.owners) == 0 {
		w.forgetSite(st)
	}
}

// sitePoint returns the position of s, and whether it has one.
func sitePoint(s *directoryv1.Site) (Point, bool) {
	loc := s.GetLocation()
	p := Point{Lat: loc.GetLatitude(), Lon: loc.GetLongitude()}
	ok := loc != nil && p != (Point{}) && p.valid() &&
		s.GetGeocodePrecision() != directoryv1.Site_GEOCODE_PRECISION_NONE
	if !ok {
		return Point{}, false
	}
	return p, true
}

// siteName returns the name a result shows of s: its trade name, else its
// company name.
func siteName(s *directoryv1.Site) string {
	if s.GetBrandName() != "" {
		return s.GetBrandName()
	}
	return s.GetDisplayName()
}

// PutParticipation sets how a professional takes part in SAS
// ("professionals/{national_id}/participation").
func (w *Writer) PutParticipation(p *availabilityv1.Participation) {
	key, ok := strings.CutSuffix(p.GetName(), "/participation")
	if !ok || key == "" {
		return
	}
	o := w.ownerOf(key, false)
	o.part = &participation{participates: p.GetParticipates(), extra: p.GetAcceptsExtraPatients(),
		fee: p.GetReorientationFee(), vendors: p.GetVendorInterfacing(), mode: p.GetMode()}
	w.rebuild(o)
}

// DeleteParticipation forgets a participation setting.
func (w *Writer) DeleteParticipation(name string) {
	key, _ := strings.CutSuffix(name, "/participation")
	if o := w.st.owners[key]; o != nil && o.part != nil {
		o.part = nil
		w.rebuild(o)
	}
}

// PutTerritory sets the radii of a SAS territory (from the accounts
// service) for each of its départements; the barycentre and coverage radius
// are taken only for a territory of one département.
func (w *Writer) PutTerritory(t *commonv1.Territory) {
	for _, d := range t.GetDepartements() {
		code := strings.TrimPrefix(d, "departements/")
		cur, ok := w.st.territories[code]
		if !ok {
			cur = w.ref.territories[code]
		}
		if t.GetName() != "" {
			cur.name = t.GetName()
		}
		cur.radius, cur.step = float64(t.GetDefaultRadiusMeters()), float64(t.GetRadiusStepMeters())
		cur.active = t.GetActive() || t.GetDefaultRadiusMeters() > 0
		if b := t.GetBarycentre(); len(t.GetDepartements()) == 1 && b != nil && t.GetCoverageRadiusMeters() > 0 {
			cur.barycentre = Point{Lat: b.GetLatitude(), Lon: b.GetLongitude()}
			cur.coverage = float64(t.GetCoverageRadiusMeters())
		}
		w.st.territories[code] = cur
	}
}
