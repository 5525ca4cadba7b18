package store

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// A first import into an empty PostgreSQL directory is a load: it copies its
// rows (COPY) into fresh tables without indexes, builds their indexes once
// they are full, and swaps them in at commit. Maintaining indexes row by row
// is what makes a large import slow; the fresh tables are invisible to
// readers until the swap, which locks the live tables only for its renames.
// The fresh tables copy the columns, defaults and checks of the live ones and
// get their indexes from the catalog; foreign keys, triggers and grants are
// not copied (the tables have none).

// loadTables are the tables a load replaces, in the order readers lock them.
var loadTables = []string{"professionals", "activities", "sites"}

// loadKeys are the unique keys of the loaded tables: a site put twice in one
// import (same id, other content) is loaded twice and the last one is kept.
var loadKeys = map[string]string{"professionals": "national_id", "sites": "name"}

// loadRows is how many rows a load buffers per batch of COPY.
const loadRows = 20_000

const loadSuffix = "_load"

// loadSortMemory is the server memory an index build may sort in, for the
// import's transaction only: 2,000,000 activities sort in memory.
const loadSortMemory = "256MB"

// Columns written by COPY, in the order of the rows Apply buffers.
var (
	siteColumns     = []string{"name", "departement", "commune", "located", "content_hash", "doc", "update_time_us"}
	proColumns      = []string{"national_id", "profession", "content_hash", "doc", "update_time_us", "active", "opted_out", "version"}
	activityColumns = []string{"national_id", "site", "specialty", "departement", "commune"}
)

// startLoad creates the fresh tables when the directory is empty on
// PostgreSQL, and reports whether it did.
func (a *Apply) startLoad() (bool, error) {
	if err := a.pgx(func(*pgx.Conn) error { return nil }); err != nil {
		return false, ignore(err, errNotPostgres)
	}
	if empty, err := a.empty(); err != nil || !empty {
		return false, err
	}
	for _, t := range loadTables {
		if _, err := a.tx.ExecContext(a.ctx, `CREATE TABLE `+t+loadSuffix+` (LIKE `+t+` INCLUDING ALL EXCLUDING INDEXES)`); err != nil {
			return false, err
		}
	}
	return true, nil
}

// errNotPostgres is the answer of pgx on another engine.
var errNotPostgres = errors.New("not a PostgreSQL connection")

// pgx runs fn with the pgx connection of the transaction.
func (a *Apply) pgx(fn func(*pgx.Conn) error) error {
	return a.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errNotPostgres
		}
		return fn(c.Conn())
	})
}

// copy writes a batch into the fresh tables. Their rows are written frozen,
// as the transaction that creates the tables may: nothing rewrites them later
// to mark them visible.
func (a *Apply) copy(b batch) error {
	if len(b.proIDs) > 0 || len(b.inactive) > 0 {
		return errors.New("a load into an empty directory replaces or deactivates nothing")
	}
	for _, t := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{{"sites", siteColumns, b.sites}, {"professionals", proColumns, b.pros}, {"activities", activityColumns, b.acts}} {
		if len(t.rows) == 0 {
			continue
		}
		data, err := encodeCopy(t.rows)
		if err != nil {
			return err
		}
		err = a.pgx(func(c *pgx.Conn) error {
			_, err := c.PgConn().CopyFrom(a.ctx, bytes.NewReader(data), `COPY `+t.table+loadSuffix+
				` (`+strings.Join(t.cols, ", ")+`) FROM STDIN (FORMAT binary, FREEZE)`)
			return err
		})
		if err != nil {
			return fmt.Errorf("copy into %s: %w", t.table, err)
		}
	}
	return nil
}

// loadIndex is an index of a live table, rebuilt on its fresh copy.
type loadIndex struct {
	name, def, constraint string // constraint: "PRIMARY KEY", "UNIQUE" or ""
}

// index builds on each fresh table the indexes of its live table, and gathers statistics.
func (a *Apply) index() error {
	if err := a.execAll(`SET LOCAL maintenance_work_mem = '` + loadSortMemory + `'`); err != nil {
		return err
	}
	for _, t := range loadTables {
		indexes, err := a.indexes(t)
		if err != nil {
			return err
		}
		for _, ix := range indexes {
			if err := a.buildIndex(t, ix); err != nil {
				return err
			}
		}
		if err := a.execAll(`ANALYZE ` + t + loadSuffix); err != nil {
			return err
		}
	}
	return nil
}

