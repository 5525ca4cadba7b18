package sqlite_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sas-platform/sas/services/platform/sqlite"
	"github.com/sas-platform/sas/services/platform/sqlite/sqlitetest"
	"github.com/sas-platform/sas/services/platform/store"
)

func TestClassifyError(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.New(t, itemsMigrations)
	if _, err := db.ExecContext(ctx, "INSERT INTO items (id) VALUES ('a')"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		sql  string
		want error
	}{
		{"unique violation", "INSERT INTO items (id) VALUES ('a') RETURNING id", store.ErrAlreadyExists},
		{"foreign key violation", "INSERT INTO items (id, parent) VALUES ('b', 'nope') RETURNING id", store.ErrFailedPrecondition},
		{"no rows", "SELECT id FROM items WHERE id = 'nope'", store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var id string
			err := sqlite.ClassifyError(db.QueryRowContext(ctx, tc.sql).Scan(&id))
			if !errors.Is(err, tc.want) {
				t.Errorf("ClassifyError = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestClassifyErrorUnchanged(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.New(t, nil)
	_, syntax := db.ExecContext(ctx, "SELEKT 1")
	for _, err := range []error{nil, syntax, context.Canceled} {
		if got := sqlite.ClassifyError(err); got != err {
			t.Errorf("ClassifyError(%v) = %v, want it unchanged", err, got)
		}
	}
}
