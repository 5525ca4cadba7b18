package gateway

import (
	"crypto/rand"
	"strings"
	"testing"
)

func TestValidRequestID(t *testing.T) {
	cases := []struct {
		id   string
		want bool
	}{
		{"", false},
		{"a", true},
		{"0b7c-4f5e_AZ.az~!", true},
		{strings.Repeat("x", maxRequestIDLen), true},
		{strings.Repeat("x", maxRequestIDLen+1), false},
		{"a b", false},
		{"a\tb", false},
		{"a\x7fb", false},
		{"réq", false},
		{rand.Text(), true},
	}
	for _, tc := range cases {
		if got := validRequestID(tc.id); got != tc.want {
			t.Errorf("validRequestID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func FuzzValidRequestID(f *testing.F) {
	f.Add("req-123")
	f.Add("a b")
	f.Add(strings.Repeat("z", 200))
	f.Fuzz(func(t *testing.T, id string) {
		if !validRequestID(id) {
			return
		}
		if len(id) > maxRequestIDLen {
			t.Fatalf("accepted %d bytes", len(id))
		}
		for _, c := range []byte(id) {
			if c <= ' ' || c >= 0x7f {
				t.Fatalf("accepted byte %#x in %q", c, id)
			}
		}
	})
}
