// Package sqlitetest gives each test a fresh migrated SQLite database.
package sqlitetest

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/sas-platform/sas/services/platform/sqlite"
)

// New returns a database in a file under t.TempDir() with migrations
// applied (nil means none), closed when t ends.
func New(t testing.TB, migrations fs.FS) *sql.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), migrations)
	if err != nil {
		t.Fatalf("sqlitetest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
