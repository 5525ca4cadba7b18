package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
)

// national is the size of a synthetic national dataset.
type national struct {
	professionals, sites, slots int
}

// fullNational is the size of France: 400,000 professionals, 120,000 sites,
// 1,500,000 slots over the next three days.
var fullNational = national{professionals: 400_000, sites: 120_000, slots: 1_500_000}

// scaled returns n divided by d.
func (n national) scaled(d int) national {
	return national{n.professionals / d, n.sites / d, n.slots / d}
}

// synth generates a national dataset, deterministic for a seed.
type synth struct {
	rng      *rand.Rand
	size     national
	communes []*commune // communes and arrondissements with a population
	cumPop   []float64
	points   []Point // of the sites
}

// professions is the mix of professions, by weight.
var professions = []struct {
	code   string
	weight float64
}{{"10", 45}, {"60", 25}, {"70", 12}, {"40", 8}, {"50", 4}, {"21", 6}}

var specialties = []string{"SM26", "SM53", "SM04", "SM15", "SM38", "SM40", "SM42", "SM20", "SM24", "SM34"}

func newSynth(ref *Reference, size national, seed uint64) *synth {
	s := &synth{rng: rand.New(rand.NewPCG(seed, 1)), size: size}
	total := 0.0
	for i := range ref.places.communes {
		c := &ref.places.communes[i]
		if (c.kind == kindCommune || c.kind == kindDistrict) && c.population > 0 && ref.places.byInsee[c.insee] == int32(i) {
			s.communes = append(s.communes, c)
			total += float64(c.population)
			s.cumPop = append(s.cumPop, total)
		}
	}
	return s
}

// commune draws a commune in proportion to population.
func (s *synth) commune() *commune {
	i, _ := slices.BinarySearch(s.cumPop, s.rng.Float64()*s.cumPop[len(s.cumPop)-1])
	return s.communes[min(i, len(s.communes)-1)]
}

// point draws a place in proportion to population, within a few hundred
// metres of its commune's centre.
func (s *synth) point() Point {
	return s.near(s.commune())
}

// near returns a point within a few hundred metres of the centre of c.
func (s *synth) near(c *commune) Point {
	return Point{c.point.Lat + s.rng.NormFloat64()*0.004, c.point.Lon + s.rng.NormFloat64()*0.006}
}

func (s *synth) pick(weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := s.rng.Float64() * total
	for i, w := range weights {
		if x -= w; x < 0 {
			return i
		}
	}
	return len(weights) - 1
}

// feed applies the dataset to x in batches, as the change feeds would.
func (s *synth) feed(x *Index) {
	const batch = 20_000
	r := s.rng
	for lo := 0; lo < s.size.sites; lo += batch {
		x.Apply(func(w *Writer) {
			for i := lo; i < min(lo+batch, s.size.sites); i++ {
				p := s.point()
				s.points = append(s.points, p)
				w.PutSite(s.site(i, p))
			}
		})
	}
	for lo := 0; lo < s.size.professionals; lo += batch {
		x.Apply(func(w *Writer) {
			for i := lo; i < min(lo+batch, s.size.professionals); i++ {
				w.PutProfessional(s.professional(i))
				if r.IntN(4) == 0 {
					w.PutParticipation(s.participation(i))
				}
			}
		})
	}
	// A third of the professionals publish slots, about eleven each.
	withSlots := max(1, s.size.professionals/3)
	for lo := 0; lo < s.size.slots; lo += batch {
		x.Apply(func(w *Writer) {
			for i := lo; i < min(lo+batch, s.size.slots); i++ {
				w.PutSlot(s.slot(i, r.IntN(withSlots)*3))
			}
		})
	}
}

func (s *synth) site(i int, p Point) *directoryv1.Site {
	st := &directoryv1.Site{Name: fmt.Sprintf("sites/%d", i), DisplayName: fmt.Sprintf("Cabinet %d", i), Phone: "0240000000",
		Location: geoPoint(p.Lat, p.Lon), GeocodePrecision: directoryv1.Site_GEOCODE_PRECISION_COMMUNE,
		Address: &commonv1.Address{Lines: []string{fmt.Sprintf("%d rue de la Paix", i%200)}, PostalCode: "44000", City: "NANTES"}}
	switch n := s.rng.IntN(100); {
	case n < 3:
		st.StructureType = commonv1.StructureType_STRUCTURE_TYPE_MSP
	case n < 4:
		st.StructureType = commonv1.StructureType_STRUCTURE_TYPE_CPTS
	case n < 6:
		st.StructureType = commonv1.StructureType_STRUCTURE_TYPE_HEALTH_CENTRE
	}
	return st
}

// professional i practises at one or two sites, the second near the first.
func (s *synth) professional(i int) *directoryv1.Professional {
	r := s.rng
	weights := make([]float64, len(professions))
	for j, p := range professions {
		weights[j] = p.weight
	}
	prof := professions[s.pick(weights)].code
	spec := ""
	if prof == "10" {
		spec = "SM54"
		if r.IntN(100) >= 55 {
			spec = specialties[r.IntN(len(specialties))]
		}
	}
	first := r.IntN(s.size.sites)
	sites := []int{first}
	if r.IntN(100) < 15 {
		sites = append(sites, (first+1+r.IntN(50))%s.size.sites)
	}
	p := &directoryv1.Professional{Name: fmt.Sprintf("professionals/8%011d", i), NationalId: fmt.Sprintf("8%011d", i),
		Civility: "M", FamilyName: fmt.Sprintf("Nom%d", i), GivenName: "Prénom", Profession: "professions/" + prof,
		Active: r.IntN(100) != 0, OptedOut: r.IntN(200) == 0}
	for _, st := range sites {
		p.Activities = append(p.Activities, &directoryv1.Activity{Site: fmt.Sprintf("sites/%d", st),
			Specialty: "specialties/" + spec, PracticeMode: "L"})
	}
	return p
}

func (s *synth) participation(i int) *availabilityv1.Participation {
	r := s.rng
	return &availabilityv1.Participation{Name: fmt.Sprintf("professionals/8%011d/participation", i),
		Participates: r.IntN(10) < 7, Mode: commonv1.ParticipationMode(1 + r.IntN(3)),
		AcceptsExtraPatients: r.IntN(3) == 0, ReorientationFee: r.IntN(6) == 0, VendorInterfacing: r.IntN(10) != 0}
}

// slot i of professional pro starts within the next three days.
func (s *synth) slot(i, pro int) *availabilityv1.Slot {
	r := s.rng
	start := now.Add(time.Duration(r.IntN(72*4)) * 15 * time.Minute)
	sl := &availabilityv1.Slot{Name: fmt.Sprintf("slots/%d", i), Professional: fmt.Sprintf("professionals/8%011d", pro),
		Place:     &availabilityv1.PracticePlace{},
		StartTime: timestamppb.New(start), EndTime: timestamppb.New(start.Add(15 * time.Minute)),
		Status: availabilityv1.Slot_STATUS_FREE, Published: true,
		Visibility:        commonv1.Visibility([]int{3, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 4}[r.IntN(20)]),
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode([]int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3}[r.IntN(20)])},
		AppointmentType:   commonv1.AppointmentType_APPOINTMENT_TYPE_ROUTINE}
	if r.IntN(100) < 85 {
		sl.Vendor = fmt.Sprintf("vendors/v%d", r.IntN(10))
	}
	return sl
}
