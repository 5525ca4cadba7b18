// Package dbtest runs a store's conformance suite on every SQL engine: the
// embedded SQLite and a fresh PostgreSQL database per test.
package dbtest

import (
	"database/sql"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
	"github.com/sas-platform/sas/services/platform/sqlite"
	"github.com/sas-platform/sas/services/platform/sqlite/sqlitetest"
)

// Engine is a migrated database of one engine.
type Engine struct {
	DB       *sql.DB
	Classify func(error) error
}

// Run runs each test on each engine, on a fresh database of schema migrated
// with migrations(engine): the store's conformance suite.
func Run(t *testing.T, schema string, migrations func(engine string) fs.FS, tests map[string]func(*testing.T, Engine)) {
	engines := map[string]func(*testing.T) Engine{
		"sqlite": func(t *testing.T) Engine {
			return Engine{DB: sqlitetest.New(t, migrations("sqlite")), Classify: sqlite.ClassifyError}
		},
		"postgres": func(t *testing.T) Engine {
			db := stdlib.OpenDBFromPool(pgtest.New(t, schema, migrations("postgres")))
			t.Cleanup(func() { db.Close() })
			return Engine{DB: db, Classify: postgres.ClassifyError}
		},
	}
	for engine, open := range engines {
		t.Run(engine, func(t *testing.T) {
			for name, test := range tests {
				t.Run(name, func(t *testing.T) { test(t, open(t)) })
			}
		})
	}
}
