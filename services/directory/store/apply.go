package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

// Stored is what change detection needs of a stored professional.
type Stored struct {
	Hash   uint64
	Active bool
}

// ProfessionalHashes calls fn with the content hash and state of every stored professional.
func (d *DB) ProfessionalHashes(ctx context.Context, fn func(nationalID string, s Stored)) error {
	rows, err := d.db.QueryContext(ctx, `SELECT national_id, content_hash, active FROM professionals`)
	if err != nil {
		return d.classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var h int64
		var active bool
		if err := rows.Scan(&id, &h, &active); err != nil {
			return d.classify(err)
		}
		fn(id, Stored{Hash: uint64(h), Active: active})
	}
	return d.classify(rows.Err())
}

// SiteHashes calls fn with the name and content hash of every stored site.
func (d *DB) SiteHashes(ctx context.Context, fn func(name string, hash uint64)) error {
	rows, err := d.db.QueryContext(ctx, `SELECT name, content_hash FROM sites`)
	if err != nil {
		return d.classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var h int64
		if err := rows.Scan(&name, &h); err != nil {
			return d.classify(err)
		}
		fn(name, uint64(h))
	}
	return d.classify(rows.Err())
}

// ActivityRow is what the filters need of one activity.
type ActivityRow struct {
	Site, Specialty, Departement, Commune string
}

// Apply is the single transaction in which an import changes the directory:
// nothing is visible until Commit, and Rollback leaves the previous state.
// Rows are buffered and written many per statement.
type Apply struct {
	d    *DB
	ctx  context.Context
	conn *sql.Conn // pinned: a load runs COPY on the transaction's connection
	tx   *sql.Tx
	now  time.Time
	load bool // a first import on PostgreSQL: see load.go
	batch
	ord int64 // order of the staged changes
	// A writer goroutine writes full batches while the importer builds the
	// next one: the database and the parsing share the machine's cores.
	batches chan batch
	written chan error
}

// batch is buffered rows, in the columns of their statements.
type batch struct {
	sites, pros, acts, changes [][]any
	proIDs, inactive           []any
	siteRows                   map[string]int // site name → its row: a site put again replaces its row
}

// batchRows is how many rows one statement writes.
const batchRows = 1000

// BeginApply starts an import's transaction. Its changes are staged in a
// temporary table and moved to the outbox at Commit, under the store's write
// lock: other writers (an opt-out) wait only for that last step on
// PostgreSQL. SQLite has a single writer: they wait for the whole import.
// Into an empty directory on PostgreSQL, the import is a load (see load.go).
func (d *DB) BeginApply(ctx context.Context) (*Apply, error) { return d.begin(ctx, false) }

// BeginLoad starts the transaction of an import that loads an empty
// directory (see load.go), or returns nil when it cannot: the directory is
// not empty, or not on PostgreSQL.
func (d *DB) BeginLoad(ctx context.Context) (*Apply, error) { return d.begin(ctx, true) }

func (d *DB) begin(ctx context.Context, loadOnly bool) (*Apply, error) {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return nil, d.classify(err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		_ = conn.Close()
		return nil, d.classify(err)
	}
	a := &Apply{d: d, ctx: ctx, conn: conn, tx: tx, now: time.Now(), batches: make(chan batch, 1), written: make(chan error, 1)}
	a.load, err = a.startLoad()
	if err == nil && !a.load && !loadOnly {
		_, err = a.tx.ExecContext(a.ctx, `CREATE TEMPORARY TABLE pending_changes (ord BIGINT NOT NULL, kind TEXT NOT NULL,
			name TEXT NOT NULL, change_type INTEGER NOT NULL, change_time_us BIGINT NOT NULL)`)
	}
	if err != nil || (loadOnly && !a.load) {
		_ = tx.Rollback()
		_ = conn.Close()
		return nil, d.classify(err)
	}
	go a.writer(a.batches)
	return a, nil
}

