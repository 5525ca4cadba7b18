package rpps

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewReaderHeader(t *testing.T) {
	reversed := slices.Clone(Columns)
	slices.Reverse(reversed)
	withExtra := append([]string{"Colonne inconnue"}, Columns...)
	withExtra = append(withExtra, "Code genre activité", "Libellé genre activité")
	withRoles := append(slices.Clone(Columns), ColumnRole, ColumnRoleLabel, "Code genre activité")
	withoutOptional := slices.Clone(RequiredColumns)
	role := with(médecin(), func(a *Activity) { a.Role, a.RoleLabel = "FON-01", "Médecin traitant" })
	required := with(médecin(), func(a *Activity) { keepOnly(a, RequiredColumns) })

	tests := []struct {
		name    string
		input   string
		want    *Activity // the first activity, when the header is accepted
		wantErr string    // a part of the HeaderError
		missing []string
	}{
		{name: "current", input: fileOf(Columns, médecin()), want: médecin()},
		{name: "reversed", input: fileOf(reversed, médecin()), want: médecin()},
		{name: "unknown columns", input: fileOf(withExtra, médecin()), want: médecin()},
		{name: "role columns", input: fileOf(withRoles, role), want: role},
		{name: "required only", input: fileOf(withoutOptional, médecin()), want: required},
		{name: "BOM", input: "\ufeff" + fileOf(Columns, médecin()), want: médecin()},
		{name: "CRLF", input: strings.ReplaceAll(fileOf(Columns, médecin()), "\n", "\r\n"), want: médecin()},
		{name: "spaces around names", input: " " + strings.ReplaceAll(fileOf(Columns, médecin()), "|", " | "), want: médecin()},
		{
			name: "missing columns", wantErr: "missing required columns",
			input:   fileOf(without(Columns, colID, colCommuneLabel), médecin()),
			missing: []string{colID, colCommuneLabel},
		},
		{name: "semicolon", input: strings.ReplaceAll(fileOf(Columns, médecin()), "|", ";"), wantErr: `wrong separator ";"`},
		{name: "tab", input: strings.ReplaceAll(fileOf(Columns, médecin()), "|", "\t"), wantErr: `wrong separator "\t"`},
		{name: "no separator", input: "Identifiant PP\n", wantErr: "no '|' separator"},
		{name: "empty file", input: "", wantErr: "empty file"},
		{name: "empty header", input: "\n" + fileOf(Columns, médecin()), wantErr: "header line is empty"},
		{name: "latin-1 header", input: "Code civilit\xe9|" + fileOf(Columns), wantErr: "not UTF-8 (Latin-1?)"},
		{name: "no final separator", input: strings.TrimSuffix(headerLine(Columns), "|\n") + "\n", wantErr: "does not end with '|'"},
		{name: "repeated column", input: headerLine(append(slices.Clone(Columns), colID)), wantErr: `column "Identifiant PP" appears twice`},
		{name: "header too long", input: strings.Repeat("x", 70<<10) + "|\n", wantErr: "longer than 64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tt.input))
			if tt.wantErr != "" {
				checkHeaderError(t, err, tt.wantErr, tt.missing)
				return
			}
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			got, err := r.Next()
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("activity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHeaderOnly(t *testing.T) {
	acts, errs := readAll(t, strings.NewReader(headerLine(Columns)))
	if len(acts) != 0 || len(errs) != 0 {
		t.Errorf("got %d activities and %d errors, want none", len(acts), len(errs))
	}
}

// checkHeaderError checks that err is a *HeaderError saying want and naming missing.
func checkHeaderError(t *testing.T, err error, want string, missing []string) {
	t.Helper()
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v, want a *HeaderError", err)
	}
	if !strings.Contains(he.Error(), want) {
		t.Errorf("err = %q, want it to contain %q", he.Error(), want)
	}
	if diff := cmp.Diff(missing, he.Missing); diff != "" {
		t.Errorf("Missing (-want +got):\n%s", diff)
	}
	for _, m := range missing {
		if !strings.Contains(he.Error(), m) {
			t.Errorf("err = %q does not name %q", he.Error(), m)
		}
	}
}

// without returns cols without the names drop.
func without(cols []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(cols), func(c string) bool { return slices.Contains(drop, c) })
}

// keepOnly empties the fields of a that are not in cols.
func keepOnly(a *Activity, cols []string) {
	for name, sl := range slots {
		if !slices.Contains(cols, name) {
			*sl(a) = ""
		}
	}
}
