package store

import (
	"context"
	"database/sql"
	"time"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// Kinds of resources in the outbox.
const (
	kindProfessional = "professional"
	kindSite         = "site"
)

// Change is an outbox entry: what changed, in commit order.
type Change struct {
	Seq  int64
	Name string // resource name
	Type commonv1.ChangeType
	Time time.Time
}

// Changes returns up to limit changes after seq, in order.
func (d *DB) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT seq, name, change_type, change_time_us FROM outbox
		WHERE seq > $1 ORDER BY seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, d.classify(err)
	}
	return collect(rows, func(s scanner) (Change, error) {
		var c Change
		var t int64
		err := s.Scan(&c.Seq, &c.Name, &c.Type, &t)
		c.Time = time.UnixMicro(t)
		return c, err
	})
}

// LastSeq returns the sequence number of the latest change, 0 when none.
func (d *DB) LastSeq(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	err := d.db.QueryRowContext(ctx, `SELECT MAX(seq) FROM outbox`).Scan(&seq)
	return seq.Int64, d.classify(err)
}

// change is a change to append to the outbox.
type change struct {
	kind, name string
	typ        commonv1.ChangeType
	at         time.Time
}

func appendChange(ctx context.Context, tx *sql.Tx, c change) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (kind, name, change_type, change_time_us) VALUES ($1, $2, $3, $4)`,
		c.kind, c.name, int32(c.typ), c.at.UnixMicro())
	return err
}
