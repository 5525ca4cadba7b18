package orientation

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/migrate"
	"github.com/sas-platform/sas/services/platform/store"
)

//go:embed migrations
var migrations embed.FS

// Migrations returns the versioned schema files of an engine ("postgres" or
// "sqlite") of the search service's database.
func Migrations(engine string) fs.FS { return migrate.Folder(migrations, "migrations/"+engine) }

// requests is the table of idempotent answers.
const requests idempotency.Table = "orientation_requests"

var (
	// ErrSlotHeld reports a slot held by another regulator.
	ErrSlotHeld = errors.New("orientation: slot held by another regulator")
	// ErrSlotTaken reports a slot some orientation already targets.
	ErrSlotTaken = errors.New("orientation: slot already taken by an orientation")
)

// Store keeps orientations, slot holds and idempotent answers in SQL
// (PostgreSQL or SQLite, the same statements with $n placeholders).
type Store struct {
	db       *sql.DB
	classify func(error) error
}

// New wraps db, migrated with Migrations; classify maps engine errors to
// the store sentinels.
func New(db *sql.DB, classify func(error) error) *Store {
	return &Store{db: db, classify: classify}
}

// Answer implements idempotency.Answerer.
func (s *Store) Answer(ctx context.Context, k idempotency.Key) ([]byte, error) {
	raw, err := requests.Answer(ctx, s.db, k)
	if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, idempotency.ErrReused) {
		return nil, s.classify(err)
	}
	return raw, err
}

// ForgetRequests deletes the answers stored before before; it returns how many.
func (s *Store) ForgetRequests(ctx context.Context, before time.Time) (int64, error) {
	n, err := requests.Forget(ctx, s.db, before)
	return n, s.classify(err)
}

// DropExpiredHolds deletes the holds expired at now; it returns how many.
func (s *Store) DropExpiredHolds(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM slot_holds WHERE expire_time_us <= $1`, now.UnixMicro())
	if err != nil {
		return 0, s.classify(err)
	}
	n, err := res.RowsAffected()
	return n, s.classify(err)
}

// inTx runs fn in a transaction; with k, it first claims k's request id
// (idempotency.ErrAnswered when taken) and after fn stores answer with it.
func (s *Store) inTx(ctx context.Context, k *idempotency.Key, now time.Time, answer proto.Message, fn func(*sql.Tx) error) error {
	return store.InTx(ctx, s.db, s.classify, func(tx *sql.Tx) error {
		if k != nil {
			if err := requests.Claim(ctx, tx, s.classify, *k, now); err != nil {
				return err
			}
		}
		if err := fn(tx); err != nil {
			return err
		}
		if k == nil {
			return nil
		}
		return requests.Save(ctx, tx, *k, answer)
	})
}
