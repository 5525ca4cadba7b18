package geo

import (
	"testing"
)

func loadT(tb testing.TB) *Communes {
	tb.Helper()
	c, err := Load()
	if err != nil {
		tb.Fatalf("Load: %v", err)
	}
	return c
}

func TestLocate(t *testing.T) {
	c := loadT(t)
	vendee, _ := c.Departement("85")
	tests := []struct {
		name                 string
		insee, postal, cedex string
		want                 Result
	}{
		{"commune", "44109", "44000", "", Result{Point{47.23823, -1.56033}, PrecisionCommune, "44109", "44"}},
		{"code with spaces", " 44109 ", "", "", Result{Point{47.23823, -1.56033}, PrecisionCommune, "44109", "44"}},
		{"Corsica", "2A004", "", "", Result{Point{41.92274, 8.70583}, PrecisionCommune, "2A004", "2A"}},
		{"overseas", "97411", "", "", Result{Point{-20.94342, 55.4444}, PrecisionCommune, "97411", "974"}},
		{"Paris arrondissement", "75115", "75015", "", Result{Point{48.84165, 2.29372}, PrecisionCommune, "75115", "75"}},
		{"former commune code names the commune in force", "01033", "01200", "", Result{Point{46.12335, 5.79442}, PrecisionCommune, "01033", "01"}},
		{"no coordinates: centre of the département", "85165", "", "", Result{vendee.Point, PrecisionCommune, "85165", "85"}},
		{"postal code: most populous commune", "", "25680", "", Result{Point{47.47656, 6.34998}, PrecisionPostalCode, "25505", "25"}},
		{"unknown code, known postal code", "44999", "44000", "", Result{Point{47.23823, -1.56033}, PrecisionPostalCode, "44109", "44"}},
		{"cedex", "", "", "75015 PARIS", Result{Point{48.84165, 2.29372}, PrecisionPostalCode, "75115", "75"}},
		{"cedex after an unknown postal code", "", "75732", "75015 PARIS CEDEX 15", Result{Point{48.84165, 2.29372}, PrecisionPostalCode, "75115", "75"}},
		{"cedex code unknown", "", "", "75732 PARIS CEDEX 15", Result{}},
		{"cedex without postal code", "", "", "PARIS CEDEX", Result{}},
		{"foreign", "", "SW1A 1AA", "", Result{}},
		{"nothing", "", "", "", Result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Locate(tt.insee, tt.postal, tt.cedex); got != tt.want {
				t.Errorf("Locate(%q, %q, %q) = %+v, want %+v", tt.insee, tt.postal, tt.cedex, got, tt.want)
			}
		})
	}
}

func TestLocateFormerCommune(t *testing.T) {
	const deps = "departement_code,region_code,name,lat,lon,capital_insee_code\n" +
		"01,84,Ain,46.1,5.3,01001\n02,32,Aisne,49.5,3.5,02001\n"
	const communes = "insee_code,region_code,departement_code,name,postal_code,type,parent_insee_code,lat,lon,population\n" +
		"01001,84,01,Petite,01400,COM,,46.0,5.0,100\n" +
		"01002,,,Ancienne,01400,COMD,02001,45.5,5.5,5000\n" +
		"02001,32,02,Grande,02100,COM,,49.0,3.0,900\n"
	c, err := parse(communes, deps)
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Point{45.5, 5.5}, PrecisionCommune, "01002", "02"}
	if got := c.Locate("01002", "", ""); got != want {
		t.Errorf("former commune: got %+v, want %+v", got, want)
	}
	want = Result{Point{46.0, 5.0}, PrecisionPostalCode, "01001", "01"}
	if got := c.Locate("", "01400", ""); got != want {
		t.Errorf("postal code shared with a former commune: got %+v, want %+v", got, want)
	}
	if got := len(c.Weighted()); got != 2 {
		t.Errorf("Weighted holds %d communes, want 2", got)
	}
}

func TestPrecisionString(t *testing.T) {
	for p, want := range map[Precision]string{PrecisionNone: "none", PrecisionCommune: "commune", PrecisionPostalCode: "postal_code"} {
		if got := p.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", p, got, want)
		}
	}
}

func FuzzLocate(f *testing.F) {
	c := loadT(f)
	f.Add("44109", "44000", "")
	f.Add("", "", "75015 PARIS")
	f.Add("2B033", "SW1A 1AA", "75 PARIS")
	f.Fuzz(func(t *testing.T, insee, postal, cedex string) {
		r := c.Locate(insee, postal, cedex)
		if (r.Precision == PrecisionNone) != (r.InseeCode == "") {
			t.Fatalf("Locate(%q, %q, %q) = %+v", insee, postal, cedex, r)
		}
		if r.Precision != PrecisionNone {
			if _, ok := c.Departement(r.Departement); !ok {
				t.Fatalf("Locate(%q, %q, %q): unknown département %q", insee, postal, cedex, r.Departement)
			}
		}
	})
}