// writer writes the batches in order; after an error it drains the rest.
func (a *Apply) writer(batches <-chan batch) {
	var err error
	for b := range batches {
		if err == nil {
			err = a.write(b)
		}
	}
	a.written <- err
}

// PutProfessional adds (replace false) or replaces a professional, active
// again, and its activities.
func (a *Apply) PutProfessional(p *directoryv1.Professional, hash uint64, acts []ActivityRow, replace bool) error {
	doc, err := proto.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode %s: %w", p.Name, err)
	}
	a.pros = append(a.pros, []any{p.NationalId, codeOf(p.Profession), int64(hash), doc, a.now.UnixMicro(), true, false, int64(1)})
	if replace {
		a.proIDs = append(a.proIDs, p.NationalId)
	}
	for _, act := range acts {
		a.acts = append(a.acts, []any{p.NationalId, act.Site, act.Specialty, act.Departement, act.Commune})
	}
	a.change(kindProfessional, p.Name)
	return a.flushIfFull()
}

// PutSite adds or replaces a site, doc being its encoding.
// A site put twice in a batch (one id, other content: lines of one site
// differ) keeps its last content, which one statement can write.
func (a *Apply) PutSite(s *directoryv1.Site, doc []byte, hash uint64, departement, commune string) error {
	row := []any{s.Name, departement, commune, s.Location != nil, int64(hash), doc, a.now.UnixMicro()}
	if i, ok := a.siteRows[s.Name]; ok {
		a.sites[i] = row
		return nil
	}
	if a.siteRows == nil {
		a.siteRows = map[string]int{}
	}
	a.siteRows[s.Name] = len(a.sites)
	a.sites = append(a.sites, row)
	a.change(kindSite, s.Name)
	return a.flushIfFull()
}

// Deactivate marks a professional absent from the extraction as inactive.
func (a *Apply) Deactivate(nationalID string) error {
	a.inactive = append(a.inactive, nationalID)
	a.change(kindProfessional, ProfessionalName(nationalID))
	return a.flushIfFull()
}

// PutCode adds or relabels a code.
func (a *Apply) PutCode(c Code) error {
	_, err := a.tx.ExecContext(a.ctx, `INSERT INTO codes (kind, code, label, extra) VALUES ($1, $2, $3, $4)
		ON CONFLICT (kind, code) DO UPDATE SET label = excluded.label, extra = excluded.extra`, c.Kind, c.Code, c.Label, c.Extra)
	return a.d.classify(err)
}

// Commit writes what is buffered, moves the staged changes to the outbox
// (a load swaps its tables in) and makes the import visible.
func (a *Apply) Commit() error {
	defer a.conn.Close()
	a.flush()
	err := a.wait()
	if err == nil && a.load {
		err = a.d.classify(a.index())
	}
	if err != nil {
		_ = a.tx.Rollback()
		return err
	}
	a.d.writes.Lock()
	defer a.d.writes.Unlock()
	if err := store.LockOutbox(a.ctx, a.d.db, a.tx); err != nil {
		_ = a.tx.Rollback()
		return a.d.classify(err)
	}
	publish := a.moveChanges
	if a.load {
		publish = a.swap
	}
	if err := publish(); err != nil {
		_ = a.tx.Rollback()
		return a.d.classify(err)
	}
	return a.d.classify(a.tx.Commit())
}

