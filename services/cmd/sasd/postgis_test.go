package main

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
)

// postgis holds the same professionals, sites and slots as the platform in
// one PostGIS table per kind, to time the same searches as single SQL
// queries: a combined GiST index on profession and location, ORDER BY
// distance LIMIT 25, and a slot in the window for each row found.
type postgis struct {
	conn *pgx.Conn
}

// loadPostGIS copies the world into PostGIS tables in the bench database.
func loadPostGIS(b *testing.B, url string, w *searchWorld) *postgis {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`CREATE EXTENSION IF NOT EXISTS postgis`,
		`CREATE EXTENSION IF NOT EXISTS btree_gist`,
		`CREATE SCHEMA postgis_bench`,
		`CREATE TABLE postgis_bench.raw (professional text, site text, profession text, lon float8, lat float8)`,
		`CREATE TABLE postgis_bench.slots (professional text, start_time timestamptz)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatalf("%s: %v (PostGIS comes from the Debian package postgresql-15-postgis-3)", q, err)
		}
	}
	t0 := time.Now()
	rows := make([][]any, 0, len(w.pros))
	for _, p := range w.pros {
		rows = append(rows, []any{p.name, p.site, p.profession, p.lon, p.lat})
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"postgis_bench", "raw"}, []string{"professional", "site", "profession", "lon", "lat"}, pgx.CopyFromRows(rows)); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE postgis_bench.entries AS SELECT professional, site, profession,
		ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography AS geog FROM postgis_bench.raw`); err != nil {
		b.Fatal(err)
	}
	var slots [][]any
	for _, s := range w.pushed {
		slots = append(slots, []any{s.professional, s.start})
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"postgis_bench", "slots"}, []string{"professional", "start_time"}, pgx.CopyFromRows(slots)); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`CREATE INDEX ON postgis_bench.entries USING gist (profession, geog)`,
		`CREATE INDEX ON postgis_bench.slots (professional, start_time)`,
		`ANALYZE postgis_bench.entries`, `ANALYZE postgis_bench.slots`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("PostGIS: %d entries and %d slots loaded and indexed in %s", len(rows), len(slots), time.Since(t0).Round(time.Millisecond))
	return &postgis{conn: conn}
}

// search runs req as one query. Without a profession filter the profession
// column of the index is not used, as a real plan would do.
func (g *postgis) search(ctx context.Context, req *searchv1.SearchSlotsRequest) (int, error) {
	pt := req.GetPoint()
	profession := ""
	if len(req.GetProfessions()) > 0 {
		profession = req.GetProfessions()[0]
	}
	rows, err := g.conn.Query(ctx, `
		SELECT e.professional, ST_Distance(e.geog, p.g)
		FROM postgis_bench.entries e, (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography AS g) p
		WHERE ($3 = '' OR e.profession = $3) AND ST_DWithin(e.geog, p.g, $4)
		  AND EXISTS (SELECT 1 FROM postgis_bench.slots s WHERE s.professional = e.professional
		              AND s.start_time >= $5 AND s.start_time < $6)
		ORDER BY e.geog <-> p.g
		LIMIT 25`,
		pt.GetLongitude(), pt.GetLatitude(), profession, float64(req.GetRadiusMeters()),
		req.GetWindow().GetStartTime().AsTime(), req.GetWindow().GetEndTime().AsTime())
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// time runs queries one after the other and returns p50 and p99.
func (g *postgis) time(b *testing.B, queries []*searchv1.SearchSlotsRequest) (p50, p99 time.Duration) {
	lat := make([]time.Duration, 0, len(queries))
	for _, q := range queries {
		t0 := time.Now()
		if _, err := g.search(context.Background(), q); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*99/100]
}

// parisQueries are searches around Paris (10 km, the densest place).
func parisQueries(r *rand.Rand, w *searchWorld, n int) []*searchv1.SearchSlotsRequest {
	out := make([]*searchv1.SearchSlotsRequest, n)
	for i := range out {
		q := w.query(r)
		q.GetPoint().Latitude, q.GetPoint().Longitude = 48.8566+(r.Float64()-0.5)*0.04, 2.3522+(r.Float64()-0.5)*0.06
		q.RadiusMeters = 10000
		out[i] = q
	}
	return out
}
