package store

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5/stdlib"
)

// Scanner is a *sql.Row or *sql.Rows.
type Scanner interface{ Scan(dest ...any) error }

// Collect scans every row with scan, then closes rows.
func Collect[T any](rows *sql.Rows, scan func(Scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// InTx runs fn in a transaction, committed when fn returns nil and rolled
// back otherwise; errors go through classify (the engine's ClassifyError).
func InTx(ctx context.Context, db *sql.DB, classify func(error) error, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return classify(err)
	}
	if err := tx.Commit(); err != nil {
		return classify(err)
	}
	return nil
}

// LockOutbox serialises, across processes, the transactions that append to
// the outbox of tx's database until tx ends, so that sequence numbers commit
// in the order they were drawn and a watcher reading after the last one it
// saw never skips one. Replicas of a service share its database: the
// process's own mutex is not enough. On PostgreSQL it is a transaction-level
// advisory lock keyed by the schema (one per service); SQLite serialises
// writers itself.
func LockOutbox(ctx context.Context, db *sql.DB, tx *sql.Tx) error {
	if _, pg := db.Driver().(*stdlib.Driver); !pg {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.outbox'))`)
	return err
}
