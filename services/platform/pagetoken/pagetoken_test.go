package pagetoken

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type position struct {
	After string `json:"after"`
}

func TestRoundTrip(t *testing.T) {
	s := NewRandom(time.Hour)
	tok, err := s.Seal(position{After: "territories/SAS-44"}, "filter=active")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(tok, "SAS-44") {
		t.Fatalf("token %q shows its position", tok)
	}
	var got position
	if err := s.Open(tok, "filter=active", &got); err != nil {
		t.Fatal(err)
	}
	if got.After != "territories/SAS-44" {
		t.Fatalf("got %+v", got)
	}
}

func TestRejects(t *testing.T) {
	s := NewRandom(time.Hour)
	tok, _ := s.Seal(position{After: "x"}, "q")
	expired := NewRandom(time.Hour)
	expired.now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
	old, _ := expired.Seal(position{After: "x"}, "q")
	expired.now = time.Now
	flipped := []byte(tok)
	flipped[len(flipped)/2] ^= 1
	tests := []struct {
		name   string
		sealer *Sealer
		token  string
		query  string
	}{
		{"garbage", s, "not a token!", "q"},
		{"tampered", s, string(flipped), "q"},
		{"other parameters", s, tok, "other"},
		{"other key", NewRandom(time.Hour), tok, "q"},
		{"expired", expired, old, "q"},
		{"empty", s, "", "q"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p position
			if err := tt.sealer.Open(tt.token, tt.query, &p); !errors.Is(err, ErrInvalid) {
				t.Fatalf("Open = %v, want ErrInvalid", err)
			}
		})
	}
}

func FuzzOpen(f *testing.F) {
	s := NewRandom(time.Hour)
	tok, _ := s.Seal(position{After: "x"}, "q")
	f.Add(tok)
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		var p position
		_ = s.Open(token, "q", &p) // must never panic
	})
}
