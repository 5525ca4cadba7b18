package searchcache

import (
	"testing"
	"unsafe"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/google/go-cmp/cmp"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// answer is a cached answer with a patient's doctor, results and the small fields.
func answer() *searchv1.SearchSlotsResponse {
	result := func(name string, d int32) *searchv1.SearchResult {
		return &searchv1.SearchResult{Professional: &searchv1.ProfessionalSummary{Name: name}, DistanceMeters: d}
	}
	return &searchv1.SearchSlotsResponse{
		PatientDoctor: result("professionals/1", 0),
		Results:       []*searchv1.SearchResult{result("professionals/2", 120), result("professionals/3", 450)},
		Centre:        &commonv1.GeoPoint{Latitude: 47.2, Longitude: -1.55},
		Territory:     "territories/SAS-44", RadiusMeters: 20000, TotalSize: 2, NextPageToken: "tok",
	}
}

// field is the encoding of one field of m.
func field(t *testing.T, m *searchv1.SearchSlotsResponse, keep func(*searchv1.SearchSlotsResponse)) []byte {
	t.Helper()
	part := &searchv1.SearchSlotsResponse{}
	proto.Merge(part, m)
	keep(part)
	b, err := proto.Marshal(part)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeEntry(t *testing.T) {
	want := answer()
	contiguous, err := proto.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	// The same fields with the small ones between the results, as another
	// encoder could write them.
	interleaved := append(append(append(
		field(t, want, func(m *searchv1.SearchSlotsResponse) {
			m.Results = m.Results[:1]
			m.PatientDoctor = nil
			m.TotalSize, m.RadiusMeters = 0, 0
		}),
		field(t, want, func(m *searchv1.SearchSlotsResponse) { *m = searchv1.SearchSlotsResponse{TotalSize: m.TotalSize} })...),
		field(t, want, func(m *searchv1.SearchSlotsResponse) { *m = searchv1.SearchSlotsResponse{Results: m.Results[1:]} })...),
		field(t, want, func(m *searchv1.SearchSlotsResponse) {
			*m = searchv1.SearchSlotsResponse{PatientDoctor: m.PatientDoctor, RadiusMeters: m.RadiusMeters}
		})...)
	for name, b := range map[string][]byte{"contiguous": contiguous, "interleaved": interleaved} {
		t.Run(name, func(t *testing.T) {
			res, err := decodeEntry(b)
			if err != nil {
				t.Fatal(err)
			}
			if res.GetResults() != nil || res.GetPatientDoctor() != nil {
				t.Errorf("results decoded: %v", res)
			}
			if res.GetTerritory() != want.GetTerritory() || res.GetTotalSize() != want.GetTotalSize() || res.GetRadiusMeters() != want.GetRadiusMeters() {
				t.Errorf("small fields: %v", res)
			}
			wire, err := proto.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			got := &searchv1.SearchSlotsResponse{}
			if err := proto.Unmarshal(wire, got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Errorf("answer passed on (-want +got):\n%s", diff)
			}
		})
	}
	// Contiguous results are not copied: the answer points into the entry.
	res, err := decodeEntry(contiguous)
	if err != nil {
		t.Fatal(err)
	}
	unknown := res.ProtoReflect().GetUnknown()
	first, begin, stop := uintptr(unsafe.Pointer(&unknown[0])), uintptr(unsafe.Pointer(&contiguous[0])), uintptr(unsafe.Pointer(&contiguous[len(contiguous)-1]))
	if first < begin || first > stop {
		t.Error("contiguous results were copied")
	}
}

// FuzzDecodeEntry checks that entries read back from Redis, whatever their
// bytes, are decoded or refused, never a panic, and that what is decoded
// encodes back to the same answer.
func FuzzDecodeEntry(f *testing.F) {
	b, err := proto.Marshal(answer())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := decodeEntry(b)
		if err != nil {
			return
		}
		wire, err := proto.Marshal(res)
		if err != nil {
			t.Fatalf("decoded entry does not encode: %v", err)
		}
		want, got := &searchv1.SearchSlotsResponse{}, &searchv1.SearchSlotsResponse{}
		if err := proto.Unmarshal(b, want); err != nil {
			return // results that do not decode are passed as they are
		}
		if err := proto.Unmarshal(wire, got); err != nil {
			t.Fatalf("answer passed on does not decode: %v", err)
		}
		// Fields of no known kind may change places, but none is lost.
		if diff := cmp.Diff(want, got, protocmp.Transform(), protocmp.IgnoreUnknown()); diff != "" {
			t.Fatalf("answer changed (-want +got):\n%s", diff)
		}
		if w, g := len(want.ProtoReflect().GetUnknown()), len(got.ProtoReflect().GetUnknown()); w != g {
			t.Fatalf("unknown fields: %d bytes, passed on %d", w, g)
		}
	})
}
