package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

const vendorColumns = `id, display_name, client_id, fhir_base_url, client_certificate_secret, push_rate_limit,
	enabled, create_us, update_us, version`

// CreateVendor stores v (its name "vendors/{id}") with its client in one
// transaction; ALREADY_EXISTS when the id is taken.
func (d *DB) CreateVendor(ctx context.Context, v *accountsv1.Vendor, client Client, now time.Time) error {
	id := strings.TrimPrefix(v.Name, "vendors/")
	return d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO vendors (`+vendorColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1)`,
			id, v.DisplayName, client.ID, v.FhirBaseUrl, v.ClientCertificateSecret, v.PushRateLimit, v.Enabled, now.UnixMicro()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO clients (client_id, subject, secret_hash, create_us) VALUES ($1, $2, $3, $4)`,
			client.ID, client.Subject, client.SecretHash, now.UnixMicro())
		return err
	})
}

// Vendor returns the vendor named "vendors/{id}"; NOT_FOUND once deleted.
func (d *DB) Vendor(ctx context.Context, name string) (*accountsv1.Vendor, error) {
	row := d.db.QueryRowContext(ctx, `SELECT `+vendorColumns+` FROM vendors WHERE id = $1 AND NOT deleted`, strings.TrimPrefix(name, "vendors/"))
	v, err := scanVendor(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%s: %w", name, store.ErrNotFound)
	}
	return v, d.classify(err)
}

// Vendors lists vendors by id after the id after, at most limit.
func (d *DB) Vendors(ctx context.Context, after string, limit int) ([]*accountsv1.Vendor, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+vendorColumns+` FROM vendors WHERE NOT deleted AND id > $1 ORDER BY id LIMIT $2`, after, limit)
	if err != nil {
		return nil, d.classify(err)
	}
	return store.Collect(rows, func(s scanner) (*accountsv1.Vendor, error) { return scanVendor(s) })
}

// UpdateVendor writes v if its etag is current (CONFLICT otherwise).
func (d *DB) UpdateVendor(ctx context.Context, v *accountsv1.Vendor, now time.Time) error {
	version, err := strconv.ParseInt(v.Etag, 10, 64)
	if err != nil {
		return fmt.Errorf("etag %q: %w", v.Etag, store.ErrConflict)
	}
	res, err := d.db.ExecContext(ctx, `UPDATE vendors SET display_name = $1, fhir_base_url = $2, client_certificate_secret = $3,
		push_rate_limit = $4, enabled = $5, update_us = $6, version = version + 1 WHERE id = $7 AND version = $8 AND NOT deleted`,
		v.DisplayName, v.FhirBaseUrl, v.ClientCertificateSecret, v.PushRateLimit, v.Enabled, now.UnixMicro(),
		strings.TrimPrefix(v.Name, "vendors/"), version)
	if err != nil {
		return d.classify(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := d.Vendor(ctx, v.Name); err != nil {
			return err
		}
		return fmt.Errorf("%s: etag %s is stale: %w", v.Name, v.Etag, store.ErrConflict)
	}
	v.Etag, v.UpdateTime = strconv.FormatInt(version+1, 10), timestamppb.New(now)
	return nil
}

// DeleteVendor marks the vendor deleted and removes its client, so it can
// no longer sign in; its slots keep naming it.
func (d *DB) DeleteVendor(ctx context.Context, name string, now time.Time) error {
	id := strings.TrimPrefix(name, "vendors/")
	return d.inTx(ctx, func(tx *sql.Tx) error {
		var client string
		err := tx.QueryRowContext(ctx, `SELECT client_id FROM vendors WHERE id = $1 AND NOT deleted`, id).Scan(&client)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%s: %w", name, store.ErrNotFound)
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vendors SET deleted = TRUE, enabled = FALSE, update_us = $1, version = version + 1 WHERE id = $2`, now.UnixMicro(), id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM clients WHERE client_id = $1`, client)
		return err
	})
}

func scanVendor(s scanner) (*accountsv1.Vendor, error) {
	v := &accountsv1.Vendor{}
	var id string
	var created, updated, version int64
	if err := s.Scan(&id, &v.DisplayName, &v.ClientId, &v.FhirBaseUrl, &v.ClientCertificateSecret, &v.PushRateLimit,
		&v.Enabled, &created, &updated, &version); err != nil {
		return nil, err
	}
	v.Name = "vendors/" + id
	v.CreateTime, v.UpdateTime = timestamppb.New(time.UnixMicro(created)), timestamppb.New(time.UnixMicro(updated))
	v.Etag = strconv.FormatInt(version, 10)
	return v, nil
}
