package store

import (
	"context"
	"database/sql"
	"time"

	"google.golang.org/protobuf/proto"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

// Transition is a lifecycle change an admin makes.
type Transition int

// Transitions.
const (
	// Suspend: invited or active → suspended (no-op when suspended).
	Suspend Transition = iota + 1
	// Reactivate: suspended → active (invited if it never signed in); it
	// also clears the inactive flag and restarts the inactivity period.
	Reactivate
	// Delete: → deleted, the personal data erased at once (a tombstone
	// remains for counts); no-op when deleted.
	Delete
)

// ChangeState applies t to account id when its etag is etag ("" for any)
// and returns the account. A deleted account can be neither suspended nor
// reactivated: store.ErrFailedPrecondition.
func (d *DB) ChangeState(ctx context.Context, id, etag string, t Transition, r *Request) (*accountsv1.Account, error) {
	got, err := d.write(ctx, r, func(tx *sql.Tx) (proto.Message, string, error) {
		cur, err := d.lockAccount(ctx, tx, id, etag)
		if err != nil {
			return nil, "", err
		}
		now := time.Now().Truncate(time.Microsecond)
		switch {
		case t == Delete && cur.State != deleted:
			err = tombstone(ctx, tx, id, now, false)
		case t == Delete:
		case cur.State == deleted:
			return nil, "", store.ErrFailedPrecondition
		case t == Suspend && cur.State != suspended:
			err = setState(ctx, tx, id, now, `state = $1`, int32(suspended))
		case t == Reactivate && (cur.State == suspended || cur.Inactive):
			to := active
			if cur.LastSignInTime == nil {
				to = invited
			}
			err = setState(ctx, tx, id, now, `state = $1, inactive = false, inactive_since_us = 0, clock_us = $2`,
				int32(to), now.UnixMicro())
		}
		if err != nil {
			return nil, "", err
		}
		after, err := d.accountWhere(ctx, tx, `id = $1`, id)
		return after, id, err
	})
	if err != nil {
		return nil, err
	}
	return got.(*accountsv1.Account), nil
}

// EraseAccount removes the personal data of account id (right to erasure):
// names, city, profession and national id cleared, e-mail replaced by a
// placeholder, state deleted, its grants (given and received) and stored
// answers deleted. Role, territory, département, région and times remain,
// for counts.
func (d *DB) EraseAccount(ctx context.Context, id string, r *Request) error {
	_, err := d.write(ctx, r, func(tx *sql.Tx) (proto.Message, string, error) {
		if _, err := d.lockAccount(ctx, tx, id, ""); err != nil {
			return nil, "", err
		}
		return nil, id, tombstone(ctx, tx, id, time.Now().Truncate(time.Microsecond), true)
	})
	return err
}

// ErasedEmail is the placeholder e-mail of an erased account: reserved
// domain (RFC 2606), unique, saying nothing of the person.
func ErasedEmail(id string) string { return id + "@erased.invalid" }

// tombstone erases the personal data of account id, in tx.
func tombstone(ctx context.Context, tx *sql.Tx, id string, now time.Time, erased bool) error {
	seq, err := nextSeq(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET email = $1, email_key = $1, city = '', national_id = '',
		family_name = '', given_name = '', profession = '', state = $2, inactive = false, inactive_since_us = 0,
		erased = (erased OR $3), delete_time_us = CASE WHEN delete_time_us = 0 THEN $4 ELSE delete_time_us END,
		update_time_us = $4, version = version + 1, seq = $5 WHERE id = $6`,
		ErasedEmail(id), int32(deleted), erased, now.UnixMicro(), seq, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM delegations WHERE grantor = $1 OR delegate = $1`, id); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM account_requests WHERE target = $1`, id)
	return err
}

// setState runs "UPDATE accounts SET <set>" on account id with args ($1…),
// bumping its version, update time and change sequence number.
func setState(ctx context.Context, tx *sql.Tx, id string, now time.Time, set string, args ...any) error {
	seq, err := nextSeq(ctx, tx)
	if err != nil {
		return err
	}
	n := len(args)
	args = append(args, now.UnixMicro(), seq, id)
	_, err = tx.ExecContext(ctx, `UPDATE accounts SET `+set+`, update_time_us = `+param(n+1)+
		`, version = version + 1, seq = `+param(n+2)+` WHERE id = `+param(n+3), args...)
	return err
}

// MarkSignedIn records a successful sign-in of account id at now: invited
// becomes active, the inactive flag is cleared and the inactivity period
// restarts. Suspended and deleted accounts may not sign in:
// store.ErrFailedPrecondition. A sign-in alone changes neither the etag nor
// the change sequence number.
func (d *DB) MarkSignedIn(ctx context.Context, id string, now time.Time) error {
	_, err := d.write(ctx, nil, func(tx *sql.Tx) (proto.Message, string, error) {
		cur, err := d.lockAccount(ctx, tx, id, "")
		if err != nil {
			return nil, "", err
		}
		if cur.State == suspended || cur.State == deleted {
			return nil, "", store.ErrFailedPrecondition
		}
		us := now.UnixMicro()
		if cur.State == invited || cur.Inactive {
			err = setState(ctx, tx, id, now, `state = $1, inactive = false, inactive_since_us = 0, last_sign_in_us = $2, clock_us = $2`,
				int32(active), us)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE accounts SET last_sign_in_us = $1, clock_us = $1 WHERE id = $2`, us, id)
		}
		return nil, id, err
	})
	return err
}

// sweepBatch is how many accounts one sweep transaction changes.
const sweepBatch = 200

// Sweep flags the accounts that have not signed in (nor been created or
// reactivated) for inactiveAfter, and purges (erases, as EraseAccount
// without the erasure mark) those flagged for purgeAfter more. It works in
// small transactions and returns how many accounts it flagged and purged.
func (d *DB) Sweep(ctx context.Context, now time.Time, inactiveAfter, purgeAfter time.Duration) (flagged, purged int, err error) {
	us := now.Truncate(time.Microsecond)
	flagged, err = d.sweep(ctx, `state <> $1 AND NOT inactive AND clock_us < $2`, now.Add(-inactiveAfter).UnixMicro(),
		func(tx *sql.Tx, id string) error {
			return setState(ctx, tx, id, us, `inactive = true, inactive_since_us = $1`, us.UnixMicro())
		})
	if err != nil {
		return flagged, 0, err
	}
	purged, err = d.sweep(ctx, `state <> $1 AND inactive AND inactive_since_us < $2`, now.Add(-purgeAfter).UnixMicro(),
		func(tx *sql.Tx, id string) error { return tombstone(ctx, tx, id, us, false) })
	return flagged, purged, err
}

// sweep applies fn to the accounts matching where ($1 the deleted state,
// $2 limit), a batch per transaction, and counts them.
func (d *DB) sweep(ctx context.Context, where string, limit int64, fn func(*sql.Tx, string) error) (int, error) {
	total := 0
	for {
		n := 0
		err := d.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM accounts WHERE `+where+` ORDER BY id LIMIT $3`,
				int32(deleted), limit, sweepBatch)
			if err != nil {
				return err
			}
			ids, err := store.Collect(rows, func(s scanner) (string, error) {
				var id string
				return id, s.Scan(&id)
			})
			if err != nil {
				return err
			}
			for _, id := range ids {
				if err := fn(tx, id); err != nil {
					return err
				}
			}
			n = len(ids)
			return nil
		})
		total += n
		if err != nil || n < sweepBatch {
			return total, err
		}
	}
}
