package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sas-platform/sas/services/platform/sqlite"
)

var itemsMigrations = fstest.MapFS{
	"0001_items.sql": {Data: []byte(`
		CREATE TABLE items (id TEXT PRIMARY KEY, parent TEXT REFERENCES items (id));
		CREATE TABLE notes (body TEXT);`)},
}

func TestOpenFile(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "a", "b", "x.db"), itemsMigrations)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "synchronous": "1"} {
		var got string
		if err := db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q (%v), want %q", pragma, got, err, want)
		}
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO items (id) VALUES ('a')"); err != nil {
		t.Fatalf("insert into migrated table: %v", err)
	}
}

func TestOpenMemory(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlite.Memory, itemsMigrations)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "INSERT INTO items (id) VALUES ('a')"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&n); err != nil || n != 1 {
		t.Fatalf("items holds %d rows (%v), want 1", n, err)
	}
}

func TestOpenError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(file, "x.db"), nil)
	if err == nil {
		db.Close()
	}
	if err == nil || !strings.HasPrefix(err.Error(), "open store: ") {
		t.Fatalf("Open under a regular file = %v, want an open store error", err)
	}
}
