package rpps

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// médecin returns a valid activity as the Reader returns it from line 2.
func médecin() *Activity {
	return &Activity{
		Line: 2, IDType: "8", ID: "10101234567", NationalID: "810101234567",
		PracticeCivility: "DR", PracticeCivilityLabel: "Docteur", Civility: "MME", CivilityLabel: "Madame",
		FamilyName: "MARTIN", GivenName: "Claire",
		Profession: "10", ProfessionLabel: "Médecin", Category: "C", CategoryLabel: "Civil",
		SkillType: "S", SkillTypeLabel: "Spécialité ordinale", Skill: "SM54", SkillLabel: "Médecine générale",
		PracticeMode: "L", PracticeModeLabel: "Libéral",
		SIRET: "82345678900017", SIREN: "823456789", TechnicalID: "R10100000123456",
		CompanyName: "CABINET DU DOCTEUR MARTIN", StreetNumber: "12", StreetTypeCode: "R",
		StreetTypeLabel: "Rue", StreetName: "DES PYRENEES", PostalCode: "75020", CommuneCode: "75120",
		CommuneLabel: "Paris 20e Arrondissement", Phone: "0143000000", DepartementCode: "75",
		DepartementLabel: "Paris", RegistrationAuthority: "CNOM/CNOM/CNOM", Sector: "SA07",
		SectorLabel: "Cabinet individuel",
	}
}

// with returns a copy of a changed by f.
func with(a *Activity, f func(*Activity)) *Activity {
	c := *a
	f(&c)
	return &c
}

// headerLine renders a header of cols.
func headerLine(cols []string) string {
	return strings.Join(cols, "|") + "|\n"
}

// render renders a as one line of cols; unknown columns get "extra".
func render(cols []string, a *Activity) string {
	var b strings.Builder
	for _, c := range cols {
		if sl, ok := slots[c]; ok {
			b.WriteString(*sl(a))
		} else {
			b.WriteString("extra")
		}
		b.WriteByte('|')
	}
	b.WriteByte('\n')
	return b.String()
}

// fileOf renders a file of cols holding the activities.
func fileOf(cols []string, acts ...*Activity) string {
	s := headerLine(cols)
	for _, a := range acts {
		s += render(cols, a)
	}
	return s
}

// readAll reads every line of input, returning the activities and line errors; it fails
// the test on any other error.
func readAll(t testing.TB, input io.Reader) ([]*Activity, []*LineError) {
	t.Helper()
	r, err := NewReader(input)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var acts []*Activity
	var errs []*LineError
	for {
		a, err := r.Next()
		var le *LineError
		switch {
		case err == io.EOF:
			return acts, errs
		case errors.As(err, &le):
			errs = append(errs, le)
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			acts = append(acts, a)
		}
	}
}
