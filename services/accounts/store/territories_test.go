package store

import (
	"context"
	"errors"
	"testing"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/accounts/territory"
	"github.com/sas-platform/sas/services/platform/dbtest"
	"github.com/sas-platform/sas/services/platform/store"
	"google.golang.org/protobuf/proto"
)

// seeded returns a store of engine e seeded with the shipped reference.
func seeded(t *testing.T, e dbtest.Engine) (*DB, *territory.Reference) {
	t.Helper()
	ref, err := territory.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	db := New(e.DB, e.Classify)
	if err := db.SeedReference(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	return db, ref
}

func TestTerritoryStore(t *testing.T) {
	dbtest.Run(t, "accounts", Migrations, map[string]func(*testing.T, dbtest.Engine){
		"seed":             testSeed,
		"seed keeps edits": testSeedKeepsEdits,
		"list pages":       testListPages,
		"list filters":     testListFilters,
		"get":              testGet,
		"create":           testCreate,
		"update etag":      testUpdateEtag,
	})
}

func testSeed(t *testing.T, e dbtest.Engine) {
	db, ref := seeded(t, e)
	ctx := context.Background()
	if err := db.SeedReference(ctx, ref); err != nil { // twice: idempotent
		t.Fatal(err)
	}
	regions, err := db.Regions(ctx)
	if err != nil || len(regions) != 18 {
		t.Fatalf("Regions: %d, %v; want 18", len(regions), err)
	}
	deps, err := db.Departements(ctx)
	if err != nil || len(deps) != 101 {
		t.Fatalf("Departements: %d, %v; want 101", len(deps), err)
	}
	all, err := db.ListTerritories(ctx, territory.Query{Limit: 1000})
	if err != nil || len(all) != 101 {
		t.Fatalf("ListTerritories: %d, %v; want 101", len(all), err)
	}
}

func testSeedKeepsEdits(t *testing.T, e dbtest.Engine) {
	db, ref := seeded(t, e)
	ctx := context.Background()
	got, err := db.GetTerritory(ctx, "territories/SAS-44")
	if err != nil {
		t.Fatal(err)
	}
	got.DefaultRadiusMeters = 12000
	if err := db.UpdateTerritory(ctx, got, got.Etag); err != nil {
		t.Fatal(err)
	}
	if err := db.SeedReference(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.GetTerritory(ctx, "territories/SAS-44"); again.GetDefaultRadiusMeters() != 12000 {
		t.Fatalf("seeding overwrote an edited territory: %v", again)
	}
}

func testListPages(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	seen, after := map[string]bool{}, ""
	for pages := 0; ; pages++ {
		page, err := db.ListTerritories(context.Background(), territory.Query{After: after, Limit: 30})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, ter := range page {
			if seen[ter.Name] || ter.Name <= after {
				t.Fatalf("page after %q repeats or goes back: %s", after, ter.Name)
			}
			seen[ter.Name] = true
		}
		after = page[len(page)-1].Name
	}
	if len(seen) != 101 {
		t.Fatalf("walked %d territories, want 101", len(seen))
	}
}

func testListFilters(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	inactive := false
	tests := []struct {
		name string
		q    territory.Query
		want []string
	}{
		{"region", territory.Query{Region: "regions/52"}, []string{"territories/SAS-44", "territories/SAS-49", "territories/SAS-53", "territories/SAS-72", "territories/SAS-85"}},
		{"departement", territory.Query{Departement: "departements/2A"}, []string{"territories/SAS-2A"}},
		{"inactive", territory.Query{Active: &inactive}, []string{"territories/SAS-973", "territories/SAS-976"}},
		{"region and departement", territory.Query{Region: "regions/11", Departement: "departements/44"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Limit = 1000
			got, err := db.ListTerritories(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, ter := range got {
				names = append(names, ter.Name)
			}
			if len(names) != len(tt.want) {
				t.Fatalf("got %v, want %v", names, tt.want)
			}
			for i := range names {
				if names[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", names, tt.want)
				}
			}
		})
	}
}

func testGet(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	got, err := db.GetTerritory(context.Background(), "territories/SAS-75")
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "SAS Paris" || got.Region != "regions/11" || got.DefaultRadiusMeters != 5000 || got.Etag == "" {
		t.Fatalf("got %v", got)
	}
	if _, err := db.GetTerritory(context.Background(), "territories/SAS-99"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown territory: err = %v, want ErrNotFound", err)
	}
}

func newTerritory(name string) *commonv1.Territory {
	return &commonv1.Territory{
		Name: name, DisplayName: "SAS Nord-Ouest", Region: "regions/52",
		Departements:        []string{"departements/44", "departements/85"},
		DefaultRadiusMeters: 15000, RadiusStepMeters: 5000, CoverageRadiusMeters: 150000,
		Barycentre: &commonv1.GeoPoint{Latitude: 47.0, Longitude: -1.5},
	}
}

func testCreate(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	ter := newTerritory("territories/SAS-NO")
	if err := db.CreateTerritory(ctx, ter); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetTerritory(ctx, ter.Name)
	if err != nil {
		t.Fatal(err)
	}
	ter.Active = true
	if !proto.Equal(got, ter) {
		t.Fatalf("got %v, want %v", got, ter)
	}
	if err := db.CreateTerritory(ctx, newTerritory("territories/SAS-NO")); !errors.Is(err, store.ErrAlreadyExists) {
		t.Fatalf("second create: err = %v, want ErrAlreadyExists", err)
	}
	if got, _ := db.ListTerritories(ctx, territory.Query{Departement: "departements/85", Limit: 10}); len(got) != 2 {
		t.Fatalf("a territory of two départements is not found by the second: %v", got)
	}
}

func testUpdateEtag(t *testing.T, e dbtest.Engine) {
	db, _ := seeded(t, e)
	ctx := context.Background()
	first, _ := db.GetTerritory(ctx, "territories/SAS-44")
	second := proto.Clone(first).(*commonv1.Territory)
	first.DisplayName = "SAS 44"
	if err := db.UpdateTerritory(ctx, first, first.Etag); err != nil {
		t.Fatal(err)
	}
	if first.Etag == second.Etag {
		t.Fatal("update kept the etag")
	}
	second.DisplayName = "lost update"
	if err := db.UpdateTerritory(ctx, second, second.Etag); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale etag: err = %v, want ErrConflict", err)
	}
	if err := db.UpdateTerritory(ctx, newTerritory("territories/SAS-XX"), "1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown territory: err = %v, want ErrNotFound", err)
	}
	if got, _ := db.GetTerritory(ctx, "territories/SAS-44"); got.DisplayName != "SAS 44" {
		t.Fatalf("got %q", got.DisplayName)
	}
}
