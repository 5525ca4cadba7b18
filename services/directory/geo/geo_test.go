package geo

import (
	"math"
	"testing"
)

func TestDistance(t *testing.T) {
	c := loadT(t)
	paris, _ := c.Commune("75104")
	nantes, _ := c.Commune("44109")
	tests := []struct {
		name      string
		a, b      Point
		want, tol float64
	}{
		{"Paris–Nantes", paris.Point, nantes.Point, 343_000, 5_000},
		{"same point", nantes.Point, nantes.Point, 0, 1e-6},
		{"one degree of latitude", Point{45, 3}, Point{46, 3}, 111_195, 10},
		{"antipodes", Point{0, 0}, Point{0, 180}, math.Pi * earthRadius, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Distance(tt.a, tt.b); math.Abs(got-tt.want) > tt.tol {
				t.Errorf("Distance = %.0f m, want %.0f ± %.0f", got, tt.want, tt.tol)
			}
			if got, back := Distance(tt.a, tt.b), Distance(tt.b, tt.a); got != back {
				t.Errorf("Distance not symmetric: %v, %v", got, back)
			}
		})
	}
}
