package pgtest

import (
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

// NewEmpty creates a fresh, empty database, dropped when t ends, and returns
// its URL: for tests of a whole process that migrates its own schemas.
func NewEmpty(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := "sas_t_" + strings.ToLower(rand.Text()[:16])
	adminExec(ctx, t, "CREATE DATABASE "+quote(name))
	t.Cleanup(func() { dropDatabase(t, name) })
	return withDatabase(t, name)
}
