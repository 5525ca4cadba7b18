// Package store keeps the accounts service's data in SQL: PostgreSQL (the
// system of record in production, through pgx) or SQLite (the embedded
// default). One implementation serves both: the queries use the SQL both
// engines share, with $n placeholders in increasing order.
package store

import (
	"database/sql"
	"embed"
	"io/fs"

	"github.com/sas-platform/sas/services/platform/migrate"
)

//go:embed migrations
var migrations embed.FS

// Migrations returns the versioned schema files of an engine ("postgres" or "sqlite").
func Migrations(engine string) fs.FS { return migrate.Folder(migrations, "migrations/"+engine) }

// DB is the accounts store over a database/sql handle.
type DB struct {
	db       *sql.DB
	classify func(error) error
}

// New wraps db; classify maps engine errors to the store sentinels.
func New(db *sql.DB, classify func(error) error) *DB {
	return &DB{db: db, classify: classify}
}
