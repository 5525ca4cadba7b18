package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sas-platform/sas/services/platform/store"
)

// Client is an OAuth2 client of the client-credentials grant.
type Client struct {
	ID      string
	Subject string // "vendors/{id}" or "accounts/bootstrap-admin"
	// SecretHash and PreviousHash are hex SHA-256 of the secrets.
	SecretHash, PreviousHash string
	PreviousExpire           time.Time
	Rotated                  time.Time
}

// CreateClient stores c; ALREADY_EXISTS when its id is taken.
func (d *DB) CreateClient(ctx context.Context, c Client, now time.Time) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO clients (client_id, subject, secret_hash, create_us) VALUES ($1, $2, $3, $4)`,
		c.ID, c.Subject, c.SecretHash, now.UnixMicro())
	return d.classify(err)
}

// Client returns the client id.
func (d *DB) Client(ctx context.Context, id string) (Client, error) {
	var c Client
	var prevExp, rotated int64
	err := d.db.QueryRowContext(ctx, `SELECT client_id, subject, secret_hash, previous_hash, previous_expire_us, rotated_us
		FROM clients WHERE client_id = $1`, id).Scan(&c.ID, &c.Subject, &c.SecretHash, &c.PreviousHash, &prevExp, &rotated)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("client %q: %w", id, store.ErrNotFound)
	}
	c.PreviousExpire, c.Rotated = time.UnixMicro(prevExp), time.UnixMicro(rotated)
	return c, d.classify(err)
}

// RotateClientSecret replaces the secret hash of client id; the previous
// one keeps working until previousExpire.
func (d *DB) RotateClientSecret(ctx context.Context, id, hash string, now, previousExpire time.Time) error {
	res, err := d.db.ExecContext(ctx, `UPDATE clients SET previous_hash = secret_hash, previous_expire_us = $1,
		secret_hash = $2, rotated_us = $3 WHERE client_id = $4`, previousExpire.UnixMicro(), hash, now.UnixMicro(), id)
	if err != nil {
		return d.classify(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("client %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// DeleteClient removes client id.
func (d *DB) DeleteClient(ctx context.Context, id string) error {
	_, err := d.db.ExecContext(ctx, `DELETE FROM clients WHERE client_id = $1`, id)
	return d.classify(err)
}
