package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/accounts/territory"
	"github.com/sas-platform/sas/services/platform/store"
	"google.golang.org/protobuf/types/known/timestamppb"
)

const territoryColumns = `name, display_name, region, departements, default_radius_meters,
	radius_step_meters, coverage_radius_meters, lat, lon, version, update_time_us`

// SeedReference implements territory.Store.
func (d *DB) SeedReference(ctx context.Context, ref *territory.Reference) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range ref.Regions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO regions (name, code, display_name, lat, lon, capital_insee_code)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO UPDATE SET code = excluded.code,
				display_name = excluded.display_name, lat = excluded.lat, lon = excluded.lon,
				capital_insee_code = excluded.capital_insee_code`,
				r.Name, r.Code, r.DisplayName, r.Centre.GetLatitude(), r.Centre.GetLongitude(), r.CapitalInseeCode); err != nil {
				return fmt.Errorf("seed %s: %w", r.Name, err)
			}
		}
		for _, dep := range ref.Departements {
			if _, err := tx.ExecContext(ctx, `INSERT INTO departements (name, code, display_name, region, lat, lon, capital_insee_code)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO UPDATE SET code = excluded.code,
				display_name = excluded.display_name, region = excluded.region, lat = excluded.lat,
				lon = excluded.lon, capital_insee_code = excluded.capital_insee_code`,
				dep.Name, dep.Code, dep.DisplayName, dep.Region, dep.Centre.GetLatitude(), dep.Centre.GetLongitude(), dep.CapitalInseeCode); err != nil {
				return fmt.Errorf("seed %s: %w", dep.Name, err)
			}
		}
		for _, t := range ref.Territories {
			if err := insertTerritory(ctx, tx, t, " ON CONFLICT (name) DO NOTHING"); err != nil {
				return fmt.Errorf("seed %s: %w", t.Name, err)
			}
		}
		return nil
	})
}

// Regions implements territory.Store.
func (d *DB) Regions(ctx context.Context) ([]*commonv1.Region, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT name, code, display_name, lat, lon, capital_insee_code FROM regions ORDER BY code`)
	if err != nil {
		return nil, d.classify(err)
	}
	return store.Collect(rows, func(s scanner) (*commonv1.Region, error) {
		r := &commonv1.Region{Centre: &commonv1.GeoPoint{}}
		return r, s.Scan(&r.Name, &r.Code, &r.DisplayName, &r.Centre.Latitude, &r.Centre.Longitude, &r.CapitalInseeCode)
	})
}

// Departements implements territory.Store.
func (d *DB) Departements(ctx context.Context) ([]*commonv1.Departement, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT name, code, display_name, region, lat, lon, capital_insee_code FROM departements ORDER BY code`)
	if err != nil {
		return nil, d.classify(err)
	}
	return store.Collect(rows, func(s scanner) (*commonv1.Departement, error) {
		dep := &commonv1.Departement{Centre: &commonv1.GeoPoint{}}
		return dep, s.Scan(&dep.Name, &dep.Code, &dep.DisplayName, &dep.Region, &dep.Centre.Latitude, &dep.Centre.Longitude, &dep.CapitalInseeCode)
	})
}

// ListTerritories implements territory.Store.
func (d *DB) ListTerritories(ctx context.Context, q territory.Query) ([]*commonv1.Territory, error) {
	where, args := []string{"name > $1"}, []any{q.After}
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if q.Region != "" {
		add("region = ?", q.Region)
	}
	if q.Departement != "" {
		add("(',' || departements || ',') LIKE ?", "%,"+q.Departement+",%")
	}
	if q.Active != nil {
		add("(default_radius_meters > 0) = ?", *q.Active)
	}
	args = append(args, q.Limit)
	rows, err := d.db.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM territories WHERE %s ORDER BY name LIMIT $%d`,
		territoryColumns, strings.Join(where, " AND "), len(args)), args...)
	if err != nil {
		return nil, d.classify(err)
	}
	return store.Collect(rows, func(s scanner) (*commonv1.Territory, error) {
		t := &commonv1.Territory{}
		return t, scanTerritory(t, s)
	})
}

