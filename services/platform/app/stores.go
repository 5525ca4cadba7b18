package app

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sas-platform/sas/services/platform/cache"
	"github.com/sas-platform/sas/services/platform/cache/memory"
	"github.com/sas-platform/sas/services/platform/cache/rediscache"
	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/sqlite"
)

// memoryCacheEntries bounds the in-process cache.
const memoryCacheEntries = 100_000

// DB is a service's database, migrated.
type DB struct {
	// SQL serves both engines (PostgreSQL through pgx's database/sql driver).
	SQL *sql.DB
	// Pool is the pgx pool on PostgreSQL, for bulk paths (COPY); nil on SQLite.
	Pool *pgxpool.Pool
	// Engine is "postgres" or "sqlite".
	Engine string
	// Classify maps engine errors to the store sentinels.
	Classify func(error) error
}

// OpenDB opens the database of service: its own schema on PostgreSQL when a
// URL is set, else DataDir/<service>.db; migrations gives each engine's files.
func (a *App) OpenDB(ctx context.Context, service string, migrations func(engine string) fs.FS) (*DB, error) {
	if a.PostgresURL == "" {
		path := filepath.Join(a.DataDir, service+".db")
		db, err := sqlite.Open(ctx, path, migrations("sqlite"))
		if err != nil {
			return nil, fmt.Errorf("open %s store: %w", service, err)
		}
		a.OnClose(service+" store", func(context.Context) error { return db.Close() })
		return &DB{SQL: db, Engine: "sqlite", Classify: sqlite.ClassifyError}, nil
	}
	pool, err := postgres.Open(ctx, postgres.Config{URL: a.PostgresURL, Schema: service}, migrations("postgres"))
	if err != nil {
		return nil, fmt.Errorf("open %s store: %w", service, err)
	}
	db := stdlib.OpenDBFromPool(pool)
	a.OnClose(service+" store", func(context.Context) error { err := db.Close(); pool.Close(); return err })
	return &DB{SQL: db, Pool: pool, Engine: "postgres", Classify: postgres.ClassifyError}, nil
}

// OpenCache opens Redis when a URL is set, else an in-process cache.
func (a *App) OpenCache(ctx context.Context) (cache.Cache, error) {
	var c cache.Cache = memory.New(memoryCacheEntries)
	if a.RedisURL != "" {
		rc, err := rediscache.New(ctx, rediscache.Config{URL: a.RedisURL, Prefix: "sas:"})
		if err != nil {
			return nil, fmt.Errorf("open cache: %w", err)
		}
		c = rc
	}
	a.OnClose("cache", func(context.Context) error { return c.Close() })
	return c, nil
}
