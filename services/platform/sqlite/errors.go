package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sas-platform/sas/services/platform/store"
)

// ClassifyError wraps err with the store sentinel matching its SQLite code
// (unique or primary key constraint → store.ErrAlreadyExists, foreign key
// constraint → store.ErrFailedPrecondition, busy or locked →
// store.ErrRetry) and sql.ErrNoRows with store.ErrNotFound. Other errors,
// and nil, are returned unchanged. The original error stays in the chain.
func ClassifyError(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	}
	var sqliteErr *sqlite.Error
	if !errors.As(err, &sqliteErr) {
		return err
	}
	if sentinel := sentinelOf(sqliteErr.Code()); sentinel != nil {
		return fmt.Errorf("%w: %w", sentinel, err)
	}
	return err
}

// sentinelOf maps an extended SQLite result code to a store sentinel, or nil.
func sentinelOf(code int) error {
	switch code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return store.ErrAlreadyExists
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return store.ErrFailedPrecondition
	}
	switch code & 0xff { // primary result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return store.ErrRetry
	}
	return nil
}
