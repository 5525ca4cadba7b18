package importer

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/timestamppb"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/geo"
	"github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/platform/dbtest"
)

var sample = mustRead("../rpps/testdata/sample.txt")

func mustRead(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return string(b)
}

type fixture struct {
	db  *store.DB
	imp *Importer
	n   int
}

func newFixture(t *testing.T, e dbtest.Engine) *fixture {
	communes, err := geo.Load()
	if err != nil {
		t.Fatal(err)
	}
	db := store.New(e.DB, e.Classify)
	return &fixture{db: db, imp: New(db, communes, slog.New(slog.NewTextHandler(io.Discard, nil)))}
}

// run imports content as a new job and returns the finished job.
func (f *fixture) run(t *testing.T, ctx context.Context, content string, maxPercent float64) *directoryv1.Import {
	t.Helper()
	f.n++
	job := &directoryv1.Import{Name: "imports/" + strings.Repeat("x", f.n), FileName: "PS_LibreAcces_Personne_activite_test.txt",
		State: directoryv1.Import_STATE_RUNNING, TotalBytes: int64(len(content)), MaxRejectionPercent: maxPercent,
		CreateTime: timestamppb.Now()}
	if err := f.db.CreateImport(context.Background(), job); err != nil {
		t.Fatal(err)
	}
	if err := f.imp.Run(ctx, job, bytes.NewReader([]byte(content)), nil); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.GetImport(context.Background(), job.Name)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (f *fixture) lastSeq(t *testing.T) int64 {
	seq, err := f.db.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func TestImport(t *testing.T) {
	dbtest.Run(t, "directory", store.Migrations, map[string]func(*testing.T, dbtest.Engine){
		"first then same file writes nothing": testFirstThenSame,
		"first import, lines not grouped":     testUngrouped,
		"first import refused":                testFirstRefused,
		"changed and vanished":                testChangedAndVanished,
		"refused over the threshold":          testRefused,
		"missing column":                      testMissingColumn,
		"duplicated line":                     testDuplicate,
		"cancelled":                           testCancelled,
		"lookups and filters":                 testLookups,
	})
}

func testFirstThenSame(t *testing.T, e dbtest.Engine) {
	f := newFixture(t, e)
	job := f.run(t, context.Background(), sample, 1)
	if job.State != directoryv1.Import_STATE_SUCCEEDED || job.LinesRead != 10 || job.ProfessionalsAdded != 9 {
		t.Fatalf("first import: %v", job)
	}
	martin, err := f.db.GetProfessional(context.Background(), "810101234567")
	if err != nil || len(martin.Activities) != 2 || martin.Profession != "professions/10" || !martin.Active {
		t.Fatalf("MARTIN: %v, %v", martin, err)
	}
	site, err := f.db.GetSite(context.Background(), martin.Activities[0].Site)
	if err != nil || site.Location == nil || site.Departement != "departements/75" {
		t.Fatalf("MARTIN's first site: %v, %v", site, err)
	}
	seq := f.lastSeq(t)
	again := f.run(t, context.Background(), sample, 1)
	if again.State != directoryv1.Import_STATE_SUCCEEDED || again.ProfessionalsUnchanged != 9 || again.ProfessionalsAdded+again.ProfessionalsChanged != 0 {
		t.Fatalf("second import: %v", again)
	}
	if f.lastSeq(t) != seq {
		t.Fatal("importing the same file twice wrote changes")
	}
}

func testChangedAndVanished(t *testing.T, e dbtest.Engine) {
	f := newFixture(t, e)
	f.run(t, context.Background(), sample, 1)
	lines := strings.Split(strings.TrimSuffix(sample, "\n"), "\n")
	changed := strings.Replace(lines[3], "NGUYEN", "NGUYEN-LEROY", 1) // the ADELI nurse
	var kept []string
	for i, l := range lines {
		switch {
		case i == 3:
			kept = append(kept, changed)
		case strings.Contains(l, "|GARNIER|"): // vanishes
		default:
			kept = append(kept, l)
		}
	}
	job := f.run(t, context.Background(), strings.Join(kept, "\n")+"\n", 1)
	if job.ProfessionalsChanged != 1 || job.ProfessionalsDeactivated != 1 || job.ProfessionalsUnchanged != 7 {
		t.Fatalf("got %v", job)
	}
	nurse, _ := f.db.GetProfessional(context.Background(), "0756012345")
	if nurse.GetFamilyName() != "NGUYEN-LEROY" {
		t.Fatalf("nurse: %v", nurse)
	}
	gone, err := f.db.GetProfessional(context.Background(), "810007890123")
	if err != nil || gone.Active {
		t.Fatalf("a vanished professional must stay, inactive: %v, %v", gone, err)
	}
	back := f.run(t, context.Background(), sample, 1)
	if back.ProfessionalsChanged != 2 {
		t.Fatalf("reimporting the first file: %v", back)
	}
}

func testRefused(t *testing.T, e dbtest.Engine) {
	f := newFixture(t, e)
	f.run(t, context.Background(), sample, 1)
	seq := f.lastSeq(t)
	bad := strings.Replace(sample, "|MARTIN|", "|MARTIN|extra|", 1) // one line of ten with a field too many
	bad = strings.Replace(bad, "|NGUYEN|", "|NGUY\xe9N|", 1)        // Latin-1
	job := f.run(t, context.Background(), strings.Replace(bad, "BERNARD", "BERNARDO", 1), 1)
	if job.State != directoryv1.Import_STATE_REFUSED || job.LinesRejected != 2 || !strings.Contains(job.Error, "above the 1.00% threshold") {
		t.Fatalf("got %v", job)
	}
	if f.lastSeq(t) != seq {
		t.Fatal("a refused file changed the directory")
	}
	rejections, err := f.db.ListRejections(context.Background(), job.Name, 0, 10)
	if err != nil || len(rejections) != 2 || rejections[0].Line != 2 || !strings.Contains(rejections[1].Reason, "UTF-8") {
		t.Fatalf("rejections: %v, %v", rejections, err)
	}
}

func testMissingColumn(t *testing.T, e dbtest.Engine) {
	f := newFixture(t, e)
	job := f.run(t, context.Background(), strings.Replace(sample, "Identifiant PP|", "Ident PP|", 1), 1)
	if job.State != directoryv1.Import_STATE_REFUSED || !strings.Contains(job.Error, "Identifiant PP") {
		t.Fatalf("got %v", job)
	}
}

func testDuplicate(t *testing.T, e dbtest.Engine) {
	f := newFixture(t, e)
	lines := strings.SplitAfter(sample, "\n")
	dup := strings.Join(append(lines[:len(lines)-1], lines[5]), "")
	job := f.run(t, context.Background(), dup, 10)
	if job.State != directoryv1.Import_STATE_SUCCEEDED || job.LinesRejected != 1 || job.ProfessionalsAdded != 9 {
		t.Fatalf("got %v", job)
	}
	r, _ := f.db.ListRejections(context.Background(), job.Name, 0, 10)
	if len(r) != 1 || r[0].Line != 12 || r[0].Reason != "duplicate of line 6" {
		t.Fatalf("rejections %v", r)
	}
}

func testCancelled(t *testing.T, e dbtest.Engine) {
	f := newFixture(t, e)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	job := f.run(t, ctx, sample, 1)
	if job.State != directoryv1.Import_STATE_CANCELLED || f.lastSeq(t) != 0 {
		t.Fatalf("got %v", job)
	}
}

func testLookups(t *testing.T, e dbtest.Engine) {
	f := newFixture(t, e)
	f.run(t, context.Background(), sample, 1)
	ctx := context.Background()
	yes, no := true, false
	tests := []struct {
		name string
		q    store.ProfessionalQuery
		want int
	}{
		{"all", store.ProfessionalQuery{}, 9},
		{"médecins", store.ProfessionalQuery{Profession: "10"}, 4},
		{"general practice", store.ProfessionalQuery{Specialty: "SM54"}, 1},
		{"practising in Seine-Saint-Denis", store.ProfessionalQuery{Departement: "93"}, 1},
		{"practising in Nantes", store.ProfessionalQuery{Commune: "44109"}, 2},
		{"active", store.ProfessionalQuery{Active: &yes}, 9},
		{"opted out", store.ProfessionalQuery{OptedOut: &yes}, 0},
		{"after a national id", store.ProfessionalQuery{After: "810101234567"}, 3},
	}
	for _, tt := range tests {
		tt.q.Limit = 100
		got, err := f.db.ListProfessionals(ctx, tt.q)
		if err != nil || len(got) != tt.want {
			t.Errorf("%s: got %d, %v; want %d", tt.name, len(got), err, tt.want)
		}
	}
	unlocated, err := f.db.ListSites(ctx, store.SiteQuery{Located: &no, Limit: 100})
	if err != nil || len(unlocated) != 1 || unlocated[0].Address.GetCountryCode() != "99132" {
		t.Fatalf("the foreign site must be kept, flagged: %v, %v", unlocated, err)
	}
	if _, err := f.db.SetOptOut(ctx, "810101234567", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.db.ListProfessionals(ctx, store.ProfessionalQuery{OptedOut: &yes, Limit: 10}); len(got) != 1 {
		t.Fatalf("opted out after SetOptOut: %v", got)
	}
}

// testUngrouped imports first a file where a professional's lines are apart.
func testUngrouped(t *testing.T, e dbtest.Engine) {
	f := newFixture(t, e)
	lines := strings.SplitAfter(sample, "\n")
	apart := strings.Join(append(append([]string{lines[0]}, lines[2:len(lines)-1]...), lines[1]), "")
	job := f.run(t, context.Background(), apart, 1)
	if job.State != directoryv1.Import_STATE_SUCCEEDED || job.LinesRead != 10 || job.ProfessionalsAdded != 9 {
		t.Fatalf("got %v", job)
	}
	martin, err := f.db.GetProfessional(context.Background(), "810101234567")
	if err != nil || len(martin.Activities) != 2 {
		t.Fatalf("MARTIN: %v, %v", martin, err)
	}
	if again := f.run(t, context.Background(), sample, 1); again.ProfessionalsUnchanged != 9 {
		t.Fatalf("the grouped file after: %v", again)
	}
}

// testFirstRefused refuses a first import at its end: nothing is written.
func testFirstRefused(t *testing.T, e dbtest.Engine) {
	f := newFixture(t, e)
	job := f.run(t, context.Background(), strings.Replace(sample, "|MARTIN|", "|MARTIN|extra|", 1), 1)
	if job.State != directoryv1.Import_STATE_REFUSED || job.LinesRejected != 1 {
		t.Fatalf("got %v", job)
	}
	got, err := f.db.ListProfessionals(context.Background(), store.ProfessionalQuery{Limit: 10})
	if err != nil || len(got) != 0 || f.lastSeq(t) != 0 {
		t.Fatalf("a refused first import wrote %v, %v", got, err)
	}
	if job := f.run(t, context.Background(), sample, 1); job.ProfessionalsAdded != 9 {
		t.Fatalf("then the good file: %v", job)
	}
}
