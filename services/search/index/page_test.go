package index

import (
	"context"
	"errors"
	"slices"
	"testing"

	"google.golang.org/protobuf/proto"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// pages runs req page by page and returns the ids of every page.
func pages(t *testing.T, x *Index, req *searchv1.SearchSlotsRequest) [][]string {
	t.Helper()
	req = proto.Clone(req).(*searchv1.SearchSlotsRequest)
	var out [][]string
	for {
		res := mustSearch(t, x, req)
		out = append(out, ids(res.Results))
		if res.NextPageToken == "" {
			return out
		}
		if len(out) > 20 {
			t.Fatal("no end of pages")
		}
		req.PageToken = res.NextPageToken
	}
}

func TestPagesByDistance(t *testing.T) {
	x := world(t)
	got := pages(t, x, &searchv1.SearchSlotsRequest{Location: atPoint(nantes), PageSize: 3})
	want := [][]string{byDistance[0:3], byDistance[3:6], byDistance[6:9], byDistance[9:]}
	if len(got) != len(want) {
		t.Fatalf("got pages %v", got)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("page %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestPagesShuffled(t *testing.T) {
	x := world(t)
	req := &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "44000"}, PageSize: 4}
	first := mustSearch(t, x, req)
	seed := first.ShuffleSeed
	if seed == 0 {
		t.Fatal("no seed")
	}
	// The seed of the first page, sent again or not, keeps the order.
	all := slices.Concat(pages(t, x, req)...)
	if len(all) != len(byDistance) || all[0] != "p2@s2" {
		t.Fatalf("pages hold %v", all)
	}
	if !slices.Equal(slices.Sorted(slices.Values(all)), slices.Sorted(slices.Values(byDistance))) {
		t.Errorf("pages hold %v", all)
	}
	seeded := proto.Clone(req).(*searchv1.SearchSlotsRequest)
	seeded.ShuffleSeed = 42
	a, b := slices.Concat(pages(t, x, seeded)...), slices.Concat(pages(t, x, seeded)...)
	if !slices.Equal(a, b) {
		t.Errorf("seed 42 gave %v then %v", a, b)
	}
	seeded.ShuffleSeed = 43
	if c := slices.Concat(pages(t, x, seeded)...); slices.Equal(a, c) {
		t.Errorf("seeds 42 and 43 both gave %v", a)
	}
}

func TestNoOneAlwaysLast(t *testing.T) {
	x := world(t)
	last := map[string]bool{}
	for seed := int64(1); seed <= 200; seed++ {
		res := mustSearch(t, x, &searchv1.SearchSlotsRequest{
			Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "44000"}, ShuffleSeed: seed})
		if res.ShuffleSeed != seed {
			t.Fatalf("seed %d answered as %d", seed, res.ShuffleSeed)
		}
		last[id(res.Results[len(res.Results)-1])] = true
	}
	if len(last) < len(byDistance)-1 {
		t.Errorf("only %v came last over 200 seeds", last)
	}
}

func TestSearchErrors(t *testing.T) {
	x := world(t)
	centre := atPoint(nantes)
	first := mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: centre, PageSize: 2})
	shuffled := mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "44000"}, PageSize: 2})
	tests := []struct {
		name  string
		req   *searchv1.SearchSlotsRequest
		field string // QueryError field, "" for ErrNoSAS
	}{
		{"radius too small", &searchv1.SearchSlotsRequest{Location: centre, RadiusMeters: 500}, "radius_meters"},
		{"radius too large", &searchv1.SearchSlotsRequest{Location: centre, RadiusMeters: 100_001}, "radius_meters"},
		{"negative page size", &searchv1.SearchSlotsRequest{Location: centre, PageSize: -1}, "page_size"},
		{"garbage token", &searchv1.SearchSlotsRequest{Location: centre, PageToken: "nope"}, "page_token"},
		{"token of other parameters", &searchv1.SearchSlotsRequest{Location: centre, PageSize: 2, RadiusMeters: 20_000,
			PageToken: first.NextPageToken}, "page_token"},
		{"token with another seed", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_PostalCode{PostalCode: "44000"},
			PageSize: 2, PageToken: shuffled.NextPageToken, ShuffleSeed: shuffled.ShuffleSeed + 1}, "shuffle_seed"},
		{"window backwards", &searchv1.SearchSlotsRequest{Location: centre, Window: &commonv1.TimeRange{
			StartTime: ts(now.Unix() + 7200), EndTime: ts(now.Unix() + 3600)}}, "window"},
		{"unknown visibility", &searchv1.SearchSlotsRequest{Location: centre, Visibilities: []commonv1.Visibility{9}}, "visibilities[0]"},
		{"unset consultation mode", &searchv1.SearchSlotsRequest{Location: centre, ConsultationModes: []commonv1.ConsultationMode{0}}, "consultation_modes[0]"},
		{"unknown structure type", &searchv1.SearchSlotsRequest{Location: centre, StructureTypes: []commonv1.StructureType{7}}, "structure_types[0]"},
		{"empty profession", &searchv1.SearchSlotsRequest{Location: centre, Professions: []string{"10", " "}}, "professions[1]"},
		{"bad vendor", &searchv1.SearchSlotsRequest{Location: centre, Vendors: []string{"va"}}, "vendors[0]"},
		{"bad doctor", &searchv1.SearchSlotsRequest{Location: centre, PatientDoctor: "p11"}, "patient_doctor"},
		{"unknown mode", &searchv1.SearchSlotsRequest{Location: centre, Mode: 9}, "mode"},
		{"unknown band", &searchv1.SearchSlotsRequest{Location: centre, AvailableWithin: 9}, "available_within"},
		{"Mayotte has no SAS yet", &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "97611"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.Search(context.Background(), tt.req, now)
			var qe *QueryError
			switch {
			case tt.field == "" && !errors.Is(err, ErrNoSAS):
				t.Errorf("got %v, want ErrNoSAS", err)
			case tt.field != "" && (!errors.As(err, &qe) || qe.Field != tt.field):
				t.Errorf("got %v, want a QueryError on %s", err, tt.field)
			}
		})
	}
}

func TestPageSize(t *testing.T) {
	x := world(t)
	for _, tt := range []struct{ ask, want int32 }{{0, 10}, {4, 4}, {500, 10}} {
		res := mustSearch(t, x, &searchv1.SearchSlotsRequest{Location: atPoint(nantes), PageSize: tt.ask})
		if int32(len(res.Results)) != tt.want || (tt.want == 10) != (res.NextPageToken == "") {
			t.Errorf("page size %d: %d results, next %q", tt.ask, len(res.Results), res.NextPageToken)
		}
	}
}

func TestCanceled(t *testing.T) {
	x := world(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := x.Search(ctx, &searchv1.SearchSlotsRequest{Location: atPoint(nantes)}, now); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v", err)
	}
}
