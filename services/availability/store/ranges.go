package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/store"
)

// ErrRangeFull reports a range with no place left.
var ErrRangeFull = errors.New("store: range full")

const rangeColumns = `id, orientation_count, published, doc, version, update_time_us`

func scanRange(s scanner) (*availabilityv1.Range, error) {
	var id string
	var count int32
	var published bool
	var doc []byte
	var version, updated int64
	if err := s.Scan(&id, &count, &published, &doc, &version, &updated); err != nil {
		return nil, err
	}
	var r availabilityv1.Range
	if err := proto.Unmarshal(doc, &r); err != nil {
		return nil, fmt.Errorf("range %s: %w", id, err)
	}
	r.Name, r.OrientationCount, r.Published = "ranges/"+id, count, published
	r.UpdateTime, r.Etag = timestamppb.New(time.UnixMicro(updated)), Etag(version)
	return &r, nil
}

func rangeDoc(r *availabilityv1.Range, site string) ([]byte, error) {
	c := proto.Clone(r).(*availabilityv1.Range)
	c.Name, c.OrientationCount, c.Published, c.UpdateTime, c.Etag = "", 0, false, nil, ""
	if c.Place == nil {
		c.Place = &availabilityv1.PracticePlace{}
	}
	c.Place.Site = site
	return marshal(c)
}

// putRange writes r (new when id is unknown) for a standing professional.
func putRange(t *tx, id string, r *availabilityv1.Range, count int32) (*availabilityv1.Range, error) {
	nid := NationalID(r.GetProfessional())
	st, err := standings(t, []string{nid})
	if err != nil {
		return nil, err
	}
	if e := refusal(st, Indexed{0, &availabilityv1.Slot{Professional: r.GetProfessional()}}); e != nil {
		return nil, &RefusedError{*e}
	}
	pl, err := loadPlaces(t, []string{nid})
	if err != nil {
		return nil, err
	}
	site, err := pl.match(nid, r.GetPlace())
	if err != nil {
		return nil, err
	}
	doc, err := rangeDoc(r, site)
	if err != nil {
		return nil, err
	}
	now := t.now.UnixMicro()
	if _, err := t.ExecContext(t.ctx, `INSERT INTO ranges (id, national_id, start_us, end_us, max_patients,
		orientation_count, published, doc, version, update_time_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)
		ON CONFLICT (id) DO UPDATE SET start_us = excluded.start_us, end_us = excluded.end_us,
		max_patients = excluded.max_patients, published = excluded.published, doc = excluded.doc,
		version = ranges.version + 1, update_time_us = excluded.update_time_us`,
		id, nid, r.GetStartTime().AsTime().UnixMicro(), r.GetEndTime().AsTime().UnixMicro(), r.GetMaxPatients(),
		count, st[nid].Published(""), doc, now); err != nil {
		return nil, err
	}
	t.changed(KindRange, id, commonv1.ChangeType_CHANGE_TYPE_UPSERTED)
	t.beforeCommit = append(t.beforeCommit, func() error { return recheck(t, []string{nid}, st) })
	return getRangeTx(t, id)
}

func getRangeTx(t *tx, id string) (*availabilityv1.Range, error) {
	r, err := scanRange(t.QueryRowContext(t.ctx, `SELECT `+rangeColumns+` FROM ranges WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return r, err
}

// CreateRange stores a new range.
func (d *DB) CreateRange(ctx context.Context, k *idempotency.Key, r *availabilityv1.Range) (*availabilityv1.Range, error) {
	out, err := d.write(ctx, k, func(t *tx) (proto.Message, error) { return putRange(t, NewID(), r, 0) })
	if err != nil {
		return nil, err
	}
	return out.(*availabilityv1.Range), nil
}

// GetRange returns the range id.
func (d *DB) GetRange(ctx context.Context, id string) (*availabilityv1.Range, error) {
	var r *availabilityv1.Range
	err := d.read(ctx, func(t *tx) (err error) { r, err = getRangeTx(t, id); return err })
	return r, err
}

// ListRanges returns a professional's ranges after the keyset position, by start.
func (d *DB) ListRanges(ctx context.Context, nationalID string, afterStart int64, afterID string, limit int) ([]*availabilityv1.Range, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+rangeColumns+` FROM ranges WHERE national_id = $1
		AND (start_us > $2 OR (start_us = $3 AND id > $4)) ORDER BY start_us, id LIMIT $5`,
		nationalID, afterStart, afterStart, afterID, limit)
	if err != nil {
		return nil, d.classify(err)
	}
	list, err := collect(rows, scanRange)
	return list, d.classify(err)
}

// UpdateRange changes the range id with change when etag (if set) is current.
func (d *DB) UpdateRange(ctx context.Context, k *idempotency.Key, id, etag string,
	change func(*availabilityv1.Range) error) (*availabilityv1.Range, error) {
	out, err := d.write(ctx, k, func(t *tx) (proto.Message, error) {
		cur, err := getRangeTx(t, id)
		if err != nil {
			return nil, err
		}
		if etag != "" && etag != cur.Etag {
			return nil, store.ErrConflict
		}
		if err := change(cur); err != nil {
			return nil, err
		}
		return putRange(t, id, cur, cur.OrientationCount)
	})
	if err != nil {
		return nil, err
	}
	return out.(*availabilityv1.Range), nil
}

// DeleteRange deletes the range id when etag (if set) is current.
func (d *DB) DeleteRange(ctx context.Context, k *idempotency.Key, id, etag string) error {
	_, err := d.write(ctx, k, func(t *tx) (proto.Message, error) {
		cur, err := getRangeTx(t, id)
		if err != nil {
			return nil, err
		}
		if etag != "" && etag != cur.Etag {
			return nil, store.ErrConflict
		}
		if _, err := t.ExecContext(t.ctx, `DELETE FROM ranges WHERE id = $1`, id); err != nil {
			return nil, err
		}
		t.changed(KindRange, id, commonv1.ChangeType_CHANGE_TYPE_DELETED)
		return nil, nil
	})
	return err
}

// ReserveRangePlace counts the orientation into the range id, once:
// ErrRangeFull when no place is left.
func (d *DB) ReserveRangePlace(ctx context.Context, id, orientation string) (*availabilityv1.Range, error) {
	out, err := d.write(ctx, nil, func(t *tx) (proto.Message, error) {
		var n int
		if err := t.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM range_orientations WHERE range_id = $1 AND orientation = $2`,
			id, orientation).Scan(&n); err != nil {
			return nil, err
		}
		if n > 0 {
			return getRangeTx(t, id)
		}
		// One statement checks and counts, so that two regulators never take the last place both.
		res, err := t.ExecContext(t.ctx, `UPDATE ranges SET orientation_count = orientation_count + 1,
			version = version + 1, update_time_us = $1 WHERE id = $2 AND orientation_count < max_patients`,
			t.now.UnixMicro(), id)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				if _, err = getRangeTx(t, id); err == nil {
					err = ErrRangeFull
				}
			}
			return nil, err
		}
		if _, err := t.ExecContext(t.ctx, `INSERT INTO range_orientations (range_id, orientation) VALUES ($1, $2)`,
			id, orientation); err != nil {
			return nil, err
		}
		t.changed(KindRange, id, commonv1.ChangeType_CHANGE_TYPE_UPSERTED)
		return getRangeTx(t, id)
	})
	if err != nil {
		return nil, err
	}
	return out.(*availabilityv1.Range), nil
}
