package searchcache

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/search/index"
)

// keyPrefix versions the keys: a change of Normalize or of the stored format
// changes it, so that no replica reads entries it would not write.
const keyPrefix = "search:v1:"

// snapPerDegree is the resolution of the snapping grid: 0.005° cells, about
// 550 m by 380 m in metropolitan France. A point moves by at most about
// 340 m (half the diagonal), well inside the 1 km minimum radius and the
// precision of an address geocoded while on the phone, while regulators of
// one town still fall into the same few hundred cells.
const snapPerDegree = 200

// Radius bounds the index accepts; others are left for it to reject.
const (
	radiusStep = 1_000
	maxRadius  = 100_000
)

// Normalize returns the query the index is to be asked instead of req at
// now, the cache key of its answer and the time to ask it at (now floored
// to the minute). Requests that differ only by what Normalize rounds away
// get the same key. It never fails: a request the index rejects stays
// rejected, and errors are not cached.
//
// Flooring the time means a slot that started less than a minute ago may
// still be offered, as by any answer cached for the minute. Sorting and
// de-duplicating the filters renumbers them: an error on specialties[i]
// names the position in the sorted list.
func Normalize(req *searchv1.SearchSlotsRequest, now time.Time) (norm *searchv1.SearchSlotsRequest, key string, at time.Time) {
	if req == nil {
		req = &searchv1.SearchSlotsRequest{}
	}
	norm = proto.CloneOf(req)
	norm.ProtoReflect().SetUnknown(nil)
	at = now.Truncate(time.Minute)
	normalizeLocation(norm)
	if r := norm.GetRadiusMeters(); r >= radiusStep && r <= maxRadius {
		norm.RadiusMeters = (r + radiusStep - 1) / radiusStep * radiusStep
	}
	if w := norm.GetWindow(); w != nil {
		norm.Window = &commonv1.TimeRange{StartTime: floorMinute(w.GetStartTime()), EndTime: ceilMinute(w.GetEndTime())}
	}
	if norm.GetMode() == searchv1.SearchMode_SEARCH_MODE_UNSPECIFIED {
		norm.Mode = searchv1.SearchMode_SEARCH_MODE_FREE_SLOTS
	}
	normalizeFilters(norm)
	norm.PatientDoctor = strings.TrimSpace(norm.GetPatientDoctor())
	return norm, keyOf(norm, at), at
}

// keyOf hashes the deterministic encoding of norm and the minute of at:
// 128 bits of SHA-256 make collisions negligible and keep keys short.
func keyOf(norm *searchv1.SearchSlotsRequest, at time.Time) string {
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(norm) // a generated message always marshals
	b = binary.BigEndian.AppendUint64(b, uint64(minuteOf(at)))
	sum := sha256.Sum256(b)
	return keyPrefix + hex.EncodeToString(sum[:16])
}

// minuteOf returns the number of minutes from the Unix epoch to t, floored.
func minuteOf(t time.Time) int64 {
	s := t.Unix()
	m := s / 60
	if s%60 < 0 {
		m--
	}
	return m
}

// normalizeLocation snaps a point and trims the named places, which are
// already discrete. A commune name is folded the way the index matches it.
func normalizeLocation(norm *searchv1.SearchSlotsRequest) {
	switch loc := norm.GetLocation().(type) {
	case *searchv1.SearchSlotsRequest_Point:
		if loc.Point != nil {
			loc.Point = &commonv1.GeoPoint{
				Latitude:  snap(loc.Point.GetLatitude(), 90),
				Longitude: snap(loc.Point.GetLongitude(), 180),
			}
		}
	case *searchv1.SearchSlotsRequest_InseeCode:
		loc.InseeCode = strings.TrimSpace(loc.InseeCode)
	case *searchv1.SearchSlotsRequest_PostalCode:
		loc.PostalCode = strings.TrimSpace(loc.PostalCode)
	case *searchv1.SearchSlotsRequest_CommuneName:
		loc.CommuneName = index.FoldName(loc.CommuneName)
	case *searchv1.SearchSlotsRequest_Departement:
		loc.Departement = strings.TrimSpace(loc.Departement)
	}
}

// snap returns the centre of the grid cell of deg, kept within ±limit; a
// coordinate that is not a number or out of range is left for the index to
// reject.
func snap(deg, limit float64) float64 {
	if math.IsNaN(deg) || deg < -limit || deg > limit {
		return deg
	}
	c := (math.Floor(deg*snapPerDegree) + 0.5) / snapPerDegree
	return min(max(c, -limit), limit)
}

// floorMinute returns t floored to the minute; nil stays nil, and a
// timestamp out of range is left for the index.
func floorMinute(t *timestamppb.Timestamp) *timestamppb.Timestamp {
	if t == nil || t.CheckValid() != nil {
		return t
	}
	s := t.GetSeconds()
	return &timestamppb.Timestamp{Seconds: s - mod60(s)}
}

// ceilMinute returns t raised to the minute; nil stays nil, and a timestamp
// out of range is left for the index.
func ceilMinute(t *timestamppb.Timestamp) *timestamppb.Timestamp {
	if t == nil || t.CheckValid() != nil {
		return t
	}
	s := t.GetSeconds()
	if mod60(s) == 0 && t.GetNanos() == 0 {
		return &timestamppb.Timestamp{Seconds: s}
	}
	return &timestamppb.Timestamp{Seconds: s - mod60(s) + 60}
}

// mod60 returns s modulo 60, in [0, 60).
func mod60(s int64) int64 { return (s%60 + 60) % 60 }

// normalizeFilters sorts the repeated filters and drops duplicates: they
// are sets to the index.
func normalizeFilters(norm *searchv1.SearchSlotsRequest) {
	norm.Specialties = stringSet(norm.Specialties)
	norm.Professions = stringSet(norm.Professions)
	norm.Vendors = stringSet(norm.Vendors)
	norm.ConsultationModes = enumSet(norm.ConsultationModes)
	norm.Visibilities = enumSet(norm.Visibilities)
	norm.StructureTypes = enumSet(norm.StructureTypes)
}

// stringSet returns list trimmed, sorted and without duplicates.
func stringSet(list []string) []string {
	for i, s := range list {
		list[i] = strings.TrimSpace(s)
	}
	slices.Sort(list)
	return slices.Compact(list)
}

// enumSet returns list sorted and without duplicates.
func enumSet[E ~int32](list []E) []E {
	slices.SortFunc(list, func(a, b E) int { return cmp.Compare(a, b) })
	return slices.Compact(list)
}
