package index

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// Search runs a regulator's search at time now, with the semantics of the
// SAS search engine:
//   - the place is a point, a commune (INSEE code or name: its centre), a
//     postal code (the centre of its most populous commune) or a whole
//     département (its barycentre and the radius that covers it);
//   - the radius is the territory's default unless given, and grows by the
//     territory's step while fewer than five results are found, up to
//     100 km (not for a whole département);
//   - an entry, a (professional, site) pair, is found when its professional
//     is active and not opted out, its site within the radius, and it passes
//     the filters: with a free slot or a range with places left in the window
//     (default mode), or with the extra-patients or re-orientation fee flag;
//   - SAS participants come first, then the nearest (point, INSEE code,
//     commune name) or an order shuffled by a seed kept across pages (postal
//     code, département);
//   - the patient's own doctor, when asked for, is taken out of the list and
//     returned apart with its slots, wherever it practises, on the first page.
//
// Errors are *QueryError for a bad request, ErrNoSAS for a territory without
// SAS, or the context's error.
func (x *Index) Search(ctx context.Context, req *searchv1.SearchSlotsRequest, now time.Time) (*searchv1.SearchSlotsResponse, error) {
	q, err := x.parse(req, now)
	if err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	tr, ok := x.st.territories[q.place.departement]
	if !ok {
		tr = x.ref.territories[q.place.departement]
	}
	if !tr.active {
		return nil, fmt.Errorf("%w: %s", ErrNoSAS, tr.name)
	}
	s := x.search(q, tr)
	if err := s.run(ctx); err != nil {
		return nil, err
	}
	return s.response(x)
}

// search is one search under way, under the read lock.
type search struct {
	q       *query
	st      *state
	m       matcher
	centre  Point
	unit    vec
	radius  float64 // metres
	terr    territory
	enlarge bool
	doctor  *owner
	top     top
	total   int
}

// search prepares the scan of q in territory tr.
func (x *Index) search(q *query, tr territory) *search {
	s := &search{q: q, st: &x.st, m: x.st.matcher(q), centre: q.place.centre, radius: q.radius, terr: tr}
	if q.place.whole {
		s.centre = tr.barycentre
		if s.radius == 0 {
			s.radius = tr.coverage
		}
	} else {
		s.enlarge = tr.step > 0
		if s.radius == 0 {
			s.radius = min(tr.radius, maxRadius)
		}
	}
	s.unit = s.centre.unit()
	if q.doctor != "" {
		s.doctor = x.st.owners[q.doctor]
	}
	s.top = top{k: q.offset + q.size, heap: make([]cand, 0, q.offset+q.size)}
	return s
}

// run scans the disc, then the rings of each enlargement while too few
// entries are found.
func (s *search) run(ctx context.Context) error {
	s.total = s.scan(-1, chord2Of(s.radius))
	for s.enlarge && s.total < enough && s.radius < maxRadius {
		if err := ctx.Err(); err != nil {
			return err
		}
		next := min(s.radius+s.terr.step, maxRadius)
		s.total += s.scan(chord2Of(s.radius), chord2Of(next))
		s.radius = next
	}
	return ctx.Err()
}

// scan offers every entry found at a chord² in (inner, outer] from the centre
// and returns how many it found.
func (s *search) scan(inner, outer float64) int {
	n := 0
	c, m, shuffle, seed := s.unit, &s.m, s.q.place.shuffle, s.q.seed
	s.st.grid.visit(s.centre, angleOf(outer), inner, func(rows []row) {
		for i := range rows {
			r := &rows[i]
			dx, dy, dz := r.x-c.x, r.y-c.y, r.z-c.z
			d2 := dx*dx + dy*dy + dz*dz
			if d2 > outer || d2 <= inner || !m.row(r) || (s.doctor != nil && m.entries[r.entry].owner == s.doctor) {
				continue
			}
			n++
			p := r.flags&fParticipant != 0
			if shuffle {
				s.top.offer(cand{key: shuffleKey(p, seed, r.hash), entry: r.entry})
			} else {
				s.top.offer(cand{key: distanceKey(p, d2, r.hash), entry: r.entry})
			}
		}
	})
	return n
}

// response builds the page of results.
func (s *search) response(x *Index) (*searchv1.SearchSlotsResponse, error) {
	q := s.q
	out := &searchv1.SearchSlotsResponse{
		Centre:       &commonv1.GeoPoint{Latitude: s.centre.Lat, Longitude: s.centre.Lon},
		Territory:    s.terr.name,
		RadiusMeters: int32(s.radius),
		Window:       &commonv1.TimeRange{StartTime: ts(q.window[0]), EndTime: ts(max(q.window[0], q.window[1]))},
		ShuffleSeed:  q.seed,
		TotalSize:    int32(s.total),
	}
	b := x.builder(s)
	found := s.top.sorted()
	for i := q.offset; i < len(found); i++ {
		out.Results = append(out.Results, b.result(s.m.entries[found[i].entry]))
	}
	if s.doctor != nil && q.offset == 0 {
		out.PatientDoctor = b.doctor(s.doctor)
	}
	var err error
	out.NextPageToken, err = x.nextToken(q, q.offset+q.size, s.total)
	return out, err
}

// ts returns a timestamp of Unix seconds.
func ts(sec int64) *timestamppb.Timestamp { return &timestamppb.Timestamp{Seconds: sec} }