// moveChanges appends the staged changes to the outbox, in their order.
func (a *Apply) moveChanges() error {
	for _, q := range []string{`INSERT INTO outbox (kind, name, change_type, change_time_us)
		SELECT kind, name, change_type, change_time_us FROM pending_changes ORDER BY ord`, `DROP TABLE pending_changes`} {
		if _, err := a.tx.ExecContext(a.ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// Rollback abandons the import; the previous state stays.
func (a *Apply) Rollback() {
	_ = a.wait()
	_ = a.tx.Rollback()
	_ = a.conn.Close()
}

// wait stops the writer and returns its error.
func (a *Apply) wait() error {
	if a.batches == nil {
		return nil
	}
	close(a.batches)
	a.batches = nil
	return <-a.written
}

func (a *Apply) change(kind, name string) {
	if a.load {
		return // a load publishes its tables' rows at the swap
	}
	a.ord++
	a.changes = append(a.changes, []any{a.ord, kind, name, int32(commonv1.ChangeType_CHANGE_TYPE_UPSERTED), a.now.UnixMicro()})
}

func (a *Apply) flushIfFull() error {
	full := len(a.changes) >= batchRows
	if a.load {
		full = len(a.sites)+len(a.pros)+len(a.acts) >= loadRows
	}
	if full {
		a.flush()
	}
	return nil
}

// flush hands the buffered rows to the writer.
func (a *Apply) flush() {
	a.batches <- a.batch
	a.batch = batch{}
}

// write writes a batch: sites and professionals before the activities that
// reference them, the staged changes in their order.
func (a *Apply) write(b batch) error {
	if a.load {
		return a.d.classify(a.copy(b))
	}
	steps := []func() error{
		func() error { return a.insert(siteInsert, siteUpsert, b.sites) },
		func() error { return a.insert(proInsert, proUpsert, b.pros) },
		func() error { return a.exec(`DELETE FROM activities WHERE national_id IN `, b.proIDs, "") },
		func() error { return a.insert(actInsert, "", b.acts) },
		func() error {
			return a.exec(`UPDATE professionals SET active = FALSE, version = version + 1, update_time_us = `+
				fmt.Sprint(a.now.UnixMicro())+` WHERE national_id IN `, b.inactive, "")
		},
		func() error { return a.insert(stageInsert, "", b.changes) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return a.d.classify(err)
		}
	}
	return nil
}

const (
	siteInsert = `INSERT INTO sites (name, departement, commune, located, content_hash, doc, update_time_us) VALUES `
	siteUpsert = ` ON CONFLICT (name) DO UPDATE SET departement = excluded.departement, commune = excluded.commune,
		located = excluded.located, content_hash = excluded.content_hash, doc = excluded.doc, update_time_us = excluded.update_time_us`
	proInsert = `INSERT INTO professionals (national_id, profession, content_hash, doc, update_time_us, active, opted_out, version) VALUES `
	proUpsert = ` ON CONFLICT (national_id) DO UPDATE SET profession = excluded.profession, active = TRUE,
		content_hash = excluded.content_hash, doc = excluded.doc, version = professionals.version + 1,
		update_time_us = excluded.update_time_us`
	actInsert   = `INSERT INTO activities (national_id, site, specialty, departement, commune) VALUES `
	stageInsert = `INSERT INTO pending_changes (ord, kind, name, change_type, change_time_us) VALUES `
)

// insert writes rows with multi-row VALUES, batchRows at a time.
func (a *Apply) insert(head, tail string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), batchRows)
		var sb strings.Builder
		var args []any
		sb.WriteString(head)
		for i, row := range rows[:n] {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteByte('(')
			for j, v := range row {
				if j > 0 {
					sb.WriteByte(',')
				}
				args = append(args, v)
				sb.WriteString("$" + strconv.Itoa(len(args)))
			}
			sb.WriteByte(')')
		}
		sb.WriteString(tail)
		if _, err := a.tx.ExecContext(a.ctx, sb.String(), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// exec runs head + "(ids…)" + tail, batchRows ids at a time.
func (a *Apply) exec(head string, ids []any, tail string) error {
	for len(ids) > 0 {
		n := min(len(ids), batchRows)
		marks := make([]string, n)
		for i := range marks {
			marks[i] = "$" + strconv.Itoa(i+1)
		}
		if _, err := a.tx.ExecContext(a.ctx, head+"("+strings.Join(marks, ",")+")"+tail, ids[:n]...); err != nil {
			return err
		}
		ids = ids[n:]
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
