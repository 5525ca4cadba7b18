package pagetoken_test

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/sas-platform/sas/services/platform/pagetoken"
)

func TestSize(t *testing.T) {
	for _, tt := range []struct {
		n    int32
		want int
	}{{0, 50}, {7, 7}, {500, 500}, {501, 500}} {
		if got, err := pagetoken.Size(tt.n, 50, 500); err != nil || got != tt.want {
			t.Errorf("Size(%d) = %d, %v; want %d", tt.n, got, err, tt.want)
		}
	}
	if _, err := pagetoken.Size(-1, 50, 500); status.Code(err) != codes.InvalidArgument || !containsField(err, "page_size") {
		t.Errorf("Size(-1): %v", err)
	}
}

func TestOpenRequest(t *testing.T) {
	s := pagetoken.NewRandom(time.Hour)
	var pos string
	if ok, err := s.OpenRequest("", "q", &pos); ok || err != nil {
		t.Fatalf("empty token: %v %v", ok, err)
	}
	tok, err := s.Seal("after-me", "q")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.OpenRequest(tok, "q", &pos); !ok || err != nil || pos != "after-me" {
		t.Fatalf("good token: %v %v %q", ok, err, pos)
	}
	if _, err := s.OpenRequest(tok, "other query", &pos); status.Code(err) != codes.InvalidArgument || !containsField(err, "page_token") {
		t.Fatalf("token of another query: %v", err)
	}
}

func containsField(err error, field string) bool {
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(interface{ String() string }); ok && strings.Contains(br.String(), field) {
			return true
		}
	}
	return false
}
