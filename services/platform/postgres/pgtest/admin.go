package pgtest

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// connect opens a connection to URL(), failing t loudly when the server is
// unreachable.
func connect(ctx context.Context, t testing.TB) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(URL())
	if err != nil {
		t.Fatalf("pgtest: parse %s: %v", redacted(), err)
	}
	cfg.ConnectTimeout = 5 * time.Second
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("pgtest: PostgreSQL unreachable at %s (set SAS_TEST_POSTGRES_URL to use another): %v\n%s",
			redacted(), err, startHint)
	}
	return conn
}

// adminExec runs one statement on a connection to URL().
func adminExec(ctx context.Context, t testing.TB, sql string) {
	t.Helper()
	conn := connect(ctx, t)
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}

// redacted returns URL() with any password masked.
func redacted() string {
	u, err := url.Parse(URL())
	if err != nil {
		return "SAS_TEST_POSTGRES_URL (unparsable)"
	}
	return u.Redacted()
}
