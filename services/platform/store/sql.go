package store

import (
	"context"
	"database/sql"
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
