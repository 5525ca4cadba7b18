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

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

const professionalColumns = `national_id, active, opted_out, doc, version, update_time_us`

// ProfessionalQuery selects professionals: a page after a national id, with filters.
type ProfessionalQuery struct {
	After       string // national id to start after
	Limit       int
	Profession  string // code, "10"
	Specialty   string // code, "SM54"
	Departement string // code, "44"
	Commune     string // INSEE code
	Active      *bool
	OptedOut    *bool
}

// GetProfessional returns a professional by national id, or store.ErrNotFound.
func (d *DB) GetProfessional(ctx context.Context, nationalID string) (*directoryv1.Professional, error) {
	p, err := scanProfessional(d.db.QueryRowContext(ctx,
		`SELECT `+professionalColumns+` FROM professionals WHERE national_id = $1`, nationalID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return p, d.classify(err)
}

// ListProfessionals returns the professionals matching q, by national id.
func (d *DB) ListProfessionals(ctx context.Context, q ProfessionalQuery) ([]*directoryv1.Professional, error) {
	w := &where{}
	w.add("national_id > ?", q.After)
	if q.Profession != "" {
		w.add("profession = ?", q.Profession)
	}
	for col, v := range map[string]string{"specialty": q.Specialty, "departement": q.Departement, "commune": q.Commune} {
		if v != "" {
			w.add("EXISTS (SELECT 1 FROM activities a WHERE a.national_id = professionals.national_id AND a."+col+" = ?)", v)
		}
	}
	if q.Active != nil {
		w.add("active = ?", *q.Active)
	}
	if q.OptedOut != nil {
		w.add("opted_out = ?", *q.OptedOut)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT `+professionalColumns+` FROM professionals WHERE `+w.sql()+
		` ORDER BY national_id LIMIT `+strconv.Itoa(q.Limit), w.args...)
	if err != nil {
		return nil, d.classify(err)
	}
	return collect(rows, scanProfessional)
}

// SetOptOut records a professional's objection (or lifts it) and publishes
// the change; setting the current value changes nothing.
func (d *DB) SetOptOut(ctx context.Context, nationalID string, optedOut bool) (*directoryv1.Professional, error) {
	now := time.Now()
	err := d.write(ctx, func(tx *sql.Tx) ([]change, error) {
		res, err := tx.ExecContext(ctx, `UPDATE professionals SET opted_out = $1, version = version + 1,
			update_time_us = $2 WHERE national_id = $3 AND opted_out <> $4`, optedOut, now.UnixMicro(), nationalID, optedOut)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return nil, err
		}
		return []change{{kindProfessional, ProfessionalName(nationalID), commonv1.ChangeType_CHANGE_TYPE_UPSERTED, now}}, nil
	})
	if err != nil {
		return nil, err
	}
	return d.GetProfessional(ctx, nationalID)
}

// ProfessionalName is the resource name of a national id.
func ProfessionalName(nationalID string) string { return "professionals/" + nationalID }

func scanProfessional(s scanner) (*directoryv1.Professional, error) {
	var doc []byte
	var version, updated int64
	p := &directoryv1.Professional{}
	var active, optedOut bool
	var id string
	if err := s.Scan(&id, &active, &optedOut, &doc, &version, &updated); err != nil {
		return nil, err
	}
	if err := proto.Unmarshal(doc, p); err != nil {
		return nil, fmt.Errorf("decode professional %s: %w", id, err)
	}
	p.Active, p.OptedOut = active, optedOut
	p.Etag = strconv.FormatInt(version, 10)
	p.UpdateTime = timestamppb.New(time.UnixMicro(updated))
	return p, nil
}

// where builds a conjunction with $n placeholders in order.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1))
}

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }
