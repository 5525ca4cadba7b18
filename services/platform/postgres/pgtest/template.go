package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sas-platform/sas/services/platform/migrate"
	"github.com/sas-platform/sas/services/platform/postgres"
)

// templateLock serialises template builds across test binaries.
const templateLock = "SELECT pg_advisory_lock(hashtext('sas_pgtest_template'))"

// ensureTemplate returns the name of the migrated template database for
// schema and migrations, building it if no test binary has yet.
func ensureTemplate(ctx context.Context, t testing.TB, schema string, migrations fs.FS) string {
	t.Helper()
	name := templateName(t, schema, migrations)
	conn := connect(ctx, t)
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, templateLock); err != nil {
		t.Fatalf("pgtest: lock templates: %v", err)
	}
	if err := build(ctx, t, conn, name, schema, migrations); err != nil {
		t.Fatalf("pgtest: template %s: %v", name, err)
	}
	return name
}

// build creates the template under a temporary name and renames it once it
// is migrated, so a crash never leaves a half-built template behind.
func build(ctx context.Context, t testing.TB, conn *pgx.Conn, name, schema string, migrations fs.FS) error {
	var exists bool
	err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists)
	if err != nil || exists {
		return err
	}
	tmp := name + "_tmp"
	if err := execAll(ctx, conn, "DROP DATABASE IF EXISTS "+quote(tmp)+" WITH (FORCE)",
		"CREATE DATABASE "+quote(tmp)); err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, postgres.Config{URL: withDatabase(t, tmp), Schema: schema, MaxConns: 2}, migrations)
	if err != nil {
		return errors.Join(err, execAll(ctx, conn, "DROP DATABASE "+quote(tmp)+" WITH (FORCE)"))
	}
	pool.Close()
	return execAll(ctx, conn, "ALTER DATABASE "+quote(tmp)+" RENAME TO "+quote(name))
}

func execAll(ctx context.Context, conn *pgx.Conn, sqls ...string) error {
	for _, sql := range sqls {
		if _, err := conn.Exec(ctx, sql); err != nil {
			return fmt.Errorf("%s: %w", sql, err)
		}
	}
	return nil
}

// templateName derives the template name from schema and the migrations'
// names and contents.
func templateName(t testing.TB, schema string, migrations fs.FS) string {
	t.Helper()
	ms, err := migrate.Files(migrations)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%q\n", schema)
	for _, m := range ms {
		fmt.Fprintf(h, "%q %q\n", m.Name, m.SQL)
	}
	return "sas_tpl_" + hex.EncodeToString(h.Sum(nil))[:16]
}
