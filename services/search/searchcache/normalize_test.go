package searchcache

import (
	"math"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/search/index"
)

// point returns the location of a search around (lat, lon).
func point(lat, lon float64) *searchv1.SearchSlotsRequest_Point {
	return &searchv1.SearchSlotsRequest_Point{Point: &commonv1.GeoPoint{Latitude: lat, Longitude: lon}}
}

// window returns a window from start to end.
func window(start, end time.Time) *commonv1.TimeRange {
	return &commonv1.TimeRange{StartTime: timestamppb.New(start), EndTime: timestamppb.New(end)}
}

const freeSlots = searchv1.SearchMode_SEARCH_MODE_FREE_SLOTS

func TestNormalize(t *testing.T) {
	minute := now.Truncate(time.Minute)
	tests := []struct {
		name      string
		req, want *searchv1.SearchSlotsRequest
	}{
		{"point snapped to its cell's centre",
			&searchv1.SearchSlotsRequest{Location: point(47.23823, -1.56033)},
			&searchv1.SearchSlotsRequest{Location: point(47.2375, -1.5625), Mode: freeSlots}},
		{"edges of the world stay on it",
			&searchv1.SearchSlotsRequest{Location: point(90, 180)},
			&searchv1.SearchSlotsRequest{Location: point(90, 180), Mode: freeSlots}},
		{"a point out of range is left to the index",
			&searchv1.SearchSlotsRequest{Location: point(91, -181)},
			&searchv1.SearchSlotsRequest{Location: point(91, -181), Mode: freeSlots}},
		{"radius up to the kilometre, window to the minute",
			&searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: " 44109 "},
				RadiusMeters: 4_001, Window: window(now, now.Add(time.Hour+time.Second)),
				Mode: searchv1.SearchMode_SEARCH_MODE_EXTRA_PATIENTS},
			&searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "44109"},
				RadiusMeters: 5_000, Window: window(minute, minute.Add(time.Hour+time.Minute)),
				Mode: searchv1.SearchMode_SEARCH_MODE_EXTRA_PATIENTS}},
		{"a radius the index rejects is kept",
			&searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "44000"}, RadiusMeters: 999},
			&searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "44000"}, RadiusMeters: 999, Mode: freeSlots}},
		{"filters sorted, without duplicates; commune name folded",
			&searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_CommuneName{CommuneName: "L'Haÿ-les-Roses"},
				Specialties: []string{"SM54", " SM26", "SM54"}, Visibilities: []commonv1.Visibility{3, 1, 3},
				PatientDoctor: " professionals/1 ", PageToken: "t", ShuffleSeed: 7, PageSize: 10},
			&searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_CommuneName{CommuneName: "l hay les roses"},
				Specialties: []string{"SM26", "SM54"}, Visibilities: []commonv1.Visibility{1, 3}, Mode: freeSlots,
				PatientDoctor: "professionals/1", PageToken: "t", ShuffleSeed: 7, PageSize: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			norm, key, at := Normalize(tt.req, now)
			if !proto.Equal(norm, tt.want) {
				t.Errorf("Normalize = %s\nwant %s", prototext.Format(norm), prototext.Format(tt.want))
			}
			if !at.Equal(minute) {
				t.Errorf("at = %v, want %v", at, minute)
			}
			if !strings.HasPrefix(key, keyPrefix) || len(key) != len(keyPrefix)+32 {
				t.Errorf("key = %q", key)
			}
		})
	}
}

func TestNormalizeLeavesRequest(t *testing.T) {
	req := &searchv1.SearchSlotsRequest{Location: point(47.23823, -1.56033), Specialties: []string{"b", "a"}}
	before := proto.Clone(req)
	Normalize(req, now)
	if !proto.Equal(req, before) {
		t.Errorf("Normalize changed its argument: %v", req)
	}
}

