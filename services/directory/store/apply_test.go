package store

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

func pro(id string) *directoryv1.Professional {
	return &directoryv1.Professional{Name: ProfessionalName(id), NationalId: id, Profession: "professions/10", FamilyName: "TEST"}
}

// TestOptOutDuringImport checks, on PostgreSQL, that an opt-out is not held
// back by an import in progress, and that the feed keeps every change once.
// (SQLite has a single writer: there the opt-out waits for the import.)
func TestOptOutDuringImport(t *testing.T) {
	ctx := context.Background()
	db := New(stdlib.OpenDBFromPool(pgtest.New(t, "directory", Migrations("postgres"))), postgres.ClassifyError)
	first, err := db.BeginApply(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.PutProfessional(pro("810000000001"), 1, nil, false); err != nil || first.Commit() != nil {
		t.Fatal(err)
	}
	running, err := db.BeginApply(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := running.PutProfessional(pro("810000000002"), 2, nil, false); err != nil {
		t.Fatal(err)
	}
	running.flush()
	quick, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := db.SetOptOut(quick, "810000000001", true); err != nil {
		t.Fatalf("opt-out while an import runs: %v", err)
	}
	if err := running.Commit(); err != nil {
		t.Fatal(err)
	}
	changes, err := db.Changes(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range changes {
		names = append(names, c.Name)
	}
	want := []string{"professionals/810000000001", "professionals/810000000001", "professionals/810000000002"}
	if len(names) != len(want) || names[1] != want[1] || names[2] != want[2] {
		t.Fatalf("feed %v, want %v", names, want)
	}
}
