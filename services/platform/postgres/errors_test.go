package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
	"github.com/sas-platform/sas/services/platform/store"
)

func TestClassifyErrorOnServer(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.New(t, "svc", itemsMigrations)
	if _, err := pool.Exec(ctx, "INSERT INTO items (id) VALUES ('a')"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		sql  string
		want error
	}{
		{"unique violation", "INSERT INTO items (id) VALUES ('a')", store.ErrAlreadyExists},
		{"foreign key violation", "INSERT INTO items (id, parent) VALUES ('b', 'nope')", store.ErrFailedPrecondition},
		{"no rows", "SELECT id FROM items WHERE id = 'nope'", store.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var id string
			err := postgres.ClassifyError(pool.QueryRow(ctx, tc.sql).Scan(&id))
			if !errors.Is(err, tc.want) {
				t.Errorf("ClassifyError = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestClassifyErrorCodes(t *testing.T) {
	tests := []struct {
		code string
		want error
	}{
		{"40001", store.ErrRetry},
		{"40P01", store.ErrRetry},
		{"23505", store.ErrAlreadyExists},
		{"23503", store.ErrFailedPrecondition},
	}
	for _, tc := range tests {
		pgErr := &pgconn.PgError{Code: tc.code}
		err := postgres.ClassifyError(fmt.Errorf("query: %w", pgErr))
		var got *pgconn.PgError
		if !errors.Is(err, tc.want) || !errors.As(err, &got) {
			t.Errorf("ClassifyError(%s) = %v, want %v wrapping the PgError", tc.code, err, tc.want)
		}
	}
}

func TestClassifyErrorUnchanged(t *testing.T) {
	other := &pgconn.PgError{Code: "42601"}
	for _, err := range []error{nil, other, context.Canceled} {
		if got := postgres.ClassifyError(err); got != err {
			t.Errorf("ClassifyError(%v) = %v, want it unchanged", err, got)
		}
	}
}
