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
	// writes serialises, in this process, the transactions that append to
	// the outbox, so that sequence numbers commit in order and a watcher
	// never skips one; store.LockOutbox does it across the replicas that
	// share the database.
	writes sync.Mutex
}

// New wraps db; classify maps engine errors to the store sentinels.
func New(db *sql.DB, classify func(error) error) *DB {
	return &DB{db: db, classify: classify}
}

// write runs fn in a transaction, then appends the changes fn returns to
// the outbox and commits, holding the outbox locks (this process's and the
// database's) from that insert to the commit only: a write waiting for a row
// that an import holds then never holds the lock the import's commit needs.
func (d *DB) write(ctx context.Context, fn func(*sql.Tx) ([]change, error)) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return d.classify(err)
	}
	if err := d.publish(ctx, tx, fn); err != nil {
		_ = tx.Rollback()
		return d.classify(err)
	}
	return nil
}

func (d *DB) publish(ctx context.Context, tx *sql.Tx, fn func(*sql.Tx) ([]change, error)) error {
	changes, err := fn(tx)
	if err != nil {
		return err
	}
	if len(changes) == 0 {
		return tx.Commit()
	}
	d.writes.Lock()
	defer d.writes.Unlock()
	if err := store.LockOutbox(ctx, d.db, tx); err != nil {
		return err
	}
	for _, c := range changes {
		if err := appendChange(ctx, tx, c); err != nil {
			return err
		}
	}
	return tx.Commit()
}

type scanner = store.Scanner

// collect scans every row with scan.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	return store.Collect(rows, scan)
}
