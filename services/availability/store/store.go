// Package store keeps availability in SQL: PostgreSQL (system of record,
// through pgx) or SQLite (embedded default), with one implementation: queries
// use the SQL both engines share, with $n placeholders in increasing order.
// Slots, ranges, participations and appointments are kept as their proto
// encoding beside the columns that queries need; every change appends to the
// outbox that the change feed serves.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/migrate"
	"github.com/sas-platform/sas/services/platform/store"
)

//go:embed migrations
var migrations embed.FS

// Migrations returns the versioned schema files of an engine ("postgres" or "sqlite").
func Migrations(engine string) fs.FS { return migrate.Folder(migrations, "migrations/"+engine) }

// requests is the table of idempotent answers.
const requests idempotency.Table = "requests"

// DB is the availability store.
type DB struct {
	db       *sql.DB
	classify func(error) error
	// commits serialises, in this process, the end of the transactions that
	// append to the outbox (outbox insert and commit only), so that sequence
	// numbers commit in order and a watcher never skips one, while the
	// writes before run concurrently; store.LockOutbox does it across the
	// replicas that share the database.
	commits sync.Mutex
	now     func() time.Time
}

// New wraps db; classify maps engine errors to the store sentinels.
func New(db *sql.DB, classify func(error) error) *DB {
	return &DB{db: db, classify: classify, now: time.Now}
}

// SetClock replaces the clock (tests).
func (d *DB) SetClock(now func() time.Time) { d.now = now }

// Answer implements idempotency.Answerer.
func (d *DB) Answer(ctx context.Context, k idempotency.Key) ([]byte, error) {
	raw, err := requests.Answer(ctx, d.db, k)
	if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, idempotency.ErrReused) {
		return nil, d.classify(err)
	}
	return raw, err
}

// ForgetRequests deletes the answers stored before before.
func (d *DB) ForgetRequests(ctx context.Context, before time.Time) (int64, error) {
	n, err := requests.Forget(ctx, d.db, before)
	return n, d.classify(err)
}

// Kinds of resources in the outbox.
const (
	KindSlot          = "slot"
	KindRange         = "range"
	KindParticipation = "participation"
)

// tx is a write in progress: its SQL transaction and the changes it makes.
type tx struct {
	*sql.Tx
	ctx     context.Context
	now     time.Time
	changes []change
	// beforeCommit runs under the commit lock, just before the commit.
	beforeCommit []func() error
}

type protoMessage = proto.Message

type change struct {
	kind, key string
	typ       commonv1.ChangeType
}

func (t *tx) changed(kind, key string, typ commonv1.ChangeType) {
	t.changes = append(t.changes, change{kind, key, typ})
}

// write runs fn in a transaction; with k, it first claims k's request id
// (idempotency.ErrAnswered when taken) and stores fn's answer with it. The
// changes fn records go to the outbox just before the commit.
func (d *DB) write(ctx context.Context, k *idempotency.Key, fn func(*tx) (proto.Message, error)) (proto.Message, error) {
	return d.writeTx(ctx, k, false, fn)
}

// writeLocked is write holding the commit lock all along: for the changes of
// a professional's standing, so that a push checking that standing under the
// same lock before its commit sees it either before or after, never midway.
func (d *DB) writeLocked(ctx context.Context, k *idempotency.Key, fn func(*tx) (proto.Message, error)) (proto.Message, error) {
	return d.writeTx(ctx, k, true, fn)
}

func (d *DB) writeTx(ctx context.Context, k *idempotency.Key, locked bool, fn func(*tx) (proto.Message, error)) (proto.Message, error) {
	sqlTx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, d.classify(err)
	}
	t := &tx{Tx: sqlTx, ctx: ctx, now: d.now()}
	if locked {
		d.commits.Lock()
		defer d.commits.Unlock()
		if err := store.LockOutbox(ctx, d.db, sqlTx); err != nil {
			_ = sqlTx.Rollback()
			return nil, d.classify(err)
		}
	}
	out, err := d.run(t, k, !locked, fn)
	if err != nil {
		_ = sqlTx.Rollback()
		return nil, d.classify(err)
	}
	return out, nil
}

func (d *DB) run(t *tx, k *idempotency.Key, lock bool, fn func(*tx) (proto.Message, error)) (proto.Message, error) {
	if k != nil {
		if err := requests.Claim(t.ctx, t.Tx, d.classify, *k, t.now); err != nil {
			return nil, err
		}
	}
	out, err := fn(t)
	if err != nil {
		return nil, err
	}
	if k != nil {
		if err := requests.Save(t.ctx, t.Tx, *k, out); err != nil {
			return nil, err
		}
	}
	if lock {
		d.commits.Lock()
		defer d.commits.Unlock()
		if err := store.LockOutbox(t.ctx, d.db, t.Tx); err != nil {
			return nil, err
		}
	}
	for _, f := range t.beforeCommit {
		if err := f(); err != nil {
			return nil, err
		}
	}
	if err := appendChanges(t); err != nil {
		return nil, err
	}
	return out, t.Commit()
}

// outboxRows is the most outbox rows one INSERT writes.
const outboxRows = 500

func appendChanges(t *tx) error {
	at := t.now.UnixMicro()
	for start := 0; start < len(t.changes); start += outboxRows {
		batch := t.changes[start:min(start+outboxRows, len(t.changes))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO outbox (kind, key, change_type, change_time_us) VALUES `)
		args := make([]any, 0, 4*len(batch))
		for i, c := range batch {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(placeholders(len(args), 4))
			args = append(args, c.kind, c.key, int32(c.typ), at)
		}
		if _, err := t.ExecContext(t.ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// placeholders returns "($from+1, …, $from+n)".
func placeholders(from, n int) string {
	var sb strings.Builder
	sb.WriteByte('(')
	for i := 1; i <= n; i++ {
		if i > 1 {
			sb.WriteByte(',')
		}
		sb.WriteByte('$')
		sb.WriteString(itoa(from + i))
	}
	sb.WriteByte(')')
	return sb.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// inList returns "$from+1, …, $from+n" for an IN list.
func inList(from, n int) string {
	p := placeholders(from, n)
	return p[1 : len(p)-1]
}

type scanner = store.Scanner

func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	return store.Collect(rows, scan)
}

// marshal encodes m deterministically, so that equal content gives equal bytes.
func marshal(m proto.Message) ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}
