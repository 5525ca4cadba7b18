package orientation

import (
	"context"
	"database/sql"
	"time"
)

// HoldSlot takes, or extends, the hold of slot by holder until until:
// ErrSlotTaken when an orientation targets the slot, ErrSlotHeld when
// another holder's hold is alive at now.
func (s *Store) HoldSlot(ctx context.Context, slot, holder string, now, until time.Time) error {
	return s.inTx(ctx, nil, now, nil, func(tx *sql.Tx) error {
		if err := checkUntaken(ctx, tx, slot); err != nil {
			return err
		}
		return hold(ctx, tx, slot, holder, now, until)
	})
}

// checkUntaken fails with ErrSlotTaken when an orientation targets slot.
func checkUntaken(ctx context.Context, tx *sql.Tx, slot string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM orientations WHERE slot = $1`, slot).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrSlotTaken
	}
	return nil
}

// hold writes the hold in one statement, which inserts it, or replaces it
// only when it is the holder's own or has expired: of two regulators
// racing for a slot, the second finds the first's hold (PostgreSQL locks
// the row until the first commits; SQLite runs one writer at a time).
func hold(ctx context.Context, tx *sql.Tx, slot, holder string, now, until time.Time) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO slot_holds (slot, holder, expire_time_us) VALUES ($1, $2, $3)
		ON CONFLICT (slot) DO UPDATE SET holder = excluded.holder, expire_time_us = excluded.expire_time_us
		WHERE slot_holds.holder = excluded.holder OR slot_holds.expire_time_us <= $4`,
		slot, holder, until.UnixMicro(), now.UnixMicro())
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrSlotHeld
	}
	return nil
}

// LiveHolds returns the holds alive at now: slot name → end of its hold.
func (s *Store) LiveHolds(ctx context.Context, now time.Time) (map[string]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT slot, expire_time_us FROM slot_holds WHERE expire_time_us > $1`, now.UnixMicro())
	if err != nil {
		return nil, s.classify(err)
	}
	defer rows.Close()
	holds := map[string]time.Time{}
	for rows.Next() {
		var slot string
		var until int64
		if err := rows.Scan(&slot, &until); err != nil {
			return nil, s.classify(err)
		}
		holds[slot] = time.UnixMicro(until)
	}
	return holds, s.classify(rows.Err())
}
