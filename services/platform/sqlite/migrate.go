package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"time"

	"github.com/sas-platform/sas/services/platform/migrate"
)

// Migrate applies the migrations of fsys not yet recorded in
// schema_migrations, each in its own transaction.
func Migrate(ctx context.Context, db *sql.DB, fsys fs.FS) error {
	return migrate.Run(ctx, engine{db}, fsys)
}

// engine is the migrate.Engine of a SQLite database.
type engine struct{ db *sql.DB }

func (e engine) Init(ctx context.Context) error {
	_, err := e.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TIMESTAMP NOT NULL)`)
	return err
}

func (e engine) Applied(ctx context.Context) (map[int]bool, error) {
	rows, err := e.db.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		applied[v] = true
	}
	return applied, rows.Err()
}

func (e engine) Apply(ctx context.Context, m migrate.Migration) error {
	tx, err := e.db.BeginTx(ctx, nil) // IMMEDIATE: holds the write lock
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if err := apply(ctx, tx, m); err != nil {
		return err
	}
	return tx.Commit()
}

func apply(ctx context.Context, tx *sql.Tx, m migrate.Migration) error {
	var done bool
	err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?)",
		m.Version).Scan(&done)
	if err != nil || done {
		return err
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.Version, m.Name, time.Now().UTC())
	return err
}