// GetTerritory implements territory.Store.
func (d *DB) GetTerritory(ctx context.Context, name string) (*commonv1.Territory, error) {
	return getTerritory(ctx, d.db, name, d.classify)
}

// CreateTerritory implements territory.Store.
func (d *DB) CreateTerritory(ctx context.Context, t *commonv1.Territory) error {
	t.Etag, t.UpdateTime = "1", timestamppb.New(time.Now().Truncate(time.Microsecond))
	if err := insertTerritory(ctx, d.db, t, ""); err != nil {
		return d.classify(err)
	}
	return nil
}

// UpdateTerritory implements territory.Store.
func (d *DB) UpdateTerritory(ctx context.Context, t *commonv1.Territory, etag string) error {
	version, err := strconv.ParseInt(etag, 10, 64)
	if err != nil {
		return store.ErrConflict
	}
	now := time.Now().Truncate(time.Microsecond)
	res, err := d.db.ExecContext(ctx, `UPDATE territories SET display_name = $1, region = $2, departements = $3,
		default_radius_meters = $4, radius_step_meters = $5, coverage_radius_meters = $6, lat = $7, lon = $8,
		version = version + 1, update_time_us = $9 WHERE name = $10 AND version = $11`,
		t.DisplayName, t.Region, strings.Join(t.Departements, ","), t.DefaultRadiusMeters, t.RadiusStepMeters,
		t.CoverageRadiusMeters, t.Barycentre.GetLatitude(), t.Barycentre.GetLongitude(), now.UnixMicro(), t.Name, version)
	if err != nil {
		return d.classify(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		if _, gerr := d.GetTerritory(ctx, t.Name); gerr != nil {
			return gerr
		}
		return store.ErrConflict
	}
	t.Etag, t.UpdateTime, t.Active = strconv.FormatInt(version+1, 10), timestamppb.New(now), t.DefaultRadiusMeters > 0
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func insertTerritory(ctx context.Context, db execer, t *commonv1.Territory, onConflict string) error {
	now := time.Now()
	if t.UpdateTime != nil {
		now = t.UpdateTime.AsTime()
	}
	_, err := db.ExecContext(ctx, `INSERT INTO territories (`+territoryColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10)`+onConflict,
		t.Name, t.DisplayName, t.Region, strings.Join(t.Departements, ","), t.DefaultRadiusMeters,
		t.RadiusStepMeters, t.CoverageRadiusMeters, t.Barycentre.GetLatitude(), t.Barycentre.GetLongitude(), now.UnixMicro())
	return err
}

func getTerritory(ctx context.Context, db querier, name string, classify func(error) error) (*commonv1.Territory, error) {
	t := &commonv1.Territory{}
	err := scanTerritory(t, db.QueryRowContext(ctx, `SELECT `+territoryColumns+` FROM territories WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, classify(err)
	}
	return t, nil
}

type scanner = store.Scanner

func scanTerritory(t *commonv1.Territory, s scanner) error {
	var deps string
	var version, updated int64
	t.Barycentre = &commonv1.GeoPoint{}
	if err := s.Scan(&t.Name, &t.DisplayName, &t.Region, &deps, &t.DefaultRadiusMeters, &t.RadiusStepMeters,
		&t.CoverageRadiusMeters, &t.Barycentre.Latitude, &t.Barycentre.Longitude, &version, &updated); err != nil {
		return err
	}
	t.Departements = strings.Split(deps, ",")
	t.Active = t.DefaultRadiusMeters > 0
	t.Etag = strconv.FormatInt(version, 10)
	t.UpdateTime = timestamppb.New(time.UnixMicro(updated))
	return nil
}

func (d *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	return store.InTx(ctx, d.db, d.classify, fn)
}
