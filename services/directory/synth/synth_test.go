package synth

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/rpps"
)

func ref(tb testing.TB) *geo.Communes {
	tb.Helper()
	c, err := geo.Load()
	if err != nil {
		tb.Fatalf("geo.Load: %v", err)
	}
	return c
}

func generate(tb testing.TB, opts Options) ([]byte, Stats) {
	tb.Helper()
	var buf bytes.Buffer
	st, err := Generate(&buf, ref(tb), opts)
	if err != nil {
		tb.Fatalf("Generate(%+v): %v", opts, err)
	}
	return buf.Bytes(), st
}

func TestGenerateDeterministic(t *testing.T) {
	a, _ := generate(t, Options{Professionals: 2000, Seed: 42})
	b, _ := generate(t, Options{Professionals: 2000, Seed: 42})
	c, _ := generate(t, Options{Professionals: 2000, Seed: 43})
	if !bytes.Equal(a, b) {
		t.Error("same seed, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds, same bytes")
	}
}

func TestGenerateStats(t *testing.T) {
	tests := []struct {
		name       string
		opts       Options
		minLines   int
		maxLines   int
		maxSites   int
		wantHeader bool
	}{
		{"none", Options{}, 0, 0, 0, true},
		{"one", Options{Professionals: 1, Seed: 7}, 1, 3, 1, true},
		{"one site", Options{Professionals: 100, Sites: 1}, 100, 300, 1, true},
		{"default sites", Options{Professionals: 10_000, Seed: 3}, 12_500, 13_500, 3_000, true},
		{"few sites", Options{Professionals: 3_000, Sites: 50}, 3_750, 4_050, 50, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, st := generate(t, tt.opts)
			lines := bytes.Count(out, []byte("\n")) - 1
			if st.Professionals != tt.opts.Professionals || st.Lines != lines {
				t.Errorf("Stats %+v, file has %d lines", st, lines)
			}
			if lines < tt.minLines || lines > tt.maxLines || st.Sites > tt.maxSites || (lines > 0) != (st.Sites > 0) {
				t.Errorf("Stats %+v, want lines in [%d, %d], sites ≤ %d", st, tt.minLines, tt.maxLines, tt.maxSites)
			}
			if !bytes.HasPrefix(out, []byte("Type d'identifiant PP|")) {
				t.Errorf("no header: %.40q", out)
			}
		})
	}
}

func TestGenerateOptions(t *testing.T) {
	for _, opts := range []Options{{Professionals: -1}, {Professionals: MaxProfessionals + 1}, {Professionals: 10, Sites: -2}} {
		if _, err := Generate(io.Discard, ref(t), opts); !errors.Is(err, ErrOptions) {
			t.Errorf("Generate(%+v) = %v, want ErrOptions", opts, err)
		}
	}
}

func TestGenerateNilCommunes(t *testing.T) {
	st, err := Generate(io.Discard, nil, Options{Professionals: 10})
	if err != nil || st.Professionals != 10 {
		t.Errorf("Generate with nil communes: %+v, %v", st, err)
	}
}

