package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/platform/dbtest"
	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

func pro(id string) *directoryv1.Professional {
	return &directoryv1.Professional{Name: ProfessionalName(id), NationalId: id, Profession: "professions/10", FamilyName: "TEST"}
}

// importPros imports professionals of these national ids in one import.
func importPros(t *testing.T, db *DB, ids ...string) {
	t.Helper()
	a, err := db.BeginApply(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if err := a.PutProfessional(pro(id), uint64(i+1), nil, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestOptOutDuringImport checks, on PostgreSQL, that an opt-out is not held
// back by an import in progress, and that the feed keeps every change once.
// (SQLite has a single writer: there the opt-out waits for the import.)
func TestOptOutDuringImport(t *testing.T) {
	ctx := context.Background()
	db := New(stdlib.OpenDBFromPool(pgtest.New(t, "directory", Migrations("postgres"))), postgres.ClassifyError)
	importPros(t, db, "810000000001")
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

// TestOptOutOfAProfessionalBeingImported checks, on PostgreSQL, that an
// opt-out of a professional that an import in progress has written waits
// for the import's commit, and that the commit does not wait for it.
func TestOptOutOfAProfessionalBeingImported(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	db := New(stdlib.OpenDBFromPool(pgtest.New(t, "directory", Migrations("postgres"))), postgres.ClassifyError)
	importPros(t, db, "810000000001")
	running, err := db.BeginApply(ctx)
	if err != nil {
		t.Fatal(err)
	}
	changed := pro("810000000001")
	changed.FamilyName = "RENAMED"
	if err := running.PutProfessional(changed, 2, nil, false); err != nil {
		t.Fatal(err)
	}
	running.flush()
	optOut := make(chan error, 1)
	go func() { _, err := db.SetOptOut(ctx, "810000000001", true); optOut <- err }()
	time.Sleep(200 * time.Millisecond) // the opt-out now waits for the row
	committed := make(chan error, 1)
	go func() { committed <- running.Commit() }()
	for _, c := range []struct {
		what string
		ch   chan error
	}{{"import commit", committed}, {"opt-out", optOut}} {
		select {
		case err := <-c.ch:
			if err != nil {
				t.Fatalf("%s: %v", c.what, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still waiting after 10 s", c.what)
		}
	}
	got, err := db.GetProfessional(ctx, "810000000001")
	if err != nil || !got.GetOptedOut() || got.GetFamilyName() != "RENAMED" {
		t.Fatalf("after both: %v, %v", got, err)
	}
}

// TestReplicasFeedSkipsNothing runs two stores on one PostgreSQL database,
// as two replicas of the service do, changing opt-outs at once while a
// watcher follows the change feed as Watch does: no change may commit
// behind one the watcher already passed.
func TestReplicasFeedSkipsNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool := pgtest.New(t, "directory", Migrations("postgres"))
	replicas := []*DB{New(stdlib.OpenDBFromPool(pool), postgres.ClassifyError), New(stdlib.OpenDBFromPool(pool), postgres.ClassifyError)}
	importPros(t, replicas[0], "810000000000", "810000000001", "810000000002", "810000000003")
	stop := time.Now().Add(2 * time.Second)
	var writers []func()
	for w := range 4 {
		writers = append(writers, func() {
			for i := 0; time.Now().Before(stop); i++ {
				if _, err := replicas[w%2].SetOptOut(ctx, fmt.Sprintf("81000000000%d", w), i%2 == 0); err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}
	dbtest.FollowFeed(t, 100, func(after int64) ([]Change, error) { return replicas[1].Changes(ctx, after, 1000) },
		func(c Change) int64 { return c.Seq }, writers...)
}
