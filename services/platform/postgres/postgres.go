package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Open connects a pool to cfg.URL, creates cfg.Schema if it is missing,
// makes it the search_path of every connection and applies migrations
// (nil means none). Queries are traced with OpenTelemetry.
func Open(ctx context.Context, cfg Config, migrations fs.FS) (*pgxpool.Pool, error) {
	pool, err := open(ctx, cfg.withDefaults(), migrations)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return pool, nil
}

func open(ctx context.Context, cfg Config, migrations fs.FS) (*pgxpool.Pool, error) {
	pcfg, err := poolConfig(cfg)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, err
	}
	if err := prepare(ctx, pool, cfg, migrations); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

func poolConfig(cfg Config) (*pgxpool.Config, error) {
	if cfg.Schema == "" {
		return nil, errors.New("schema is required")
	}
	pcfg, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, err
	}
	pcfg.MaxConns = cfg.MaxConns
	pcfg.MinConns = cfg.MinConns
	pcfg.MaxConnLifetime = cfg.MaxConnLifetime
	pcfg.MaxConnLifetimeJitter = cfg.MaxConnLifetimeJitter
	pcfg.MaxConnIdleTime = cfg.MaxConnIdleTime
	pcfg.HealthCheckPeriod = cfg.HealthCheckPeriod
	pcfg.ConnConfig.ConnectTimeout = cfg.ConnectTimeout
	pcfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{cfg.Schema}.Sanitize()
	// Plan every execution with its parameters. pgx prepares statements,
	// and after five runs PostgreSQL may keep a generic plan, blind to the
	// values: for "vendor = $1 AND national_id IN (500 ids)" it scans the
	// vendor's whole index, seconds per batch once a vendor has 300,000
	// slots, where the custom plan takes milliseconds. Planning costs tens
	// of microseconds.
	pcfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	pcfg.ConnConfig.Tracer = otelpgx.NewTracer()
	return pcfg, nil
}

func prepare(ctx context.Context, pool *pgxpool.Pool, cfg Config, migrations fs.FS) error {
	pingCtx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	if err := createSchema(ctx, pool, cfg.Schema); err != nil {
		return fmt.Errorf("create schema %q: %w", cfg.Schema, err)
	}
	return Migrate(ctx, pool, migrations)
}

// createSchema creates the schema under an advisory lock: concurrent
// CREATE SCHEMA IF NOT EXISTS can otherwise fail on a unique violation.
func createSchema(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('sas_create_schema'))"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
		return err
	})
}
