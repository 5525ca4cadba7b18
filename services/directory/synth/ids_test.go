package synth

import (
	"math/rand/v2"
	"testing"
)

func TestLuhnKey(t *testing.T) {
	tests := []struct {
		n    uint64
		want uint64
	}{
		{73282932, 0},      // SIREN 732829320
		{7328293200007, 4}, // SIRET 73282932000074
		{1010027138, 5},    // RPPS 10100271385
		{0, 0},
	}
	for _, tt := range tests {
		if got := luhnKey(tt.n); got != tt.want {
			t.Errorf("luhnKey(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func TestShuffle(t *testing.T) {
	tests := []struct{ n, half uint64 }{{1_000, 32}, {1_024, 32}, {500, 1_000}}
	for _, tt := range tests {
		s := newShuffle(rand.New(rand.NewPCG(1, 2)), tt.n, tt.half)
		seen := make([]bool, tt.n)
		for i := range tt.n {
			x := s.at(i)
			if x >= tt.n || seen[x] {
				t.Fatalf("shuffle(%d, %d).at(%d) = %d: out of range or repeated", tt.n, tt.half, i, x)
			}
			seen[x] = true
		}
	}
}

func TestIDs(t *testing.T) {
	d := newIDs(rand.New(rand.NewPCG(1, 2)))
	if id := d.rppsID(0); len(id) != 11 || !luhnValid(id) {
		t.Errorf("rppsID(0) = %q", id)
	}
	a, b := d.adeliID("2A", "60"), d.adeliID("2A", "60")
	if len(a) != 9 || a[:4] != "2A60" || a == b {
		t.Errorf("adeliID = %q, %q", a, b)
	}
	f := finessID("2B", d.finessSerial("2B"), false)
	if legal := finessID("2B", d.finessSerial("2B"), true); len(f) != 9 || f[:2] != "2B" || f == legal {
		t.Errorf("finessID = %q, %q", f, legal)
	}
	if got := formatDigits(42, 5); got != "00042" {
		t.Errorf("formatDigits(42, 5) = %q", got)
	}
}