func TestKeys(t *testing.T) {
	base := func() *searchv1.SearchSlotsRequest {
		return &searchv1.SearchSlotsRequest{Location: point(47.23823, -1.56033), RadiusMeters: 5_000}
	}
	_, key, _ := Normalize(base(), now)
	same := map[string]func(r *searchv1.SearchSlotsRequest) time.Time{
		"later in the minute":       func(*searchv1.SearchSlotsRequest) time.Time { return now.Add(39 * time.Second) },
		"100 m north in the cell":   func(r *searchv1.SearchSlotsRequest) time.Time { r.Location = point(47.2384, -1.56033); return now },
		"radius in the same bucket": func(r *searchv1.SearchSlotsRequest) time.Time { r.RadiusMeters = 4_500; return now },
		"mode made explicit": func(r *searchv1.SearchSlotsRequest) time.Time {
			r.Mode = freeSlots
			return now
		},
	}
	for name, change := range same {
		r := base()
		if _, k, _ := Normalize(r, change(r)); k != key {
			t.Errorf("%s: another key", name)
		}
	}
	other := map[string]func(r *searchv1.SearchSlotsRequest) time.Time{
		"next minute":      func(*searchv1.SearchSlotsRequest) time.Time { return now.Add(40 * time.Second) },
		"next cell":        func(r *searchv1.SearchSlotsRequest) time.Time { r.Location = point(47.2401, -1.56033); return now },
		"next radius":      func(r *searchv1.SearchSlotsRequest) time.Time { r.RadiusMeters = 5_001; return now },
		"a page token":     func(r *searchv1.SearchSlotsRequest) time.Time { r.PageToken = "x"; return now },
		"a page size":      func(r *searchv1.SearchSlotsRequest) time.Time { r.PageSize = 5; return now },
		"a band":           func(r *searchv1.SearchSlotsRequest) time.Time { r.AvailableWithin = 1; return now },
		"a shuffle seed":   func(r *searchv1.SearchSlotsRequest) time.Time { r.ShuffleSeed = 1; return now },
		"a specialty":      func(r *searchv1.SearchSlotsRequest) time.Time { r.Specialties = []string{"SM54"}; return now },
		"a patient doctor": func(r *searchv1.SearchSlotsRequest) time.Time { r.PatientDoctor = "professionals/1"; return now },
		"an INSEE code": func(r *searchv1.SearchSlotsRequest) time.Time {
			r.Location = &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "44109"}
			return now
		},
		"a structure type": func(r *searchv1.SearchSlotsRequest) time.Time {
			r.StructureTypes = []commonv1.StructureType{1}
			return now
		},
		"an explicit window": func(r *searchv1.SearchSlotsRequest) time.Time { r.Window = window(now, now.Add(time.Hour)); return now },
	}
	for name, change := range other {
		r := base()
		if _, k, _ := Normalize(r, change(r)); k == key {
			t.Errorf("%s: same key", name)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"L'Haÿ-les-Roses": "l hay les roses", "  SAINT-ÉTIENNE ": "saint etienne", "Œuilly": "oeuilly", "": "",
	} {
		if got := index.FoldName(in); got != want {
			t.Errorf("FoldName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzNormalize checks that Normalize never panics, that normalizing twice
// changes nothing, and that the time is floored to a minute.
func FuzzNormalize(f *testing.F) {
	f.Add(47.23823, -1.56033, int32(4_200), "Nantes", int64(1795510800), int64(1795514401), int32(5), "SM54,SM26,SM54", int64(1795510820))
	f.Add(math.NaN(), math.Inf(1), int32(-1), "L'Haÿ-les-Roses", int64(math.MaxInt64), int64(math.MinInt64), int32(-1), ",", int64(-61))
	f.Add(90.0, 180.0, int32(100_000), "İstanbul\xff", int64(-1), int64(59), int32(999_999_999), " a ", int64(0))
	f.Fuzz(func(t *testing.T, lat, lon float64, radius int32, name string, start, end int64, nanos int32, specialties string, nowSec int64) {
		now := time.Unix(nowSec, 0)
		for named := range 2 {
			req := &searchv1.SearchSlotsRequest{Location: point(lat, lon), RadiusMeters: radius,
				Window:      &commonv1.TimeRange{StartTime: &timestamppb.Timestamp{Seconds: start, Nanos: nanos}, EndTime: &timestamppb.Timestamp{Seconds: end, Nanos: nanos}},
				Specialties: strings.Split(specialties, ","), Vendors: []string{name, specialties}}
			if named == 1 {
				req.Location = &searchv1.SearchSlotsRequest_CommuneName{CommuneName: name}
			}
			norm, key, at := Normalize(req, now)
			again, key2, at2 := Normalize(norm, now)
			if key2 != key || !at2.Equal(at) {
				t.Fatalf("normalizing twice changed the key or time:\n%v\n%v", norm, again)
			}
			b1, _ := proto.MarshalOptions{Deterministic: true}.Marshal(norm)
			b2, _ := proto.MarshalOptions{Deterministic: true}.Marshal(again)
			if string(b1) != string(b2) {
				t.Fatalf("normalizing twice changed the request:\n%v\n%v", norm, again)
			}
			if at.Unix()%60 != 0 || at.After(now) || now.Sub(at) >= time.Minute {
				t.Fatalf("at = %v for now %v", at, now)
			}
		}
	})
}
