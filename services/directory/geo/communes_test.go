package geo

import (
	"errors"
	"strings"
	"testing"
)

func TestCommune(t *testing.T) {
	c := loadT(t)
	tests := []struct {
		code string
		want Commune
		ok   bool
	}{
		{"44109", Commune{"44109", "Nantes", "44000", "44", Point{47.23823, -1.56033}, 323204}, true},
		{"2A004", Commune{"2A004", "Ajaccio", "20000", "2A", Point{41.92274, 8.70583}, 73822}, true},
		{"75056", Commune{}, false}, // Paris exists through its arrondissements only
		{"", Commune{}, false},
	}
	for _, tt := range tests {
		got, ok := c.Commune(tt.code)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Commune(%q) = %+v, %v; want %+v, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDepartements(t *testing.T) {
	c := loadT(t)
	deps := c.Departements()
	if len(deps) != 101 || deps[0].Code != "01" || deps[100].Code != "976" {
		t.Fatalf("Departements: %d, first %+v, last %+v", len(deps), deps[0], deps[len(deps)-1])
	}
	if d, ok := c.Departement("2A"); !ok || d.Name != "Corse-du-Sud" || d.Region != "94" {
		t.Errorf("Departement(2A) = %+v, %v", d, ok)
	}
}

func TestWeighted(t *testing.T) {
	c := loadT(t)
	w := c.Weighted()
	seen := make(map[string]bool, len(w))
	arrondissements, total := 0, 0
	for _, m := range w {
		if seen[m.InseeCode] || m.Population <= 0 {
			t.Fatalf("commune %+v repeated or without population", m)
		}
		seen[m.InseeCode] = true
		if strings.HasPrefix(m.InseeCode, "751") {
			arrondissements++
		}
		total += m.Population
	}
	for _, code := range []string{"75056", "69123", "13055"} {
		if seen[code] {
			t.Errorf("whole city %s counted with its arrondissements", code)
		}
	}
	// Valserhône (01033) once, not again as its former commune Bellegarde.
	if arrondissements != 20 || !seen["01033"] || !seen["69381"] || !seen["13201"] {
		t.Errorf("weighted communes miss arrondissements or communes: Paris %d", arrondissements)
	}
	if total < 64_000_000 || total > 69_000_000 {
		t.Errorf("population %d, want about 66 million", total)
	}
	w[0].Name = "changed"
	if c.Weighted()[0].Name == "changed" {
		t.Error("Weighted shares its slice")
	}
}

func TestParseErrors(t *testing.T) {
	const deps = "departement_code,region_code,name,lat,lon,capital_insee_code\n01,84,Ain,46.1,5.3,01001\n"
	const header = "insee_code,region_code,departement_code,name,postal_code,type,parent_insee_code,lat,lon,population\n"
	tests := []struct {
		name, communes, deps string
	}{
		{"empty", "", deps},
		{"bad header", "code,name\n", deps},
		{"short line", header + "01001,84,01,A,01400,COM,,46,5\n", deps},
		{"quoted", header + "01001,84,01,\"A, B\",01400,COM,,46,5,1\n", deps},
		{"type", header + "01001,84,01,A,01400,XYZ,,46,5,1\n", deps},
		{"postal code", header + "01001,84,01,A,1400,COM,,46,5,1\n", deps},
		{"département", header + "02001,32,02,A,02400,COM,,46,5,1\n", deps},
		{"latitude", header + "01001,84,01,A,01400,COM,,north,5,1\n", deps},
		{"population", header + "01001,84,01,A,01400,COM,,46,5,-3\n", deps},
		{"département centre", header, "departement_code,region_code,name,lat,lon,capital_insee_code\n01,84,Ain,,,01001\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parse(tt.communes, tt.deps); !errors.Is(err, ErrFormat) {
				t.Errorf("parse: %v, want ErrFormat", err)
			}
		})
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLocate(b *testing.B) {
	c := loadT(b)
	for b.Loop() {
		c.Locate("", "25680", "")
	}
}
