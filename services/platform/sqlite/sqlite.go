// Package sqlite opens a SQLite database with modernc.org/sqlite (pure Go,
// no cgo), applies its migrations and classifies constraint errors. It is
// the single-process engine for development and tests.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Memory is the path of a private in-memory database.
const Memory = ":memory:"

// pragmas apply to every connection. Transactions begin IMMEDIATE so two
// writers wait on busy_timeout instead of failing on a lock upgrade.
const pragmas = "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"

// Open opens the database at path, creating it and its parent directory if
// needed, and applies migrations (nil means none). Path Memory opens an
// in-memory database held by a single connection.
func Open(ctx context.Context, path string, migrations fs.FS) (*sql.DB, error) {
	db, err := open(ctx, path, migrations)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return db, nil
}

func open(ctx context.Context, path string, migrations fs.FS) (*sql.DB, error) {
	if path != Memory {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open("sqlite", path+pragmas)
	if err != nil {
		return nil, err
	}
	if path == Memory {
		db.SetMaxOpenConns(1) // each connection would get its own database
	}
	if err := prepare(ctx, db, migrations); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func prepare(ctx context.Context, db *sql.DB, migrations fs.FS) error {
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return Migrate(ctx, db, migrations)
}
