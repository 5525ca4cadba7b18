package rpps

import (
	"os"
	"testing"
)

func TestSample(t *testing.T) {
	f, err := os.Open("testdata/sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	acts, errs := readAll(t, f)
	if len(errs) != 0 {
		t.Fatalf("line errors: %v", errs)
	}
	if len(acts) != 10 {
		t.Fatalf("got %d activities, want 10", len(acts))
	}
	tests := []struct {
		line          int64
		nationalID    string
		profession    string
		commune, post string
	}{
		{2, "810101234567", "10", "75120", "75020"},
		{3, "810101234567", "10", "93048", "93100"},
		{4, "0756012345", "60", "75111", "75011"},
		{5, "810003456789", "21", "75104", "75004"},
		{6, "810104567890", "10", "", "SE1 7EH"},
		{7, "810105678901", "10", "", "75015"},
	}
	for i, tt := range tests {
		a := acts[i]
		if a.Line != tt.line || a.NationalID != tt.nationalID || a.Profession != tt.profession ||
			a.CommuneCode != tt.commune || a.PostalCode != tt.post {
			t.Errorf("activity %d = line %d %s %s %q %q, want %+v", i, a.Line, a.NationalID,
				a.Profession, a.CommuneCode, a.PostalCode, tt)
		}
	}
	if a := acts[3]; a.FINESS != "750034567" || a.PharmacistSection != "A" {
		t.Errorf("pharmacist: FINESS %q, section %q", a.FINESS, a.PharmacistSection)
	}
	if a := acts[4]; a.CountryCode != "99132" {
		t.Errorf("foreign address: country %q, want 99132", a.CountryCode)
	}
	if a := acts[5]; a.Cedex != "75015 PARIS" {
		t.Errorf("cedex %q, want 75015 PARIS", a.Cedex)
	}
}
