package postgres

import (
	"context"
	"io/fs"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sas-platform/sas/services/platform/migrate"
)

// lockSQL serialises migrations of one schema across replicas; the lock is
// released when the transaction ends.
const lockSQL = "SELECT pg_advisory_xact_lock(hashtext('sas_migrate:' || current_schema()))"

// Migrate applies the migrations of fsys not yet recorded in the current
// schema's schema_migrations, each in its own transaction under an advisory
// lock, so replicas starting together apply each migration once.
func Migrate(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS) error {
	return migrate.Run(ctx, engine{pool}, fsys)
}

// engine is the migrate.Engine of a pgx pool.
type engine struct{ pool *pgxpool.Pool }

func (e engine) Init(ctx context.Context) error {
	return e.locked(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			applied_at TIMESTAMP NOT NULL)`)
		return err
	})
}

func (e engine) Applied(ctx context.Context) (map[int]bool, error) {
	rows, _ := e.pool.Query(ctx, "SELECT version FROM schema_migrations")
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, err
	}
	applied := make(map[int]bool, len(versions))
	for _, v := range versions {
		applied[v] = true
	}
	return applied, nil
}

func (e engine) Apply(ctx context.Context, m migrate.Migration) error {
	return e.locked(ctx, func(tx pgx.Tx) error {
		var done bool
		err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)",
			m.Version).Scan(&done)
		if err != nil || done {
			return err
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
			m.Version, m.Name, time.Now().UTC())
		return err
	})
}

// locked runs fn in a transaction holding the migration lock.
func (e engine) locked(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, e.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockSQL); err != nil {
			return err
		}
		return fn(tx)
	})
}
