package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

const importColumns = `id, file_name, state, error, total_bytes, processed_bytes, lines_read, lines_rejected,
	added, changed, deactivated, unchanged, max_rejection_percent, create_time_us, end_time_us`

// CreateImport records a new import job; its name must be "imports/{id}".
func (d *DB) CreateImport(ctx context.Context, im *directoryv1.Import) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO imports (id, file_name, state, total_bytes, max_rejection_percent,
		create_time_us) VALUES ($1, $2, $3, $4, $5, $6)`, importID(im.Name), im.FileName, int32(im.State),
		im.TotalBytes, im.MaxRejectionPercent, im.CreateTime.AsTime().UnixMicro())
	return d.classify(err)
}

// SaveImport writes the state, error and counts of an import job.
func (d *DB) SaveImport(ctx context.Context, im *directoryv1.Import) error {
	var end int64
	if im.EndTime != nil {
		end = im.EndTime.AsTime().UnixMicro()
	}
	_, err := d.db.ExecContext(ctx, `UPDATE imports SET state = $1, error = $2, total_bytes = $3, processed_bytes = $4,
		lines_read = $5, lines_rejected = $6, added = $7, changed = $8, deactivated = $9, unchanged = $10,
		end_time_us = $11 WHERE id = $12`, int32(im.State), im.Error, im.TotalBytes, im.ProcessedBytes, im.LinesRead,
		im.LinesRejected, im.ProfessionalsAdded, im.ProfessionalsChanged, im.ProfessionalsDeactivated,
		im.ProfessionalsUnchanged, end, importID(im.Name))
	return d.classify(err)
}

// GetImport returns an import job, or store.ErrNotFound.
func (d *DB) GetImport(ctx context.Context, name string) (*directoryv1.Import, error) {
	im, err := scanImport(d.db.QueryRowContext(ctx, `SELECT `+importColumns+` FROM imports WHERE id = $1`, importID(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return im, d.classify(err)
}

// ListImports returns import jobs created before the given one ("" for the newest), newest first.
func (d *DB) ListImports(ctx context.Context, before string, limit int) ([]*directoryv1.Import, error) {
	q := `SELECT ` + importColumns + ` FROM imports ORDER BY create_time_us DESC, id DESC LIMIT $1`
	args := []any{limit}
	if before != "" {
		q = `SELECT ` + importColumns + ` FROM imports WHERE (create_time_us, id) < (SELECT create_time_us, id FROM imports
			WHERE id = $1) ORDER BY create_time_us DESC, id DESC LIMIT $2`
		args = []any{importID(before), limit}
	}
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, d.classify(err)
	}
	return collect(rows, scanImport)
}

// AddRejections records rejected lines of an import.
func (d *DB) AddRejections(ctx context.Context, name string, rejections []*directoryv1.ImportRejection) error {
	return store.InTx(ctx, d.db, d.classify, func(tx *sql.Tx) error {
		for _, r := range rejections {
			if _, err := tx.ExecContext(ctx, `INSERT INTO import_rejections (import_id, line, column_name, reason, content)
				VALUES ($1, $2, $3, $4, $5)`, importID(name), r.Line, r.Column, r.Reason, r.Content); err != nil {
				return err
			}
		}
		return nil
	})
}

// ListRejections returns the rejected lines of an import after a line number.
func (d *DB) ListRejections(ctx context.Context, name string, afterLine int64, limit int) ([]*directoryv1.ImportRejection, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT line, column_name, reason, content FROM import_rejections
		WHERE import_id = $1 AND line > $2 ORDER BY line LIMIT $3`, importID(name), afterLine, limit)
	if err != nil {
		return nil, d.classify(err)
	}
	return collect(rows, func(s scanner) (*directoryv1.ImportRejection, error) {
		r := &directoryv1.ImportRejection{}
		return r, s.Scan(&r.Line, &r.Column, &r.Reason, &r.Content)
	})
}

func importID(name string) string { return strings.TrimPrefix(name, "imports/") }

func scanImport(s scanner) (*directoryv1.Import, error) {
	im := &directoryv1.Import{}
	var id string
	var state int32
	var created, ended int64
	err := s.Scan(&id, &im.FileName, &state, &im.Error, &im.TotalBytes, &im.ProcessedBytes, &im.LinesRead,
		&im.LinesRejected, &im.ProfessionalsAdded, &im.ProfessionalsChanged, &im.ProfessionalsDeactivated,
		&im.ProfessionalsUnchanged, &im.MaxRejectionPercent, &created, &ended)
	if err != nil {
		return nil, err
	}
	im.Name, im.State = "imports/"+id, directoryv1.Import_State(state)
	im.CreateTime = timestamppb.New(time.UnixMicro(created))
	if ended != 0 {
		im.EndTime = timestamppb.New(time.UnixMicro(ended))
	}
	return im, nil
}
