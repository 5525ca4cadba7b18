package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/store"
)

// DefaultParticipation is a professional's participation until it sets one:
// it takes part through its own practice and its vendors' slots count, as a
// professional whose vendor publishes SAS slots means to.
func DefaultParticipation(nationalID string) *availabilityv1.Participation {
	return &availabilityv1.Participation{
		Name:              "professionals/" + nationalID + "/participation",
		Participates:      true,
		Mode:              commonv1.ParticipationMode_PARTICIPATION_MODE_OWN_PRACTICE,
		VendorInterfacing: true,
		Etag:              Etag(0),
	}
}

func decodeParticipation(nationalID string, doc []byte) (*availabilityv1.Participation, error) {
	if doc == nil {
		return DefaultParticipation(nationalID), nil
	}
	var p availabilityv1.Participation
	return &p, proto.Unmarshal(doc, &p)
}

func getParticipationTx(t *tx, nationalID string) (*availabilityv1.Participation, error) {
	var doc []byte
	var version, updated int64
	err := t.QueryRowContext(t.ctx, `SELECT doc, version, update_time_us FROM participations WHERE national_id = $1`,
		nationalID).Scan(&doc, &version, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultParticipation(nationalID), nil
	}
	if err != nil {
		return nil, err
	}
	p, err := decodeParticipation(nationalID, doc)
	if err != nil {
		return nil, err
	}
	p.Name = "professionals/" + nationalID + "/participation"
	p.UpdateTime, p.Etag = timestamppb.New(time.UnixMicro(updated)), Etag(version)
	return p, nil
}

// GetParticipation returns a professional's participation (defaults when never set).
func (d *DB) GetParticipation(ctx context.Context, nationalID string) (*availabilityv1.Participation, error) {
	var p *availabilityv1.Participation
	err := d.read(ctx, func(t *tx) (err error) { p, err = getParticipationTx(t, nationalID); return err })
	return p, err
}

// UpdateParticipation changes a known professional's participation with
// change when etag (if set) is current, and publishes or withdraws its slots
// and ranges accordingly.
func (d *DB) UpdateParticipation(ctx context.Context, k *idempotency.Key, nationalID, etag string,
	change func(*availabilityv1.Participation) error) (*availabilityv1.Participation, error) {
	out, err := d.writeLocked(ctx, k, func(t *tx) (proto.Message, error) {
		st, err := standings(t, []string{nationalID})
		if err != nil {
			return nil, err
		}
		if !st[nationalID].Known {
			return nil, store.ErrNotFound
		}
		cur, err := getParticipationTx(t, nationalID)
		if err != nil {
			return nil, err
		}
		if etag != "" && etag != cur.Etag {
			return nil, store.ErrConflict
		}
		if err := change(cur); err != nil {
			return nil, err
		}
		version := versionOf(cur.Etag)
		doc := proto.Clone(cur).(*availabilityv1.Participation)
		doc.Name, doc.UpdateTime, doc.Etag = "", nil, ""
		raw, err := marshal(doc)
		if err != nil {
			return nil, err
		}
		if _, err := t.ExecContext(t.ctx, `INSERT INTO participations (national_id, doc, version, update_time_us)
			VALUES ($1, $2, $3, $4) ON CONFLICT (national_id) DO UPDATE SET doc = excluded.doc,
			version = excluded.version, update_time_us = excluded.update_time_us`,
			nationalID, raw, version+1, t.now.UnixMicro()); err != nil {
			return nil, err
		}
		if _, err := t.ExecContext(t.ctx, `DELETE FROM participation_vendors WHERE national_id = $1`, nationalID); err != nil {
			return nil, err
		}
		for _, v := range cur.GetVendors() {
			if _, err := t.ExecContext(t.ctx, `INSERT INTO participation_vendors (vendor, national_id) VALUES ($1, $2)
				ON CONFLICT DO NOTHING`, v, nationalID); err != nil {
				return nil, err
			}
		}
		t.changed(KindParticipation, nationalID, commonv1.ChangeType_CHANGE_TYPE_UPSERTED)
		if _, err := republish(t, nationalID); err != nil {
			return nil, err
		}
		return getParticipationTx(t, nationalID)
	})
	if err != nil {
		return nil, err
	}
	return out.(*availabilityv1.Participation), nil
}

// VendorProfessionals returns the national ids of the standing professionals
// that name vendor in their participation with vendor interfacing on: the
// ones to pull from it.
func (d *DB) VendorProfessionals(ctx context.Context, vendor string) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT v.national_id, c.doc FROM participation_vendors v
		JOIN participations c ON c.national_id = v.national_id
		JOIN dir_professionals p ON p.national_id = v.national_id
		WHERE v.vendor = $1 AND p.active AND NOT p.opted_out ORDER BY v.national_id`, vendor)
	if err != nil {
		return nil, d.classify(err)
	}
	type row struct {
		id  string
		doc []byte
	}
	list, err := collect(rows, func(s scanner) (r row, err error) { return r, s.Scan(&r.id, &r.doc) })
	if err != nil {
		return nil, d.classify(err)
	}
	var ids []string
	for _, r := range list {
		p, err := decodeParticipation(r.id, r.doc)
		if err != nil {
			return nil, err
		}
		if p.GetParticipates() && p.GetVendorInterfacing() {
			ids = append(ids, r.id)
		}
	}
	return ids, nil
}
