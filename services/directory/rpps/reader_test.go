package rpps

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// lineErr is the expected part of a LineError.
type lineErr struct {
	Line   int64
	Column string
	Reason string // a part of the reason
}

func TestReaderLines(t *testing.T) {
	good := render(Columns, médecin())
	adeli := with(médecin(), func(a *Activity) { a.IDType, a.ID, a.NationalID = "0", "2A0012345", "02A0012345" })
	line := func(f func(*Activity)) string { return render(Columns, with(médecin(), f)) }
	fields := strings.Split(strings.TrimSuffix(good, "|\n"), "|")

	tests := []struct {
		name  string
		lines string  // after the header
		want  []int64 // line numbers of the accepted activities
		errs  []lineErr
	}{
		{name: "two lines", lines: good + render(Columns, adeli), want: []int64{2, 3}},
		{name: "CRLF", lines: strings.ReplaceAll(good+good, "\n", "\r\n"), want: []int64{2, 3}},
		{name: "blank lines skipped", lines: "\n" + good + "\r\n" + good, want: []int64{3, 5}},
		{name: "last line without newline", lines: good + strings.TrimSuffix(good, "\n"), want: []int64{2, 3}},
		{
			name: "truncated last line", lines: good + good[:strings.Index(good, "MARTIN")+3], want: []int64{2},
			errs: []lineErr{{3, colFamilyName, "does not end with '|' (truncated?): 8 fields, want 52"}},
		},
		{
			name: "too few fields", lines: strings.Join(fields[:50], "|") + "|\n" + good, want: []int64{3},
			errs: []lineErr{{2, "Code section tableau pharmaciens", "50 fields, want 52"}},
		},
		{
			name: "too many fields", lines: good + strings.TrimSuffix(good, "\n") + "x|\n", want: []int64{2},
			errs: []lineErr{{3, "", "53 fields, want 52"}},
		},
		{
			name: "latin-1", lines: line(func(a *Activity) { a.GivenName = "H\xe9l\xe8ne" }) + good, want: []int64{3},
			errs: []lineErr{{2, colGivenName, "not UTF-8 (Latin-1?): byte 0xe9"}},
		},
		{
			name: "identifier type", lines: line(func(a *Activity) { a.IDType = "9" }),
			errs: []lineErr{{2, colIDType, `"9" is neither 8 (RPPS) nor 0 (ADELI)`}},
		},
		{
			name: "short RPPS", lines: good + line(func(a *Activity) { a.ID, a.NationalID = "1010123456", "81010123456" }),
			want: []int64{2}, errs: []lineErr{{3, colID, "is not 11 digits"}},
		},
		{
			name: "RPPS with a letter", lines: line(func(a *Activity) { a.ID, a.NationalID = "1010123456A", "81010123456A" }),
			errs: []lineErr{{2, colID, "is not 11 digits"}},
		},
		{
			name: "ADELI lower case", lines: line(func(a *Activity) { a.IDType, a.ID, a.NationalID = "0", "2a0012345", "02a0012345" }),
			errs: []lineErr{{2, colID, "is not 9 characters of [0-9A-Z]"}},
		},
		{
			name: "ADELI of 11 digits", lines: line(func(a *Activity) { a.IDType, a.NationalID = "0", "010101234567" }),
			errs: []lineErr{{2, colID, "is not 9 characters"}},
		},
		{
			name: "national identifier", lines: line(func(a *Activity) { a.NationalID = "010101234567" }),
			errs: []lineErr{{2, colNationalID, `is not "8" followed by "10101234567"`}},
		},
		{
			name: "empty family name", lines: line(func(a *Activity) { a.FamilyName = "   " }),
			errs: []lineErr{{2, colFamilyName, "empty"}},
		},
		{
			name: "empty profession", lines: line(func(a *Activity) { a.Profession = "" }),
			errs: []lineErr{{2, colProfession, "empty"}},
		},
		{
			name: "longest line", lines: ofSize(maxLine) + "\r\n" + ofSize(maxLine+1) + "\n" + good,
			want: []int64{2, 4}, errs: []lineErr{{3, "", "line of 65537 bytes, longer than the limit of 65536"}},
		},
		{
			name: "long line", lines: good + strings.Repeat("é", 40<<10) + "\n" + good, want: []int64{2, 4},
			errs: []lineErr{{3, "", "line of 81920 bytes"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acts, errs := readAll(t, strings.NewReader(headerLine(Columns)+tt.lines))
			if diff := cmp.Diff(tt.want, lineNumbers(acts)); diff != "" {
				t.Errorf("accepted lines (-want +got):\n%s", diff)
			}
			checkLineErrors(t, tt.errs, errs)
		})
	}
}

func TestReaderTrims(t *testing.T) {
	input := headerLine(Columns) + strings.ReplaceAll(render(Columns, médecin()), "|", "  | ")
	acts, errs := readAll(t, strings.NewReader(input))
	if len(errs) != 0 || len(acts) != 1 {
		t.Fatalf("got %d activities and errors %v, want one activity", len(acts), errs)
	}
	if diff := cmp.Diff(médecin(), acts[0]); diff != "" {
		t.Errorf("activity (-want +got):\n%s", diff)
	}
}

func TestReaderOffset(t *testing.T) {
	input := fileOf(Columns, médecin(), médecin())
	r, err := NewReader(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.Offset(), int64(len(headerLine(Columns))); got != want {
		t.Errorf("Offset after header = %d, want %d", got, want)
	}
	for range 3 {
		r.Next()
	}
	if got, want := r.Offset(), int64(len(input)); got != want {
		t.Errorf("Offset at end = %d, want %d", got, want)
	}
}

// ofSize renders a valid line of exactly n bytes, line end excluded.
func ofSize(n int) string {
	a := médecin()
	short := strings.TrimSuffix(render(Columns, a), "\n")
	a.BrandName = strings.Repeat("B", n-len(short))
	return strings.TrimSuffix(render(Columns, a), "\n")
}

// lineNumbers returns the line numbers of acts.
func lineNumbers(acts []*Activity) []int64 {
	var n []int64
	for _, a := range acts {
		n = append(n, a.Line)
	}
	return n
}

// checkLineErrors compares line errors with the expected ones.
func checkLineErrors(t *testing.T, want []lineErr, got []*LineError) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got errors %v, want %d", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.Line || g.Column != w.Column || !strings.Contains(g.Reason, w.Reason) {
			t.Errorf("error %d = %v, want line %d, column %q, reason containing %q", i, g, w.Line, w.Column, w.Reason)
		}
		if len(g.Content) > maxContent {
			t.Errorf("error %d: Content of %d bytes, want at most %d", i, len(g.Content), maxContent)
		}
	}
}
