package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/store"
)

const appointmentColumns = `id, vendor, territory, doc, version, update_time_us`

func scanAppointment(s scanner) (*availabilityv1.Appointment, error) {
	var id, vendor, territory string
	var doc []byte
	var version, updated int64
	if err := s.Scan(&id, &vendor, &territory, &doc, &version, &updated); err != nil {
		return nil, err
	}
	var a availabilityv1.Appointment
	if err := proto.Unmarshal(doc, &a); err != nil {
		return nil, fmt.Errorf("appointment %s: %w", id, err)
	}
	a.Name, a.Vendor, a.Territory = "appointments/"+id, vendor, territory
	a.UpdateTime, a.Etag = timestamppb.New(time.UnixMicro(updated)), Etag(version)
	return &a, nil
}

func appointmentDoc(a *availabilityv1.Appointment) ([]byte, error) {
	c := proto.Clone(a).(*availabilityv1.Appointment)
	c.Name, c.Vendor, c.Territory, c.UpdateTime, c.Etag = "", "", "", nil, ""
	return marshal(c)
}

// CreateAppointment stores a vendor's booking in territory; when the vendor
// already reported external_id, the stored one comes back unchanged.
func (d *DB) CreateAppointment(ctx context.Context, k *idempotency.Key, vendor, territory string,
	a *availabilityv1.Appointment) (*availabilityv1.Appointment, error) {
	out, err := d.write(ctx, k, func(t *tx) (proto.Message, error) {
		doc, err := appointmentDoc(a)
		if err != nil {
			return nil, err
		}
		if _, err := t.ExecContext(t.ctx, `INSERT INTO appointments (id, vendor, external_id, territory, orientation,
			status, doc, version, update_time_us) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)
			ON CONFLICT (vendor, external_id) DO NOTHING`, NewID(), vendor, a.GetExternalId(), territory,
			a.GetOrientation(), int32(a.GetStatus()), doc, t.now.UnixMicro()); err != nil {
			return nil, err
		}
		return scanAppointment(t.QueryRowContext(t.ctx, `SELECT `+appointmentColumns+` FROM appointments
			WHERE vendor = $1 AND external_id = $2`, vendor, a.GetExternalId()))
	})
	if err != nil {
		return nil, err
	}
	return out.(*availabilityv1.Appointment), nil
}

// GetAppointment returns the appointment id.
func (d *DB) GetAppointment(ctx context.Context, id string) (*availabilityv1.Appointment, error) {
	a, err := scanAppointment(d.db.QueryRowContext(ctx, `SELECT `+appointmentColumns+` FROM appointments WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return a, d.classify(err)
}

// AppointmentQuery selects appointments, newest change first.
type AppointmentQuery struct {
	Territory, Vendor, Orientation string
	Status                         availabilityv1.Appointment_Status
	BeforeTime                     int64 // keyset position: update_time_us, id; 0 for the start
	BeforeID                       string
	Limit                          int
}

// ListAppointments returns the appointments matching q.
func (d *DB) ListAppointments(ctx context.Context, q AppointmentQuery) ([]*availabilityv1.Appointment, error) {
	before := q.BeforeTime
	if before == 0 {
		before = 1<<63 - 1
	}
	where, args := []string{"(update_time_us < $1 OR (update_time_us = $2 AND id > $3))"}, []any{before, before, q.BeforeID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if q.Territory != "" {
		add("territory =", q.Territory)
	}
	if q.Vendor != "" {
		add("vendor =", q.Vendor)
	}
	if q.Orientation != "" {
		add("orientation =", q.Orientation)
	}
	if q.Status != availabilityv1.Appointment_STATUS_UNSPECIFIED {
		add("status =", int32(q.Status))
	}
	args = append(args, q.Limit)
	rows, err := d.db.QueryContext(ctx, `SELECT `+appointmentColumns+` FROM appointments WHERE `+
		strings.Join(where, " AND ")+` ORDER BY update_time_us DESC, id LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, d.classify(err)
	}
	list, err := collect(rows, scanAppointment)
	return list, d.classify(err)
}

// UpdateAppointment changes the appointment id of vendor with change when
// etag (if set) is current.
func (d *DB) UpdateAppointment(ctx context.Context, k *idempotency.Key, vendor, id, etag string,
	change func(*availabilityv1.Appointment) error) (*availabilityv1.Appointment, error) {
	out, err := d.write(ctx, k, func(t *tx) (proto.Message, error) {
		cur, err := scanAppointment(t.QueryRowContext(t.ctx, `SELECT `+appointmentColumns+` FROM appointments
			WHERE id = $1 AND vendor = $2`, id, vendor))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if etag != "" && etag != cur.Etag {
			return nil, store.ErrConflict
		}
		if err := change(cur); err != nil {
			return nil, err
		}
		doc, err := appointmentDoc(cur)
		if err != nil {
			return nil, err
		}
		if _, err := t.ExecContext(t.ctx, `UPDATE appointments SET status = $1, doc = $2, version = version + 1,
			update_time_us = $3 WHERE id = $4`, int32(cur.GetStatus()), doc, t.now.UnixMicro(), id); err != nil {
			return nil, err
		}
		return scanAppointment(t.QueryRowContext(t.ctx, `SELECT `+appointmentColumns+` FROM appointments WHERE id = $1`, id))
	})
	if err != nil {
		return nil, err
	}
	return out.(*availabilityv1.Appointment), nil
}
