package store

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"google.golang.org/protobuf/proto"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

// TestSitePutTwice checks, on PostgreSQL, that a site put twice in one import
// (lines of one site that differ) keeps its last content and is published
// once: in one batch or in two, loaded into an empty directory or written
// over a stored one.
func TestSitePutTwice(t *testing.T) {
	for _, tt := range []struct {
		name         string
		stored, loop bool
	}{{"load, one batch", false, false}, {"load, two batches", false, true}, {"write, one batch", true, false}} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := New(stdlib.OpenDBFromPool(pgtest.New(t, "directory", Migrations("postgres"))), postgres.ClassifyError)
			if tt.stored {
				apply(t, db, func(a *Apply) { putSite(t, a, "sites/other", "01") })
			}
			seq, err := db.LastSeq(ctx)
			if err != nil {
				t.Fatal(err)
			}
			apply(t, db, func(a *Apply) {
				if a.load == tt.stored {
					t.Fatalf("load %v over a stored directory %v", a.load, tt.stored)
				}
				putSite(t, a, "sites/a", "01")
				if tt.loop {
					a.flush()
				}
				putSite(t, a, "sites/a", "02")
			})
			got, err := db.GetSite(ctx, "sites/a")
			if err != nil || got.Phone != "02" {
				t.Fatalf("site: %v, %v; want the phone of its last put", got, err)
			}
			changes, err := db.Changes(ctx, seq, 10)
			if err != nil || len(changes) != 1 || changes[0].Name != "sites/a" {
				t.Fatalf("changes %v, %v; want sites/a once", changes, err)
			}
		})
	}
}

func apply(t *testing.T, db *DB, fn func(*Apply)) {
	t.Helper()
	a, err := db.BeginApply(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fn(a)
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
}

func putSite(t *testing.T, a *Apply, name, phone string) {
	t.Helper()
	s := &directoryv1.Site{Name: name, Phone: phone}
	doc, err := proto.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.PutSite(s, doc, uint64(len(phone)+int(phone[1])), "44", "44109"); err != nil {
		t.Fatal(err)
	}
}

// TestLoadKeepsReadersGoing checks, on PostgreSQL, that lookups answer while
// a first import loads, that a rolled back load leaves nothing, and that the
// loaded rows replace the empty tables at commit.
func TestLoadKeepsReadersGoing(t *testing.T) {
	ctx := context.Background()
	db := New(stdlib.OpenDBFromPool(pgtest.New(t, "directory", Migrations("postgres"))), postgres.ClassifyError)
	for _, commit := range []bool{false, true} {
		a, err := db.BeginApply(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.PutProfessional(pro("810000000001"), 1, []ActivityRow{{Site: "sites/a", Departement: "44"}}, false); err != nil {
			t.Fatal(err)
		}
		a.flush()
		quick, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err = db.ListProfessionals(quick, ProfessionalQuery{Departement: "44", Limit: 10})
		cancel()
		if err != nil {
			t.Fatalf("lookup while a load runs: %v", err)
		}
		if !commit {
			a.Rollback()
			continue
		}
		if err := a.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.ListProfessionals(ctx, ProfessionalQuery{Departement: "44", Limit: 10})
	if err != nil || len(got) != 1 || got[0].Etag != "1" || !got[0].Active {
		t.Fatalf("after the load: %v, %v", got, err)
	}
}
