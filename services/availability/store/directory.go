package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// Professional is what availability knows of a directory professional.
type Professional struct {
	NationalID string
	Active     bool
	OptedOut   bool
	Sites      []string // "sites/{id}" where it practises
}

// Site is what availability knows of a directory site, to match the places
// vendors describe.
type Site struct {
	Name       string // "sites/{id}"
	Siret      string
	Finess     string
	PostalCode string
	City       string
}

// DirectoryFeed names the directory's change feed in the feeds table.
const DirectoryFeed = "directory"

// FeedToken returns the resume token stored for feed, "" when none.
func (d *DB) FeedToken(ctx context.Context, feed string) (string, error) {
	var token string
	err := d.db.QueryRowContext(ctx, `SELECT resume_token FROM feeds WHERE name = $1`, feed).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return token, d.classify(err)
}

// ApplyDirectory stores professionals and sites from the directory's change
// feed with the token to resume after them, and publishes or withdraws the
// slots and ranges of the professionals whose standing changed (opt-out,
// opt-in, deactivation). It returns how many slots and ranges changed.
func (d *DB) ApplyDirectory(ctx context.Context, pros []Professional, sites []Site, token string) (int, error) {
	var n int
	_, err := d.writeLocked(ctx, nil, func(t *tx) (_ protoMessage, err error) {
		for _, s := range sites {
			if _, err := t.ExecContext(ctx, `INSERT INTO dir_sites (name, siret, finess, postal_code, city)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO UPDATE SET siret = excluded.siret,
				finess = excluded.finess, postal_code = excluded.postal_code, city = excluded.city`,
				s.Name, s.Siret, s.Finess, s.PostalCode, normalizeCity(s.City)); err != nil {
				return nil, err
			}
		}
		for _, p := range pros {
			var before Professional
			err := t.QueryRowContext(ctx, `SELECT active, opted_out FROM dir_professionals WHERE national_id = $1`,
				p.NationalID).Scan(&before.Active, &before.OptedOut)
			known := err == nil
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, err
			}
			if _, err := t.ExecContext(ctx, `INSERT INTO dir_professionals (national_id, active, opted_out, sites)
				VALUES ($1, $2, $3, $4) ON CONFLICT (national_id) DO UPDATE SET active = excluded.active,
				opted_out = excluded.opted_out, sites = excluded.sites`,
				p.NationalID, p.Active, p.OptedOut, strings.Join(p.Sites, " ")); err != nil {
				return nil, err
			}
			if known && (before.Active != p.Active || before.OptedOut != p.OptedOut) {
				c, err := republish(t, p.NationalID)
				if err != nil {
					return nil, err
				}
				n += c
			}
		}
		_, err = t.ExecContext(ctx, `INSERT INTO feeds (name, resume_token) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET resume_token = excluded.resume_token`, DirectoryFeed, token)
		return nil, err
	})
	return n, err
}

// Standing is whether a professional's slots may be published.
type Standing struct {
	Known    bool // in the directory
	Active   bool
	OptedOut bool
	// Participates and VendorInterfacing come from its participation
	// (defaults when never set).
	Participates      bool
	VendorInterfacing bool
}

// Published says whether a slot of this professional is published: hand
// entries while it stands and participates, vendors' slots also only while
// vendor interfacing is on.
func (s Standing) Published(vendor string) bool {
	ok := s.Known && s.Active && !s.OptedOut && s.Participates
	return ok && (vendor == "" || s.VendorInterfacing)
}

// standings returns the standing of each national id (Known false for
// unknown ones); a push re-reads them under the commit lock (recheck).
func standings(t *tx, ids []string) (map[string]Standing, error) {
	out := make(map[string]Standing, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
		out[id] = Standing{Participates: true, VendorInterfacing: true}
	}
	rows, err := t.QueryContext(t.ctx, `SELECT p.national_id, p.active, p.opted_out, c.doc
		FROM dir_professionals p LEFT JOIN participations c ON c.national_id = p.national_id
		WHERE p.national_id IN (`+inList(0, len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var doc []byte
		s := Standing{Known: true}
		if err := rows.Scan(&id, &s.Active, &s.OptedOut, &doc); err != nil {
			return nil, err
		}
		part, err := decodeParticipation(id, doc)
		if err != nil {
			return nil, err
		}
		s.Participates, s.VendorInterfacing = part.Participates, part.VendorInterfacing
		out[id] = s
	}
	return out, rows.Err()
}

// republish sets the published flag of the professional's slots and ranges
// to what its standing says now, recording each change.
func republish(t *tx, nationalID string) (int, error) {
	st, err := standings(t, []string{nationalID})
	if err != nil {
		return 0, err
	}
	s := st[nationalID]
	var n int
	for _, u := range []struct {
		kind, sql string
		args      []any
	}{
		{KindSlot, `UPDATE slots SET published = $1, version = version + 1, update_time_us = $2
			WHERE national_id = $3 AND vendor = '' AND published <> $4 RETURNING id`, []any{s.Published("")}},
		{KindSlot, `UPDATE slots SET published = $1, version = version + 1, update_time_us = $2
			WHERE national_id = $3 AND vendor <> '' AND published <> $4 RETURNING id`, []any{s.Published("vendors/x")}},
		{KindRange, `UPDATE ranges SET published = $1, version = version + 1, update_time_us = $2
			WHERE national_id = $3 AND published <> $4 RETURNING id`, []any{s.Published("")}},
	} {
		pub := u.args[0]
		rows, err := t.QueryContext(t.ctx, u.sql, pub, t.now.UnixMicro(), nationalID, pub)
		if err != nil {
			return 0, err
		}
		ids, err := collect(rows, func(s scanner) (id string, err error) { return id, s.Scan(&id) })
		if err != nil {
			return 0, err
		}
		for _, id := range ids {
			t.changed(u.kind, id, commonv1.ChangeType_CHANGE_TYPE_UPSERTED)
		}
		n += len(ids)
	}
	return n, nil
}

func scanSite(s scanner) (Site, error) {
	var v Site
	return v, s.Scan(&v.Name, &v.Siret, &v.Finess, &v.PostalCode, &v.City)
}

// structureSite returns the site of a structure by SIRET or FINESS, "" when unknown.
func structureSite(t *tx, column, id string) (string, error) {
	var name string
	err := t.QueryRowContext(t.ctx, `SELECT name FROM dir_sites WHERE `+column+` = $1 ORDER BY name LIMIT 1`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, err
}

// read runs fn in a read-only use of the database (no outbox, no commit order).
func (d *DB) read(ctx context.Context, fn func(*tx) error) error {
	sqlTx, err := d.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return d.classify(err)
	}
	defer sqlTx.Rollback()
	return d.classify(fn(&tx{Tx: sqlTx, ctx: ctx, now: d.now()}))
}
