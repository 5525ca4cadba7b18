package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

// SiteQuery selects sites: a page after a name, with filters.
type SiteQuery struct {
	After       string
	Limit       int
	Departement string
	Commune     string
	Located     *bool
}

// GetSite returns a site by resource name, or store.ErrNotFound.
func (d *DB) GetSite(ctx context.Context, name string) (*directoryv1.Site, error) {
	s, err := scanSite(d.db.QueryRowContext(ctx, `SELECT name, doc, update_time_us FROM sites WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return s, d.classify(err)
}

// ListSites returns the sites matching q, by name.
func (d *DB) ListSites(ctx context.Context, q SiteQuery) ([]*directoryv1.Site, error) {
	w := &where{}
	w.add("name > ?", q.After)
	if q.Departement != "" {
		w.add("departement = ?", q.Departement)
	}
	if q.Commune != "" {
		w.add("commune = ?", q.Commune)
	}
	if q.Located != nil {
		w.add("located = ?", *q.Located)
	}
	rows, err := d.db.QueryContext(ctx, `SELECT name, doc, update_time_us FROM sites WHERE `+w.sql()+
		` ORDER BY name LIMIT `+strconv.Itoa(q.Limit), w.args...)
	if err != nil {
		return nil, d.classify(err)
	}
	return collect(rows, scanSite)
}

func scanSite(s scanner) (*directoryv1.Site, error) {
	var name string
	var doc []byte
	var updated int64
	if err := s.Scan(&name, &doc, &updated); err != nil {
		return nil, err
	}
	site := &directoryv1.Site{}
	if err := proto.Unmarshal(doc, site); err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	site.UpdateTime = timestamppb.New(time.UnixMicro(updated))
	return site, nil
}
