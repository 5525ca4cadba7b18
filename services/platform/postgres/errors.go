package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sas-platform/sas/services/platform/store"
)

// sqlstates maps the SQLSTATE codes that services react to onto the store
// sentinels.
var sqlstates = map[string]error{
	"23505": store.ErrAlreadyExists,      // unique_violation
	"23503": store.ErrFailedPrecondition, // foreign_key_violation
	"40001": store.ErrRetry,              // serialization_failure
	"40P01": store.ErrRetry,              // deadlock_detected
}

// ClassifyError wraps err with the store sentinel matching its SQLSTATE
// (unique violation → store.ErrAlreadyExists, foreign key violation →
// store.ErrFailedPrecondition, serialization failure or deadlock →
// store.ErrRetry) and pgx.ErrNoRows with store.ErrNotFound. Other errors,
// and nil, are returned unchanged. The original error stays in the chain.
func ClassifyError(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return err
	}
	if sentinel, ok := sqlstates[pgErr.Code]; ok {
		return fmt.Errorf("%w: %w", sentinel, err)
	}
	return err
}
