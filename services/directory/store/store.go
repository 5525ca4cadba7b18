// Package store keeps the directory in SQL: PostgreSQL (system of record,
// through pgx) or SQLite (embedded default). One implementation serves both:
// queries use the SQL both engines share, with $n placeholders in increasing
// order. Professionals and sites are kept as their proto encoding beside the
// columns that filters and change detection need.
package store

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"
	"sync"

	"github.com/sas-platform/sas/services/platform/migrate"
	"github.com/sas-platform/sas/services/platform/store"
)

//go:embed migrations
var migrations embed.FS

// Migrations returns the versioned schema files of an engine ("postgres" or "sqlite").
func Migrations(engine string) fs.FS { return migrate.Folder(migrations, "migrations/"+engine) }

// DB is the directory store.
type DB struct {
	db       *sql.DB
	classify func(error) error
	// writes serialises the transactions that append to the outbox, so that
	// sequence numbers commit in order and a watcher never skips one.
	writes sync.Mutex
}

// New wraps db; classify maps engine errors to the store sentinels. One
// process must be the only writer of a directory database.
func New(db *sql.DB, classify func(error) error) *DB {
	return &DB{db: db, classify: classify}
}

// write runs fn in a transaction, serialised with the other writes.
func (d *DB) write(ctx context.Context, fn func(*sql.Tx) error) error {
	d.writes.Lock()
	defer d.writes.Unlock()
	return store.InTx(ctx, d.db, d.classify, fn)
}

type scanner = store.Scanner

// collect scans every row with scan.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	return store.Collect(rows, scan)
}
