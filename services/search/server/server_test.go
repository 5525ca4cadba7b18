package server

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/search/index"
)

func newIndex(t *testing.T) *index.Index {
	t.Helper()
	ix, err := index.New(index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func reason(err error) string {
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}

// TestSearchErrors: a loading read model, a bad field and a territory
// without SAS each get their own status, the bad field named.
func TestSearchErrors(t *testing.T) {
	ctx := context.Background()
	loading := New(func() *index.Index { return nil }, nil, Settings{})
	_, err := loading.SearchSlots(ctx, &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "44109"}})
	if status.Code(err) != codes.Unavailable || reason(err) != "READ_MODEL_LOADING" {
		t.Errorf("loading: %v", err)
	}
	ix := newIndex(t)
	s := New(func() *index.Index { return ix }, nil, Settings{})
	_, err = s.SearchSlots(ctx, &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "00000"}})
	var field string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok && len(br.GetFieldViolations()) > 0 {
			field = br.GetFieldViolations()[0].GetField()
		}
	}
	if status.Code(err) != codes.InvalidArgument || field != "insee_code" {
		t.Errorf("unknown INSEE code: %v (field %q)", err, field)
	}
	// Cayenne: Guyane has no SAS yet.
	_, err = s.SearchSlots(ctx, &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "97302"}})
	if status.Code(err) != codes.FailedPrecondition || reason(err) != "NO_SAS_IN_TERRITORY" {
		t.Errorf("Guyane: %v", err)
	}
	resp, err := s.SearchSlots(ctx, &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "44109"}})
	if err != nil || resp.GetTerritory() != "territories/SAS-44" {
		t.Errorf("Nantes in an empty index: %v, %v", resp, err)
	}
}

// TestOverloadRefusedFast: with one search in flight and one allowed, the
// next waits its queue time and gets RESOURCE_EXHAUSTED with a retry delay.
func TestOverloadRefusedFast(t *testing.T) {
	ix := newIndex(t)
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	slow := func(ctx context.Context, req *searchv1.SearchSlotsRequest, now time.Time, compute Compute) (*searchv1.SearchSlotsResponse, error) {
		entered <- struct{}{}
		<-release
		return compute(ctx, req, now)
	}
	s := New(func() *index.Index { return ix }, slow, Settings{MaxInFlight: 1, QueueWait: 10 * time.Millisecond})
	req := &searchv1.SearchSlotsRequest{Location: &searchv1.SearchSlotsRequest_InseeCode{InseeCode: "44109"}}
	done := make(chan error, 1)
	go func() {
		_, err := s.SearchSlots(context.Background(), req)
		done <- err
	}()
	<-entered
	t0 := time.Now()
	_, err := s.SearchSlots(context.Background(), req)
	waited := time.Since(t0)
	if status.Code(err) != codes.ResourceExhausted || reason(err) != "SEARCH_OVERLOADED" {
		t.Errorf("second search: %v", err)
	}
	var retry bool
	for _, d := range status.Convert(err).Details() {
		_, ok := d.(*errdetails.RetryInfo)
		retry = retry || ok
	}
	if !retry || waited < 10*time.Millisecond {
		t.Errorf("refusal after %s, retry info %v", waited, retry)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("first search: %v", err)
	}
	if !strings.Contains(status.Convert(err).Message(), "retry") {
		t.Errorf("message %q", status.Convert(err).Message())
	}
}
