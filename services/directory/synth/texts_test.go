package synth

import "testing"

func TestOfPlace(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Nantes", "de Nantes"},
		{"Le Mans", "du Mans"},
		{"Les Sables-d'Olonne", "des Sables-d'Olonne"},
		{"La Rochelle", "de La Rochelle"},
		{"Ajaccio", "d'Ajaccio"},
		{"Évry-Courcouronnes", "d'Évry-Courcouronnes"},
		{"Hem", "de Hem"},
	}
	for _, tt := range tests {
		if got := ofPlace(tt.name); got != tt.want {
			t.Errorf("ofPlace(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestRouting(t *testing.T) {
	tx := newTexts()
	tests := []struct{ name, want string }{
		{"Paris 15e Arrondissement", "PARIS"},
		{"Saint-Étienne", "SAINT ETIENNE"},
		{"L'Haÿ-les-Roses", "L HAY LES ROSES"},
		{"Reyniès", "REYNIES"},
	}
	for _, tt := range tests {
		if got := tx.routing(cityOf(tt.name)); got != tt.want {
			t.Errorf("routing(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPicker(t *testing.T) {
	g, err := newGenerator(ref(t), Options{Professionals: 1, Sites: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := newPicker(1, 0, 3)
	var counts [3]int
	for range 4_000 {
		counts[p.pick(g.rng)]++
	}
	if counts[1] != 0 || counts[0] < 850 || counts[0] > 1_150 {
		t.Errorf("picks %v, want about [1000 0 3000]", counts)
	}
}
