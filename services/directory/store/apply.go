package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
)

// Stored is what change detection needs of a stored professional.
type Stored struct {
	Hash   uint64
	Active bool
}

// ProfessionalHashes returns the content hash and state of every stored professional.
func (d *DB) ProfessionalHashes(ctx context.Context) (map[string]Stored, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT national_id, content_hash, active FROM professionals`)
	if err != nil {
		return nil, d.classify(err)
	}
	defer rows.Close()
	out := map[string]Stored{}
	for rows.Next() {
		var id string
		var h int64
		var active bool
		if err := rows.Scan(&id, &h, &active); err != nil {
			return nil, d.classify(err)
		}
		out[id] = Stored{Hash: uint64(h), Active: active}
	}
	return out, d.classify(rows.Err())
}

// SiteHashes returns the content hash of every stored site.
func (d *DB) SiteHashes(ctx context.Context) (map[string]uint64, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT name, content_hash FROM sites`)
	if err != nil {
		return nil, d.classify(err)
	}
	defer rows.Close()
	out := map[string]uint64{}
	for rows.Next() {
		var name string
		var h int64
		if err := rows.Scan(&name, &h); err != nil {
			return nil, d.classify(err)
		}
		out[name] = uint64(h)
	}
	return out, d.classify(rows.Err())
}

// ActivityRow is what the filters need of one activity.
type ActivityRow struct {
	Site, Specialty, Departement, Commune string
}

// Apply is the single transaction in which an import changes the directory:
// nothing is visible until Commit, and Rollback leaves the previous state.
type Apply struct {
	d   *DB
	ctx context.Context
	tx  *sql.Tx
	now time.Time
}

// BeginApply starts an import's transaction; it holds the store's write
// lock until Commit or Rollback.
func (d *DB) BeginApply(ctx context.Context) (*Apply, error) {
	d.writes.Lock()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		d.writes.Unlock()
		return nil, d.classify(err)
	}
	return &Apply{d: d, ctx: ctx, tx: tx, now: time.Now()}, nil
}

// PutProfessional adds or replaces a professional (active again) and its activities.
func (a *Apply) PutProfessional(p *directoryv1.Professional, hash uint64, acts []ActivityRow) error {
	doc, err := proto.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode %s: %w", p.Name, err)
	}
	_, err = a.tx.ExecContext(a.ctx, `INSERT INTO professionals (national_id, profession, active, opted_out, content_hash, doc,
		version, update_time_us) VALUES ($1, $2, TRUE, FALSE, $3, $4, 1, $5) ON CONFLICT (national_id) DO UPDATE SET
		profession = excluded.profession, active = TRUE, content_hash = excluded.content_hash, doc = excluded.doc,
		version = professionals.version + 1, update_time_us = excluded.update_time_us`,
		p.NationalId, codeOf(p.Profession), int64(hash), doc, a.now.UnixMicro())
	if err != nil {
		return a.d.classify(err)
	}
	if _, err := a.tx.ExecContext(a.ctx, `DELETE FROM activities WHERE national_id = $1`, p.NationalId); err != nil {
		return a.d.classify(err)
	}
	for _, act := range acts {
		if _, err := a.tx.ExecContext(a.ctx, `INSERT INTO activities (national_id, site, specialty, departement, commune)
			VALUES ($1, $2, $3, $4, $5)`, p.NationalId, act.Site, act.Specialty, act.Departement, act.Commune); err != nil {
			return a.d.classify(err)
		}
	}
	return a.change(kindProfessional, p.Name)
}

// PutSite adds or replaces a site.
func (a *Apply) PutSite(s *directoryv1.Site, hash uint64, departement, commune string) error {
	doc, err := proto.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode %s: %w", s.Name, err)
	}
	_, err = a.tx.ExecContext(a.ctx, `INSERT INTO sites (name, departement, commune, located, content_hash, doc, update_time_us)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO UPDATE SET departement = excluded.departement,
		commune = excluded.commune, located = excluded.located, content_hash = excluded.content_hash, doc = excluded.doc,
		update_time_us = excluded.update_time_us`, s.Name, departement, commune, s.Location != nil, int64(hash), doc, a.now.UnixMicro())
	if err != nil {
		return a.d.classify(err)
	}
	return a.change(kindSite, s.Name)
}

// Deactivate marks a professional absent from the extraction as inactive.
func (a *Apply) Deactivate(nationalID string) error {
	_, err := a.tx.ExecContext(a.ctx, `UPDATE professionals SET active = FALSE, version = version + 1, update_time_us = $1
		WHERE national_id = $2`, a.now.UnixMicro(), nationalID)
	if err != nil {
		return a.d.classify(err)
	}
	return a.change(kindProfessional, ProfessionalName(nationalID))
}

// PutCode adds or relabels a code.
func (a *Apply) PutCode(c Code) error {
	_, err := a.tx.ExecContext(a.ctx, `INSERT INTO codes (kind, code, label, extra) VALUES ($1, $2, $3, $4)
		ON CONFLICT (kind, code) DO UPDATE SET label = excluded.label, extra = excluded.extra`, c.Kind, c.Code, c.Label, c.Extra)
	return a.d.classify(err)
}

// Commit makes the import visible.
func (a *Apply) Commit() error {
	defer a.d.writes.Unlock()
	return a.d.classify(a.tx.Commit())
}

// Rollback abandons the import; the previous state stays.
func (a *Apply) Rollback() {
	defer a.d.writes.Unlock()
	_ = a.tx.Rollback()
}

func (a *Apply) change(kind, name string) error {
	if err := appendChange(a.ctx, a.tx, kind, name, commonv1.ChangeType_CHANGE_TYPE_UPSERTED, a.now); err != nil {
		return a.d.classify(err)
	}
	return nil
}

// codeOf is the code of a code-table resource name ("professions/10" → "10").
func codeOf(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}