// indexes returns the indexes of a live table, their definitions rewritten for its fresh copy.
func (a *Apply) indexes(table string) ([]loadIndex, error) {
	rows, err := a.tx.QueryContext(a.ctx, `SELECT i.relname, pg_get_indexdef(i.oid), CASE c.contype
		WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' ELSE '' END
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
		LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u')
		WHERE x.indrelid = $1::regclass ORDER BY i.relname`, table)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s scanner) (loadIndex, error) {
		var ix loadIndex
		if err := s.Scan(&ix.name, &ix.def, &ix.constraint); err != nil {
			return ix, err
		}
		// "CREATE [UNIQUE] INDEX name ON schema.table USING …"
		on, using := strings.Index(ix.def, " ON "), strings.Index(ix.def, " USING ")
		if on < 0 || using < on || !strings.HasSuffix(ix.def[:on], " "+ix.name) {
			return ix, fmt.Errorf("unexpected definition of index %s: %s", ix.name, ix.def)
		}
		ix.def = ix.def[:on] + loadSuffix + " ON " + table + loadSuffix + ix.def[using:]
		return ix, nil
	})
}

// buildIndex builds an index on a fresh table; a unique index that meets
// duplicates keeps the last row of each key and is built again.
func (a *Apply) buildIndex(table string, ix loadIndex) error {
	build := []string{ix.def}
	if ix.constraint != "" {
		build = append(build, `ALTER TABLE `+table+loadSuffix+` ADD CONSTRAINT `+ix.name+loadSuffix+` `+
			ix.constraint+` USING INDEX `+ix.name+loadSuffix)
	}
	key, dedupable := loadKeys[table]
	if _, err := a.tx.ExecContext(a.ctx, `SAVEPOINT build_index`); err != nil {
		return err
	}
	err := a.execAll(build...)
	var pgErr *pgconn.PgError
	if !dedupable || !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		return err
	}
	t := table + loadSuffix
	return a.execAll(append([]string{`ROLLBACK TO SAVEPOINT build_index`,
		`DELETE FROM ` + t + ` o USING ` + t + ` n WHERE n.` + key + ` = o.` + key + ` AND n.ctid > o.ctid`}, build...)...)
}

// execAll runs statements in order.
func (a *Apply) execAll(stmts ...string) error {
	for _, q := range stmts {
		if _, err := a.tx.ExecContext(a.ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// empty reports whether the live tables are empty.
func (a *Apply) empty() (bool, error) {
	var empty bool
	err := a.tx.QueryRowContext(a.ctx, `SELECT NOT EXISTS (SELECT 1 FROM professionals)
		AND NOT EXISTS (SELECT 1 FROM activities) AND NOT EXISTS (SELECT 1 FROM sites)`).Scan(&empty)
	return empty, err
}

// swap publishes the loaded rows in the outbox, then replaces the live tables
// (still empty: only imports write them, one at a time) by the fresh ones.
func (a *Apply) swap() error {
	upserted := int32(commonv1.ChangeType_CHANGE_TYPE_UPSERTED)
	if _, err := a.tx.ExecContext(a.ctx, `INSERT INTO outbox (kind, name, change_type, change_time_us)
		SELECT $1, name, $2, $3 FROM sites_load`, kindSite, upserted, a.now.UnixMicro()); err != nil {
		return err
	}
	if _, err := a.tx.ExecContext(a.ctx, `INSERT INTO outbox (kind, name, change_type, change_time_us)
		SELECT $1, $2 || national_id, $3, $4 FROM professionals_load`,
		kindProfessional, ProfessionalName(""), upserted, a.now.UnixMicro()); err != nil {
		return err
	}
	return a.rename()
}

// rename drops the live tables and gives their names to the fresh ones and
// their indexes; readers wait for it, from the lock to the commit.
func (a *Apply) rename() error {
	stmts := []string{`DROP TABLE ` + strings.Join(loadTables, ", ")}
	for _, t := range loadTables {
		indexes, err := a.indexes(t)
		if err != nil {
			return err
		}
		stmts = append(stmts, `ALTER TABLE `+t+loadSuffix+` RENAME TO `+t)
		for _, ix := range indexes {
			stmts = append(stmts, `ALTER INDEX `+ix.name+loadSuffix+` RENAME TO `+ix.name)
		}
	}
	if err := a.execAll(`LOCK TABLE ` + strings.Join(loadTables, ", ") + ` IN ACCESS EXCLUSIVE MODE`); err != nil {
		return err
	}
	empty, err := a.empty()
	if err != nil {
		return err
	}
	if !empty {
		return errors.New("the directory was written during its first import")
	}
	return a.execAll(stmts...)
}

// ignore returns err unless it is target.
func ignore(err, target error) error {
	if errors.Is(err, target) {
		return nil
	}
	return err
}
