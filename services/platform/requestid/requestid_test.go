package requestid_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sas-platform/sas/services/platform/requestid"
)

func TestContextRoundTrip(t *testing.T) {
	ctx := context.Background()
	if got := requestid.FromContext(ctx); got != "" {
		t.Fatalf("FromContext(empty) = %q, want \"\"", got)
	}
	ctx = requestid.NewContext(ctx, "abc")
	if got := requestid.FromContext(ctx); got != "abc" {
		t.Fatalf("FromContext = %q, want abc", got)
	}
}

func TestNew(t *testing.T) {
	a, b := requestid.New(), requestid.New()
	if len(a) != 32 || a == b {
		t.Fatalf("New() = %q, %q: want two different 32-char ids", a, b)
	}
	if !requestid.Valid(a) {
		t.Fatalf("Valid(New()) = false for %q", a)
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"", false},
		{"0f8fad5b-d9cb-469f-a165-70867728950e", true},
		{"req_1.2:3", true},
		{"a b", false},
		{"a\nlevel=ERROR", false},
		{`"quoted"`, false},
		{"é", false},
		{strings.Repeat("a", requestid.MaxLen), true},
		{strings.Repeat("a", requestid.MaxLen+1), false},
	}
	for _, tt := range tests {
		if got := requestid.Valid(tt.id); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func FuzzValid(f *testing.F) {
	f.Add("0f8fad5b-d9cb-469f-a165-70867728950e")
	f.Add("a\nb")
	f.Fuzz(func(t *testing.T, id string) {
		if !requestid.Valid(id) {
			return
		}
		if len(id) > requestid.MaxLen || strings.ContainsAny(id, " \t\r\n\"\\") {
			t.Fatalf("Valid(%q) = true", id)
		}
	})
}
