package sqlite

import (
	"testing"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sas-platform/sas/services/platform/store"
)

func TestSentinelOf(t *testing.T) {
	tests := []struct {
		code int
		want error
	}{
		{sqlite3.SQLITE_BUSY, store.ErrRetry},
		{sqlite3.SQLITE_BUSY_SNAPSHOT, store.ErrRetry},
		{sqlite3.SQLITE_LOCKED, store.ErrRetry},
		{sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, store.ErrAlreadyExists},
		{sqlite3.SQLITE_CONSTRAINT_NOTNULL, nil},
		{sqlite3.SQLITE_ERROR, nil},
	}
	for _, tc := range tests {
		if got := sentinelOf(tc.code); got != tc.want {
			t.Errorf("sentinelOf(%d) = %v, want %v", tc.code, got, tc.want)
		}
	}
}
