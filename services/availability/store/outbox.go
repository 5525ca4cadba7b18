package store

import (
	"context"
	"database/sql"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// Change is an outbox entry with the resource as it is now: nil when it was
// deleted since (a DELETED entry follows then).
type Change struct {
	Seq           int64
	Kind, Key     string
	Type          commonv1.ChangeType
	Time          time.Time
	Slot          *availabilityv1.Slot
	Range         *availabilityv1.Range
	Participation *availabilityv1.Participation
}

// Name is the resource name of what changed.
func (c Change) Name() string {
	switch c.Kind {
	case KindSlot:
		return "slots/" + c.Key
	case KindRange:
		return "ranges/" + c.Key
	default:
		return "professionals/" + c.Key + "/participation"
	}
}

// Changes returns up to limit changes after seq, in order, with their resources.
func (d *DB) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT o.seq, o.kind, o.key, o.change_type, o.change_time_us,
		s.vendor, s.published, s.doc, s.version, s.create_time_us, s.update_time_us,
		r.orientation_count, r.published, r.doc, r.version, r.update_time_us,
		c.doc, c.version, c.update_time_us
		FROM outbox o
		LEFT JOIN slots s ON o.kind = 'slot' AND s.id = o.key
		LEFT JOIN ranges r ON o.kind = 'range' AND r.id = o.key
		LEFT JOIN participations c ON o.kind = 'participation' AND c.national_id = o.key
		WHERE o.seq > $1 ORDER BY o.seq LIMIT $2`, after, limit)
	if err != nil {
		return nil, d.classify(err)
	}
	list, err := collect(rows, scanChange)
	return list, d.classify(err)
}

func scanChange(s scanner) (Change, error) {
	var c Change
	var at int64
	var sVendor sql.NullString
	var sPub, rPub sql.NullBool
	var sDoc, rDoc, cDoc []byte
	var sVer, sCreated, sUpdated, rVer, rUpdated, cVer, cUpdated sql.NullInt64
	var rCount sql.NullInt32
	if err := s.Scan(&c.Seq, &c.Kind, &c.Key, &c.Type, &at, &sVendor, &sPub, &sDoc, &sVer, &sCreated, &sUpdated,
		&rCount, &rPub, &rDoc, &rVer, &rUpdated, &cDoc, &cVer, &cUpdated); err != nil {
		return c, err
	}
	c.Time = time.UnixMicro(at)
	var err error
	switch {
	case c.Type == commonv1.ChangeType_CHANGE_TYPE_DELETED:
	case c.Kind == KindSlot && sDoc != nil:
		c.Slot, err = slotOf(c.Key, sVendor.String, sPub.Bool, sDoc, sVer.Int64, sCreated.Int64, sUpdated.Int64)
	case c.Kind == KindRange && rDoc != nil:
		c.Range, err = scanRange(values{c.Key, rCount.Int32, rPub.Bool, rDoc, rVer.Int64, rUpdated.Int64})
	case c.Kind == KindParticipation && cDoc != nil:
		c.Participation, err = decodeParticipation(c.Key, cDoc)
		if err == nil {
			c.Participation.Name = c.Name()
			c.Participation.UpdateTime, c.Participation.Etag = timestamppb.New(time.UnixMicro(cUpdated.Int64)), Etag(cVer.Int64)
		}
	}
	return c, err
}

// values is a row already read, scanned again.
type values []any

func (v values) Scan(dest ...any) error {
	for i, d := range dest {
		switch p := d.(type) {
		case *string:
			*p = v[i].(string)
		case *int32:
			*p = v[i].(int32)
		case *int64:
			*p = v[i].(int64)
		case *bool:
			*p = v[i].(bool)
		case *[]byte:
			*p = v[i].([]byte)
		}
	}
	return nil
}

// LastSeq returns the sequence number of the latest change, 0 when none.
func (d *DB) LastSeq(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	err := d.db.QueryRowContext(ctx, `SELECT MAX(seq) FROM outbox`).Scan(&seq)
	return seq.Int64, d.classify(err)
}

// FirstSeq returns the sequence number of the oldest change kept, 0 when none.
func (d *DB) FirstSeq(ctx context.Context) (int64, error) {
	var seq sql.NullInt64
	err := d.db.QueryRowContext(ctx, `SELECT MIN(seq) FROM outbox`).Scan(&seq)
	return seq.Int64, d.classify(err)
}

// PurgeOutbox deletes the changes made before before, keeping the latest
// one so that sequence numbers never restart.
func (d *DB) PurgeOutbox(ctx context.Context, before time.Time) (int64, error) {
	res, err := d.db.ExecContext(ctx, `DELETE FROM outbox WHERE change_time_us < $1
		AND seq < (SELECT MAX(seq) FROM outbox)`, before.UnixMicro())
	if err != nil {
		return 0, d.classify(err)
	}
	return res.RowsAffected()
}

// AllSlots returns slots by id after afterID: the change feed's snapshot.
func (d *DB) AllSlots(ctx context.Context, afterID string, limit int) ([]*availabilityv1.Slot, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+slotColumns+` FROM slots WHERE id > $1 ORDER BY id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, d.classify(err)
	}
	list, err := collect(rows, scanSlot)
	return list, d.classify(err)
}

// AllRanges returns ranges by id after afterID.
func (d *DB) AllRanges(ctx context.Context, afterID string, limit int) ([]*availabilityv1.Range, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+rangeColumns+` FROM ranges WHERE id > $1 ORDER BY id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, d.classify(err)
	}
	list, err := collect(rows, scanRange)
	return list, d.classify(err)
}

// AllParticipations returns the participations set, by national id after afterID.
func (d *DB) AllParticipations(ctx context.Context, afterID string, limit int) ([]*availabilityv1.Participation, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT national_id, doc, version, update_time_us FROM participations
		WHERE national_id > $1 ORDER BY national_id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, d.classify(err)
	}
	list, err := collect(rows, func(s scanner) (*availabilityv1.Participation, error) {
		var id string
		var doc []byte
		var version, updated int64
		if err := s.Scan(&id, &doc, &version, &updated); err != nil {
			return nil, err
		}
		p, err := decodeParticipation(id, doc)
		if err != nil {
			return nil, err
		}
		p.Name = "professionals/" + id + "/participation"
		p.UpdateTime, p.Etag = timestamppb.New(time.UnixMicro(updated)), Etag(version)
		return p, nil
	})
	return list, d.classify(err)
}
