package index

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// Page sizes.
const (
	defaultPageSize = 25
	maxPageSize     = 100
	// enough is the number of results below which a search is enlarged.
	enough = 5
)

// query is a validated request, before the lock: codes are still strings.
type query struct {
	place       place
	radius      float64 // asked, metres; 0 for the territory's
	mode        searchv1.SearchMode
	now         int64    // Unix seconds
	window      [2]int64 // [start, end) in Unix seconds, start ≥ now
	band        [2]int64 // items start within [band[0], band[1])
	vis         uint8    // bit 1<<Visibility
	modes       uint8    // bit 1<<ConsultationMode; 0 any
	structs     uint32   // row structure flags; 0 any
	specialties []string
	professions []string
	vendors     []string
	doctor      string
	offset      int
	size        int
	seed        int64
	fingerprint string
}

// parse validates req.
func (x *Index) parse(req *searchv1.SearchSlotsRequest, now time.Time) (*query, error) {
	q := &query{mode: req.GetMode(), doctor: strings.TrimSpace(req.GetPatientDoctor()), now: now.Unix()}
	var err error
	if q.place, err = x.ref.locate(req); err != nil {
		return nil, err
	}
	if r := req.GetRadiusMeters(); r != 0 && (r < 1_000 || r > maxRadius) {
		return nil, invalid("radius_meters", "must be within 1,000 and 100,000 metres, or 0 for the territory's")
	}
	q.radius = float64(req.GetRadiusMeters())
	if q.mode == searchv1.SearchMode_SEARCH_MODE_UNSPECIFIED {
		q.mode = searchv1.SearchMode_SEARCH_MODE_FREE_SLOTS
	}
	if _, ok := searchv1.SearchMode_name[int32(q.mode)]; !ok {
		return nil, invalid("mode", "unknown mode %d", q.mode)
	}
	if q.doctor != "" && !strings.HasPrefix(q.doctor, "professionals/") {
		return nil, invalid("patient_doctor", `want "professionals/{national_id}"`)
	}
	if err := q.parseWindow(req, x.windowEnd(now), now); err != nil {
		return nil, err
	}
	if err := q.parseFilters(req); err != nil {
		return nil, err
	}
	return q, x.parsePage(q, req)
}

// windowEnd returns the default end of the window: midnight (Europe/Paris)
// at the end of the day after tomorrow.
func (x *Index) windowEnd(now time.Time) time.Time {
	y, m, d := now.In(x.paris).Date()
	return time.Date(y, m, d+3, 0, 0, 0, 0, x.paris)
}

// bands are the AvailableWithin bands, in hours from now.
var bands = map[searchv1.AvailableWithin][2]int64{
	searchv1.AvailableWithin_AVAILABLE_WITHIN_0_4_HOURS:   {0, 4},
	searchv1.AvailableWithin_AVAILABLE_WITHIN_4_8_HOURS:   {4, 8},
	searchv1.AvailableWithin_AVAILABLE_WITHIN_8_12_HOURS:  {8, 12},
	searchv1.AvailableWithin_AVAILABLE_WITHIN_12_24_HOURS: {12, 24},
	searchv1.AvailableWithin_AVAILABLE_WITHIN_24_48_HOURS: {24, 48},
	searchv1.AvailableWithin_AVAILABLE_WITHIN_48_72_HOURS: {48, 72},
}

// parseWindow sets the window (from now at the earliest) and the band.
func (q *query) parseWindow(req *searchv1.SearchSlotsRequest, end, now time.Time) error {
	q.window = [2]int64{now.Unix(), end.Unix()}
	if w := req.GetWindow(); w != nil {
		if w.GetStartTime() != nil {
			q.window[0] = max(w.GetStartTime().GetSeconds(), now.Unix())
		}
		if w.GetEndTime() != nil {
			q.window[1] = w.GetEndTime().GetSeconds()
		}
		if w.GetStartTime() != nil && w.GetEndTime() != nil && !w.GetStartTime().AsTime().Before(w.GetEndTime().AsTime()) {
			return invalid("window", "end_time must be after start_time")
		}
	}
	q.band = q.window
	if within := req.GetAvailableWithin(); within != searchv1.AvailableWithin_AVAILABLE_WITHIN_UNSPECIFIED {
		h, ok := bands[within]
		if !ok {
			return invalid("available_within", "unknown band %d", within)
		}
		q.band = [2]int64{max(q.band[0], now.Unix()+h[0]*3600), min(q.band[1], now.Unix()+h[1]*3600)}
	}
	return nil
}

// parseFilters checks and sets the filters.
func (q *query) parseFilters(req *searchv1.SearchSlotsRequest) error {
	var err error
	if q.specialties, err = codes("specialties", req.GetSpecialties(), "specialties/"); err != nil {
		return err
	}
	if q.professions, err = codes("professions", req.GetProfessions(), "professions/"); err != nil {
		return err
	}
	if q.vendors, err = codes("vendors", req.GetVendors(), ""); err != nil {
		return err
	}
	for i, v := range q.vendors {
		if !strings.HasPrefix(v, "vendors/") {
			return invalid(fmt.Sprintf("vendors[%d]", i), `want "vendors/{id}"`)
		}
	}
	for i, m := range req.GetConsultationModes() {
		if m <= 0 || m > commonv1.ConsultationMode_CONSULTATION_MODE_HOME {
			return invalid(fmt.Sprintf("consultation_modes[%d]", i), "unknown consultation mode %d", m)
		}
		q.modes |= 1 << m
	}
	q.vis = 1<<commonv1.Visibility_VISIBILITY_SNP | 1<<commonv1.Visibility_VISIBILITY_PUBLIC | 1<<commonv1.Visibility_VISIBILITY_PRO
	if len(req.GetVisibilities()) > 0 {
		q.vis = 0
	}
	for i, v := range req.GetVisibilities() {
		if v <= 0 || v > commonv1.Visibility_VISIBILITY_CPTS {
			return invalid(fmt.Sprintf("visibilities[%d]", i), "unknown visibility %d", v)
		}
		q.vis |= 1 << v
	}
	for i, t := range req.GetStructureTypes() {
		if t <= 0 || t > commonv1.StructureType_STRUCTURE_TYPE_SOS_MEDECINS {
			return invalid(fmt.Sprintf("structure_types[%d]", i), "unknown structure type %d", t)
		}
		q.structs |= structBit(t)
	}
	return nil
}

// codes trims prefix from each of list and checks none is empty; nil for an
// empty list.
func codes(field string, list []string, prefix string) ([]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = strings.TrimPrefix(strings.TrimSpace(c), prefix)
		if out[i] == "" {
			return nil, invalid(fmt.Sprintf("%s[%d]", field, i), "must not be empty")
		}
	}
	return out, nil
}

// fingerprint returns what must not change between the pages of a search:
// the request without its page size, page token and shuffle seed.
func fingerprint(req *searchv1.SearchSlotsRequest) string {
	c := proto.Clone(req).(*searchv1.SearchSlotsRequest)
	c.PageSize, c.PageToken, c.ShuffleSeed = 0, "", 0
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	return string(b)
}
