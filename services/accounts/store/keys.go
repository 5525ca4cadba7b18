package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/store"
)

// SigningKeys returns the keys still published at now, newest first.
func (d *DB) SigningKeys(ctx context.Context, now time.Time) ([]auth.SigningKey, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT private_jwk, created_us FROM signing_keys
		WHERE expire_us IS NULL OR expire_us > $1 ORDER BY created_us DESC, id`, now.UnixMicro())
	if err != nil {
		return nil, d.classify(err)
	}
	return store.Collect(rows, func(s scanner) (auth.SigningKey, error) {
		var jwk string
		var created int64
		if err := s.Scan(&jwk, &created); err != nil {
			return auth.SigningKey{}, err
		}
		return auth.ParseSigningKey([]byte(jwk), time.UnixMicro(created))
	})
}

// RotateSigningKey adds k as the current key; the keys before it leave the
// key set at retireAt, once the tokens they signed have expired.
func (d *DB) RotateSigningKey(ctx context.Context, k auth.SigningKey, retireAt time.Time) error {
	jwk, err := k.MarshalPrivate()
	if err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE signing_keys SET expire_us = $1 WHERE expire_us IS NULL`, retireAt.UnixMicro()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO signing_keys (id, private_jwk, created_us) VALUES ($1, $2, $3)`,
			k.ID, string(jwk), k.Created.UnixMicro())
		return err
	})
}

// PurgeSigningKeys deletes keys that left the key set before now.
func (d *DB) PurgeSigningKeys(ctx context.Context, now time.Time) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM signing_keys WHERE expire_us IS NOT NULL AND expire_us <= $1`, now.UnixMicro())
	return d.classify(err)
}
