package migrate_test

import (
	"context"
	"database/sql"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
	"github.com/sas-platform/sas/services/platform/sqlite"
	"github.com/sas-platform/sas/services/platform/sqlite/sqlitetest"
)

// engine is one database the shared cases run against: db reads it back
// and migrate applies migrations to it.
type engine struct {
	db      *sql.DB
	migrate func(fs.FS) error
}

// engines open a fresh, empty database of each engine.
var engines = map[string]func(t *testing.T) engine{
	"sqlite": func(t *testing.T) engine {
		db := sqlitetest.New(t, nil)
		return engine{db, func(f fs.FS) error { return sqlite.Migrate(context.Background(), db, f) }}
	},
	"postgres": func(t *testing.T) engine {
		pool := pgtest.New(t, "migtest", nil)
		db := stdlib.OpenDBFromPool(pool)
		t.Cleanup(func() { db.Close() })
		return engine{db, func(f fs.FS) error { return postgres.Migrate(context.Background(), pool, f) }}
	},
}
