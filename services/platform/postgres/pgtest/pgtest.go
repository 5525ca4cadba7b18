// Package pgtest gives each test a fresh PostgreSQL database copied from a
// migrated template, dropped when the test ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sas-platform/sas/services/platform/postgres"
)

// DefaultURL is the server used when SAS_TEST_POSTGRES_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

const startHint = "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"

// URL returns the test server URL: $SAS_TEST_POSTGRES_URL or DefaultURL.
func URL() string {
	if u := os.Getenv("SAS_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// New returns a pool on a fresh database whose schema has the migrations
// applied. The database is a copy of a template built once per schema and
// migrations content, and is dropped when t ends.
func New(t testing.TB, schema string, migrations fs.FS) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tpl := ensureTemplate(ctx, t, schema, migrations)
	name := "sas_t_" + strings.ToLower(rand.Text()[:16])
	adminExec(ctx, t, "CREATE DATABASE "+quote(name)+" TEMPLATE "+quote(tpl))
	t.Cleanup(func() { dropDatabase(t, name) })
	pool, err := postgres.Open(ctx, postgres.Config{URL: withDatabase(t, name), Schema: schema, MaxConns: 4}, nil)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func dropDatabase(t testing.TB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adminExec(ctx, t, "DROP DATABASE IF EXISTS "+quote(name)+" WITH (FORCE)")
}

// withDatabase returns URL() pointing at database name.
func withDatabase(t testing.TB, name string) string {
	u, err := url.Parse(URL())
	if err != nil {
		t.Fatalf("pgtest: parse %s: %v", redacted(), err)
	}
	u.Path = "/" + name
	return u.String()
}

func quote(name string) string { return pgx.Identifier{name}.Sanitize() }
