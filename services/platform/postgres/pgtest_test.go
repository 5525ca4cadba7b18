package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

// TestIsolation runs twice in parallel: each copy inserts the same key into
// its own database and sees only its own row.
func TestIsolation(t *testing.T) {
	for _, name := range []string{"first", "second"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			pool := pgtest.New(t, "svc", itemsMigrations)
			if _, err := pool.Exec(ctx, "INSERT INTO items (id) VALUES ('same')"); err != nil {
				t.Fatalf("insert: %v", err)
			}
			var n int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM items").Scan(&n); err != nil || n != 1 {
				t.Fatalf("items holds %d rows (%v), want 1", n, err)
			}
		})
	}
}

// TestMigrateConcurrently applies the same migrations from several
// goroutines at once, as replicas starting together would.
func TestMigrateConcurrently(t *testing.T) {
	pool := pgtest.New(t, "svc", nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if err := postgres.Migrate(context.Background(), pool, itemsMigrations); err != nil {
				t.Errorf("Migrate: %v", err)
			}
		})
	}
	wg.Wait()
	var n int
	if err := pool.QueryRow(context.Background(), "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != 1 {
		t.Fatalf("schema_migrations holds %d rows (%v), want 1", n, err)
	}
}
