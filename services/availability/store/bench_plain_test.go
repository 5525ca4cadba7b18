package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// plainUpsert is the store's INSERT … ON CONFLICT of upsertChunk, reading
// the rows from the temporary table.
const plainUpsert = `INSERT INTO slots (id, vendor, external_id, national_id, start_us, end_us, published, doc,
	version, create_time_us, update_time_us)
	SELECT id, vendor, external_id, national_id, start_us, end_us, published, doc,
	version, create_time_us, update_time_us FROM bench_slots
	ON CONFLICT (vendor, external_id) DO UPDATE SET national_id = excluded.national_id,
	start_us = excluded.start_us, end_us = excluded.end_us, published = excluded.published, doc = excluded.doc,
	version = slots.version + 1, update_time_us = excluded.update_time_us
	WHERE slots.doc <> excluded.doc OR slots.published <> excluded.published`

// plainPath writes slots the plain SQL way on one connection: COPY into a
// temporary table, then one INSERT … SELECT … ON CONFLICT DO UPDATE, in a
// transaction; with outbox, the changed rows' outbox entries in the same
// statement. It skips what the store checks (standings, overlaps) and
// knows each professional's site.
type plainPath struct {
	conn   *pgxpool.Conn
	sites  map[string]string // national id → site name
	outbox bool
}

func newPlainPath(ctx context.Context, pool *pgxpool.Pool, w benchWorld, outbox bool) (*plainPath, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `CREATE TEMP TABLE bench_slots (LIKE slots) ON COMMIT DELETE ROWS`); err != nil {
		conn.Release()
		return nil, err
	}
	p := &plainPath{conn: conn, sites: make(map[string]string, w.pros), outbox: outbox}
	for i := range w.pros {
		p.sites[w.nationalID(i)] = w.site(i).Name
	}
	return p, nil
}

// write stores vendor's slots and returns how many rows changed.
func (p *plainPath) write(ctx context.Context, vendor string, slots []*availabilityv1.Slot) (int64, error) {
	now := time.Now().UnixMicro()
	rows := make([][]any, len(slots))
	for i, s := range slots {
		doc, err := slotDoc(s, p.sites[NationalID(s.GetProfessional())])
		if err != nil {
			return 0, err
		}
		rows[i] = []any{NewID(), vendor, s.GetExternalId(), NationalID(s.GetProfessional()),
			s.GetStartTime().AsTime().UnixMicro(), s.GetEndTime().AsTime().UnixMicro(), true, doc, int64(1), now, now}
	}
	var n int64
	err := pgx.BeginFunc(ctx, p.conn, func(tx pgx.Tx) error {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"bench_slots"}, slotCopyColumns, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		sql, args := plainUpsert, []any(nil)
		if p.outbox {
			sql = `WITH up AS (` + plainUpsert + ` RETURNING id)
				INSERT INTO outbox (kind, key, change_type, change_time_us) SELECT $1, id, $2, $3 FROM up`
			args = []any{KindSlot, int32(commonv1.ChangeType_CHANGE_TYPE_UPSERTED), now}
		}
		tag, err := tx.Exec(ctx, sql, args...)
		n = tag.RowsAffected()
		return err
	})
	return n, err
}
