package territory

import "testing"

func TestLoadReference(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	if len(ref.Regions) != 18 || len(ref.Departements) != 101 || len(ref.Territories) != 101 {
		t.Fatalf("got %d régions, %d départements, %d territories; want 18, 101, 101",
			len(ref.Regions), len(ref.Departements), len(ref.Territories))
	}
	deps := map[string]string{}
	for _, d := range ref.Departements {
		deps[d.Name] = d.Region
	}
	byName := map[string]int{}
	for i, ter := range ref.Territories {
		byName[ter.Name] = i
		for _, d := range ter.Departements {
			if deps[d] != ter.Region {
				t.Errorf("%s: département %s is in %q, territory says %q", ter.Name, d, deps[d], ter.Region)
			}
		}
	}
	for _, name := range []string{"territories/SAS-07", "territories/SAS-2A", "territories/SAS-2B", "territories/SAS-75"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("missing %s", name)
		}
	}
	paris := ref.Territories[byName["territories/SAS-75"]]
	if paris.Region != "regions/11" || paris.DefaultRadiusMeters != 5000 || paris.RadiusStepMeters != 3000 || !paris.Active {
		t.Errorf("Paris: %v", paris)
	}
	if ref.Territories[byName["territories/SAS-976"]].Active {
		t.Error("Mayotte has no SAS yet: want inactive")
	}
}

func TestDepartementCode(t *testing.T) {
	for in, want := range map[string]string{"7": "07", "20A": "2A", "20B": "2B", "44": "44", "971": "971"} {
		if got := DepartementCode(in); got != want {
			t.Errorf("DepartementCode(%q) = %q, want %q", in, got, want)
		}
	}
}
