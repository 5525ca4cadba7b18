// Package postgres opens a traced pgx pool on a service's own PostgreSQL
// schema, applies its migrations and classifies SQLSTATE errors.
package postgres

import "time"

// Config configures Open. Zero fields take the defaults documented on them;
// URL and Schema are required.
type Config struct {
	// URL is a pgx connection string, e.g.
	// postgres://user@127.0.0.1:5432/sas?sslmode=disable.
	URL string
	// Schema is the service's own schema: created if missing and set as the
	// connections' search_path.
	Schema string
	// MaxConns defaults to 16.
	MaxConns int32
	// MinConns defaults to 0.
	MinConns int32
	// MaxConnLifetime defaults to 30m.
	MaxConnLifetime time.Duration
	// MaxConnLifetimeJitter defaults to 5m, so connections are not all
	// recycled at once.
	MaxConnLifetimeJitter time.Duration
	// MaxConnIdleTime defaults to 5m.
	MaxConnIdleTime time.Duration
	// HealthCheckPeriod defaults to 30s.
	HealthCheckPeriod time.Duration
	// ConnectTimeout bounds each dial and the initial ping; defaults to 5s.
	ConnectTimeout time.Duration
}

// Defaults of Config.
const (
	DefaultMaxConns              = 16
	DefaultMaxConnLifetime       = 30 * time.Minute
	DefaultMaxConnLifetimeJitter = 5 * time.Minute
	DefaultMaxConnIdleTime       = 5 * time.Minute
	DefaultHealthCheckPeriod     = 30 * time.Second
	DefaultConnectTimeout        = 5 * time.Second
)

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	setDefault(&c.MaxConns, DefaultMaxConns)
	setDefault(&c.MaxConnLifetime, DefaultMaxConnLifetime)
	setDefault(&c.MaxConnLifetimeJitter, DefaultMaxConnLifetimeJitter)
	setDefault(&c.MaxConnIdleTime, DefaultMaxConnIdleTime)
	setDefault(&c.HealthCheckPeriod, DefaultHealthCheckPeriod)
	setDefault(&c.ConnectTimeout, DefaultConnectTimeout)
	return c
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}
