package index

import (
	"math"
	"strings"
	"time"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// builder makes the results of a search.
type builder struct {
	x      *Index
	s      *search
	m      *matcher // which items results show
	starts []int64  // Europe/Paris midnights from the window's first day on
	dates  []string // their dates, "2026-11-24"
}

// maxDays is how many days the builder dates without the time package.
const maxDays = 32

// builder returns the builder of s's results.
func (x *Index) builder(s *search) *builder {
	b := &builder{x: x, s: s, m: &s.m}
	y, m, d := time.Unix(s.m.a, 0).In(x.paris).Date()
	for i := 0; i <= maxDays; i++ {
		t := time.Date(y, m, d+i, 0, 0, 0, 0, x.paris)
		b.starts, b.dates = append(b.starts, t.Unix()), append(b.dates, t.Format(time.DateOnly))
		if t.Unix() >= s.m.b {
			break
		}
	}
	return b
}

// date returns the Europe/Paris date of Unix time t.
func (b *builder) date(t int64) string {
	for i := len(b.starts) - 1; i >= 0; i-- {
		if t >= b.starts[i] {
			if i < len(b.starts)-1 {
				return b.dates[i]
			}
			break
		}
	}
	return time.Unix(t, 0).In(b.x.paris).Format(time.DateOnly)
}

// result returns the result of entry e.
func (b *builder) result(e *entry) *searchv1.SearchResult {
	o := e.owner
	r := &searchv1.SearchResult{
		Place:          placeSummary(e.site),
		DistanceMeters: int32(math.Round(metresOf(chord2(b.s.unit, e.site.unit)))),
	}
	if p := o.part; p != nil {
		r.SasParticipant, r.ParticipationMode = p.participates, p.mode
		r.AcceptsExtraPatients, r.ReorientationFee = p.extra, p.fee
	}
	specialty := e.specialty
	r.Days, specialty = b.days(e, specialty)
	if o.pro != nil {
		r.Professional = b.professional(o, specialty)
	}
	return r
}

// professional returns the summary of o, with specialty.
func (b *builder) professional(o *owner, specialty uint16) *searchv1.ProfessionalSummary {
	st, ref := b.s.st, b.x.ref
	p := &searchv1.ProfessionalSummary{Name: o.key, Civility: st.civilities.name(o.pro.civility), FamilyName: o.pro.family(),
		GivenName: o.pro.given(), Profession: st.professions.name(o.pro.profession),
		Specialty: st.specialties.name(specialty)}
	p.ProfessionLabel, p.SpecialtyLabel = ref.professions[p.Profession], ref.specialties[p.Specialty]
	return p
}

// placeSummary returns the summary of s.
func placeSummary(s *site) *searchv1.PlaceSummary {
	f := strings.Split(s.text, "\x00")
	p := &searchv1.PlaceSummary{Site: s.name, DisplayName: f[0], Phone: f[1], StructureType: s.structure}
	if s.hasAddress {
		p.Address = &commonv1.Address{PostalCode: f[2], City: f[3], InseeCode: f[4], CountryCode: f[5]}
		if len(f) > 6 {
			p.Address.Lines = f[6:]
		}
	}
	if s.located {
		p.Location = &commonv1.GeoPoint{Latitude: s.point.Lat, Longitude: s.point.Lon}
	}
	return p
}

// days returns the items of e the search takes, grouped by day, and the
// specialty to show: specialty, else the first item's own.
func (b *builder) days(e *entry, specialty uint16) ([]*searchv1.DayAvailability, uint16) {
	m := b.m
	vendorOff := e.owner.part != nil && !e.owner.part.vendors
	var out []*searchv1.DayAvailability
	i, j := 0, 0
	for i < len(e.slots) || j < len(e.ranges) {
		var it *item
		if j >= len(e.ranges) || (i < len(e.slots) && e.slots[i].start <= e.ranges[j].start) {
			it, i = &e.slots[i], i+1
		} else {
			it, j = &e.ranges[j], j+1
		}
		if !m.takes(it, e.specialty, vendorOff) {
			continue
		}
		if specialty == 0 {
			specialty = it.specialty
		}
		date := b.date(max(it.start, m.a))
		if len(out) == 0 || out[len(out)-1].GetDate() != date {
			out = append(out, &searchv1.DayAvailability{Date: date})
		}
		day := out[len(out)-1]
		day.Slots = append(day.Slots, b.summary(it))
	}
	return out, specialty
}

// summary returns the summary of it.
func (b *builder) summary(it *item) *searchv1.SlotSummary {
	s := &searchv1.SlotSummary{Name: b.s.st.nameString(&it.name), StartTime: ts(it.start), EndTime: ts(it.end),
		Visibility: commonv1.Visibility(it.vis), AppointmentType: commonv1.AppointmentType(it.appt),
		Vendor: b.s.st.vendors.name(it.vendor), RemainingPlaces: it.places}
	if until, ok := b.s.st.holdOf(&it.name); ok && until > b.s.q.now {
		s.HoldExpireTime = ts(until)
	}
	for mode := commonv1.ConsultationMode(1); mode < 8; mode++ {
		if it.modes&(1<<mode) != 0 {
			s.ConsultationModes = append(s.ConsultationModes, mode)
		}
	}
	return s
}
