package postgres_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

var itemsMigrations = fstest.MapFS{
	"0001_items.sql": {Data: []byte(`
		CREATE TABLE items (id TEXT PRIMARY KEY, parent TEXT REFERENCES items (id));
		CREATE TABLE notes (body TEXT);`)},
}

func TestOpenCreatesSchemaAndSearchPath(t *testing.T) {
	ctx := context.Background()
	base := pgtest.New(t, "base", nil)
	pool, err := postgres.Open(ctx, postgres.Config{URL: base.Config().ConnString(), Schema: "Svc-A"}, itemsMigrations)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var schema string
	if err := pool.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil || schema != "Svc-A" {
		t.Fatalf("current_schema() = %q, %v; want Svc-A", schema, err)
	}
	if _, err := pool.Exec(ctx, "INSERT INTO items (id) VALUES ('a')"); err != nil {
		t.Fatalf("unqualified insert: %v", err)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM "Svc-A".items`).Scan(&n); err != nil || n != 1 {
		t.Fatalf(`"Svc-A".items holds %d rows (%v), want 1`, n, err)
	}
}

func TestOpenTwiceKeepsMigrations(t *testing.T) {
	ctx := context.Background()
	base := pgtest.New(t, "svc", itemsMigrations)
	pool, err := postgres.Open(ctx, postgres.Config{URL: base.Config().ConnString(), Schema: "svc"}, itemsMigrations)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	pool.Close()
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  postgres.Config
	}{
		{"no schema", postgres.Config{URL: pgtest.URL()}},
		{"bad url", postgres.Config{URL: "postgres://%zz", Schema: "s"}},
		{"unreachable", postgres.Config{URL: "postgres://postgres@127.0.0.1:1/x", Schema: "s", ConnectTimeout: time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pool, err := postgres.Open(context.Background(), tc.cfg, nil)
			if err == nil {
				pool.Close()
			}
			if err == nil || !strings.HasPrefix(err.Error(), "open store: ") {
				t.Fatalf("Open = %v, want an open store error", err)
			}
		})
	}
}
