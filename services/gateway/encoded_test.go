package gateway

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// searches answers SearchSlots with answer, counting calls.
type searches struct {
	searchv1.UnimplementedSearchServiceServer
	calls  atomic.Int32
	answer func(*searchv1.SearchSlotsRequest) (*searchv1.SearchSlotsResponse, error)
}

func (s *searches) SearchSlots(_ context.Context, req *searchv1.SearchSlotsRequest) (*searchv1.SearchSlotsResponse, error) {
	s.calls.Add(1)
	return s.answer(req)
}

// TestEncodedSearchAnswers runs the search REST route over a real gRPC
// server on loopback: answers kept encoded come out as the JSON protojson
// gives of them, the same answer again comes from the JSON cache, another
// answer does not, and errors are the gateway's usual ones.
func TestEncodedSearchAnswers(t *testing.T) {
	small, big := searchResponse(2), searchResponse(25)
	srv := &searches{answer: func(req *searchv1.SearchSlotsRequest) (*searchv1.SearchSlotsResponse, error) {
		switch req.GetRadiusMeters() {
		case 1000:
			return small, nil
		case 2000:
			return big, nil
		}
		return nil, status.Error(codes.InvalidArgument, "radius_meters: no answer for this radius")
	}}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	searchv1.RegisterSearchServiceServer(gs, srv)
	go func() { _ = gs.Serve(lis) }()
	defer gs.Stop()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	mux := newMux()
	if err := registerSearch(t.Context(), mux, conn); err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(mux)
	defer web.Close()
	post := func(radius string) (int, []byte) {
		resp, err := http.Post(web.URL+"/v1/slots:search", "application/json",
			strings.NewReader(`{"inseeCode":"44109","radiusMeters":`+radius+`}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, b
	}
	for i, c := range []struct {
		radius string
		want   proto.Message
	}{{"1000", small}, {"2000", big}, {"1000", small}, {"2000", big}} {
		st, got := post(c.radius)
		want, err := testOptions.Marshal(c.want)
		if err != nil {
			t.Fatal(err)
		}
		if st != http.StatusOK || !reflect.DeepEqual(tokens(t, got), tokens(t, want)) {
			t.Fatalf("call %d: %d %.300s, want the JSON of protojson %.300s", i, st, got, want)
		}
	}
	if n := srv.calls.Load(); n != 4 {
		t.Errorf("%d calls reached the server, want 4 (the gateway caches JSON, not answers)", n)
	}
	if st, body := post("3000"); st != http.StatusBadRequest || !strings.Contains(string(body), "radius_meters") {
		t.Errorf("error: %d %s", st, body)
	}
}

// TestJSONCache: the same bytes give the kept JSON; the least recently used
// go past the budget; an answer larger than an eighth of it is not kept.
func TestJSONCache(t *testing.T) {
	m := testMarshaler()
	encode := func(res *searchv1.SearchSlotsResponse) *searchv1.SearchSlotsResponse {
		raw, err := proto.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		out := &searchv1.SearchSlotsResponse{}
		out.ProtoReflect().SetUnknown(raw)
		return out
	}
	a, b := encode(searchResponse(3)), encode(searchResponse(4))
	first, err := m.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := m.Marshal(encode(searchResponse(3)))
	if &first[0] != &again[0] {
		t.Error("the same bytes were encoded again instead of taken from the cache")
	}
	other, _ := m.Marshal(b)
	if string(other) == string(first) {
		t.Error("two answers got one JSON")
	}
	c := newJSONCache(3 * len(first))
	for _, res := range []*searchv1.SearchSlotsResponse{a, b, encode(searchResponse(5)), encode(searchResponse(6))} {
		raw, _ := encodedOnly(res.ProtoReflect())
		if _, err := c.encodedJSON(res.ProtoReflect(), raw, m.marshal); err != nil {
			t.Fatal(err)
		}
	}
	if c.size > c.budget || c.order.Len() != len(c.byKey) {
		t.Errorf("cache over budget: %d > %d, %d entries, %d keys", c.size, c.budget, c.order.Len(), len(c.byKey))
	}
	rawA, _ := encodedOnly(a.ProtoReflect())
	if _, ok := c.get(c.key(rawA)); ok {
		t.Error("the least recently used answer is still kept past the budget")
	}
	// A message with known fields is not "encoded only".
	if _, ok := encodedOnly(searchResponse(1).ProtoReflect()); ok {
		t.Error("a decoded message taken as encoded")
	}
}

// TestKeepEncodedBuffers: an answer in a SliceBuffer (from grpcserver's
// Local) is kept without a copy; one in pooled buffers, which gRPC
// recycles after Unmarshal, is copied.
func TestKeepEncodedBuffers(t *testing.T) {
	// Larger than gRPC's pooling threshold (1 KB), below which it hands
	// copies over in SliceBuffers too.
	b, err := proto.Marshal(&searchv1.SearchSlotsResponse{Territory: "territories/SAS-44", NextPageToken: strings.Repeat("t", 4096)})
	if err != nil {
		t.Fatal(err)
	}
	pool := mem.DefaultBufferPool()
	for name, tt := range map[string]struct {
		data   mem.BufferSlice
		shared bool
	}{
		"slice":  {mem.BufferSlice{mem.SliceBuffer(b)}, true},
		"pooled": {mem.BufferSlice{mem.Copy(b, pool)}, false},
	} {
		t.Run(name, func(t *testing.T) {
			m := &searchv1.SearchSlotsResponse{}
			if err := (keepEncoded{}).Unmarshal(tt.data, m); err != nil {
				t.Fatal(err)
			}
			got := m.ProtoReflect().GetUnknown()
			if string(got) != string(b) {
				t.Fatalf("kept %x, want %x", got, b)
			}
			if shared := &got[0] == &tt.data[0].ReadOnlyData()[0]; shared != tt.shared {
				t.Errorf("kept the buffer's own bytes: %v, want %v", shared, tt.shared)
			}
			tt.data.Free()
		})
	}
}