// readBack reads a generated file with the rpps Reader, failing on any
// rejected line.
func readBack(t *testing.T, out []byte) []rpps.Activity {
	t.Helper()
	r, err := rpps.NewReader(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var all []rpps.Activity
	for {
		a, err := r.Next()
		if err == io.EOF {
			return all
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		all = append(all, *a)
	}
}

func TestGenerateReadsBack(t *testing.T) {
	const professionals = 20_000
	c := ref(t)
	out, st := generate(t, Options{Professionals: professionals, Seed: 1})
	lines := readBack(t, out)
	if len(lines) != st.Lines {
		t.Fatalf("read %d lines, Stats %+v", len(lines), st)
	}
	people := make(map[string]string) // national id → name
	sites := make(map[string]string)  // technical id → SIRET
	sirets := make(map[string]string) // SIRET → technical id
	counts := make(map[string]int)    // what the quirks and the mix are checked on
	for i := range lines {
		a := &lines[i]
		if name, ok := people[a.NationalID]; ok && name != a.FamilyName+" "+a.GivenName {
			t.Fatalf("line %d: %s is %q and %q", a.Line, a.NationalID, name, a.FamilyName+" "+a.GivenName)
		}
		people[a.NationalID] = a.FamilyName + " " + a.GivenName
		if s, ok := sites[a.TechnicalID]; ok && s != a.SIRET {
			t.Fatalf("line %d: site %s has SIRET %q and %q", a.Line, a.TechnicalID, s, a.SIRET)
		}
		sites[a.TechnicalID] = a.SIRET
		if s, ok := sirets[a.SIRET]; ok && a.SIRET != "" && s != a.TechnicalID {
			t.Fatalf("line %d: SIRET %s on sites %s and %s", a.Line, a.SIRET, s, a.TechnicalID)
		}
		sirets[a.SIRET] = a.TechnicalID
		checkLine(t, c, a, counts)
	}
	if len(people) != professionals || len(sites) != st.Sites {
		t.Errorf("%d professionals, %d sites read; Stats %+v", len(people), len(sites), st)
	}
	checkCounts(t, counts, len(lines))
	t.Logf("%+v, %v", st, counts)
}

// checkLine checks the identifiers and the place of a line and counts what
// checkCounts looks at.
func checkLine(t *testing.T, c *geo.Communes, a *rpps.Activity, counts map[string]int) {
	t.Helper()
	if a.IDType == rpps.IDTypeRPPS && (!strings.HasPrefix(a.ID, "10") || !luhnValid(a.ID)) {
		t.Fatalf("line %d: RPPS %q", a.Line, a.ID)
	}
	if a.SIRET != "" && (len(a.SIRET) != 14 || !luhnValid(a.SIRET) || !luhnValid(a.SIREN)) {
		t.Fatalf("line %d: SIRET %q SIREN %q", a.Line, a.SIRET, a.SIREN)
	}
	if a.FINESS != "" && len(a.FINESS) != 9 {
		t.Fatalf("line %d: FINESS %q", a.Line, a.FINESS)
	}
	if a.SIRET == "" && a.FINESS == "" && a.CountryCode == "" {
		t.Fatalf("line %d: French site without SIRET or FINESS", a.Line)
	}
	loc := c.Locate(a.CommuneCode, a.PostalCode, a.Cedex)
	switch {
	case a.CountryCode != "":
		counts["foreign"]++
		if loc.Precision != geo.PrecisionNone || a.CountryCode != "99132" {
			t.Fatalf("line %d: foreign address %q %q located %+v", a.Line, a.CountryCode, a.PostalCode, loc)
		}
	case loc.Departement != a.DepartementCode || len(a.Phone) != 10:
		t.Fatalf("line %d: %q %q %q located in %+v, département %q, phone %q",
			a.Line, a.CommuneCode, a.PostalCode, a.Cedex, loc, a.DepartementCode, a.Phone)
	case a.CommuneCode == "":
		counts["cedex"]++
	}
	counts["profession "+a.Profession]++
	counts["mode "+a.PracticeMode]++
	counts["id type "+a.IDType]++
	if a.Skill == "SM54" || a.Skill == "SM26" || a.Skill == "SM53" {
		counts["general practice"]++
	}
}

// checkCounts checks the mix of the lines, in per mille.
func checkCounts(t *testing.T, counts map[string]int, lines int) {
	t.Helper()
	tests := []struct {
		what     string
		min, max int
	}{
		{"foreign", 0, 5},
		{"cedex", 2, 10},
		{"profession 10", 420, 480},
		{"profession 60", 180, 220},
		{"profession 21", 90, 130},
		{"profession 50", 30, 50},
		{"general practice", 220, 280},
		{"mode L", 650, 850},
		{"id type 0", 20, 50},
	}
	for _, tt := range tests {
		got := counts[tt.what] * 1000 / lines
		if got < tt.min || got > tt.max || (tt.what == "foreign" && counts[tt.what] == 0) {
			t.Errorf("%s: %d‰ of the lines (%d), want [%d, %d]", tt.what, got, counts[tt.what], tt.min, tt.max)
		}
	}
}

// luhnValid reports whether the digits of s pass the Luhn check.
func luhnValid(s string) bool {
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
