package store

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"
	"google.golang.org/protobuf/proto"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
)

// slotCopyColumns are the columns of a slot row, as upsertChunk writes them.
var slotCopyColumns = []string{"id", "vendor", "external_id", "national_id", "start_us", "end_us", "published", "doc",
	"version", "create_time_us", "update_time_us"}

// seedExt is the external id of the seq-th seeded slot of professional i.
func (w benchWorld) seedExt(i, seq int) string {
	return "p" + strconv.Itoa(i) + "-" + strconv.Itoa(seq)
}

// seedSlots writes with COPY the first perPro grid slots of professionals
// [lo, hi) exactly as UpsertSlots would have stored them (matched site in
// doc, published, version 1), as if pushed at instant at.
func (w benchWorld) seedSlots(ctx context.Context, conn *pgx.Conn, lo, hi, perPro int, at int64) error {
	i, seq := lo, 0
	_, err := conn.CopyFrom(ctx, pgx.Identifier{"slots"}, slotCopyColumns, pgx.CopyFromFunc(func() ([]any, error) {
		if i == hi {
			return nil, nil
		}
		s := w.slot(i, seq, w.seedExt(i, seq))
		doc, err := slotDoc(s, w.site(i).Name)
		row := []any{NewID(), w.vendor(i), s.GetExternalId(), w.nationalID(i), s.GetStartTime().AsTime().UnixMicro(),
			s.GetEndTime().AsTime().UnixMicro(), true, doc, int64(1), at, at}
		if seq++; seq == perPro {
			i, seq = i+1, 0
		}
		return row, err
	}))
	if err != nil {
		return fmt.Errorf("copy slots: %w", err)
	}
	return nil
}

// seedOutbox appends the outbox entries of the seeded slots, one per slot
// as the store records a new one.
func seedOutbox(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, `INSERT INTO outbox (kind, key, change_type, change_time_us)
		SELECT $1, id, $2, create_time_us FROM slots ORDER BY national_id, start_us`,
		KindSlot, int32(commonv1.ChangeType_CHANGE_TYPE_UPSERTED))
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

// checkSeed pushes professional i's seeded slots again through UpsertSlots:
// rows equal to what the store writes make it store them all and record no
// change.
func (w benchWorld) checkSeed(ctx context.Context, db *DB, i, perPro int) error {
	var slots []Indexed
	for seq := range perPro {
		slots = append(slots, Indexed{seq, w.slot(i, seq, w.seedExt(i, seq))})
	}
	before, err := db.LastSeq(ctx)
	if err != nil {
		return err
	}
	var res BatchResult
	if _, err := db.UpsertSlots(ctx, nil, w.vendor(i), slots, func(r BatchResult) proto.Message {
		res = r
		return nil
	}); err != nil {
		return err
	}
	after, err := db.LastSeq(ctx)
	if err != nil {
		return err
	}
	if res.Stored != perPro || len(res.Errors) > 0 || after != before {
		return fmt.Errorf("seeded rows differ from the store's: pushed again, %d stored, errors %v, %d changes",
			res.Stored, res.Errors, after-before)
	}
	return nil
}

// week is a vendor's new week for professional i, replacing the 8 seeded
// slots of [base, base+7d): the first 4 again unchanged, and 16 new slots
// (external ids of generation gen) later in the day; the rest go.
func (w benchWorld) week(i, gen int) []Indexed {
	var out []Indexed
	for seq := range 4 {
		out = append(out, Indexed{len(out), w.slot(i, seq, w.seedExt(i, seq))})
	}
	for seq := 2 * benchDays; len(out) < 20; seq++ {
		if seq%benchDays < 7 {
			out = append(out, Indexed{len(out), w.slot(i, seq, "w"+strconv.Itoa(gen)+"-"+strconv.Itoa(seq))})
		}
	}
	return out
}

// seedDirectory writes w's directory into the store under pool.
func seedDirectory(b *testing.B, w benchWorld, pool *pgxpool.Pool) {
	ctx := context.Background()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	if err := w.seedDirectory(ctx, conn.Conn()); err != nil {
		b.Fatal(err)
	}
}

// seedStore writes w's directory and perPro slots of each professional into
// the store under pool (the slots on two connections at once), then vacuums
// and analyzes; it logs and returns how long that took.
func seedStore(b *testing.B, w benchWorld, pool *pgxpool.Pool, perPro int) time.Duration {
	ctx := context.Background()
	start := time.Now()
	seedDirectory(b, w, pool)
	at := time.Now().UnixMicro()
	g, gctx := errgroup.WithContext(ctx)
	for _, half := range [][2]int{{0, w.pros / 2}, {w.pros / 2, w.pros}} {
		g.Go(func() error {
			return pool.AcquireFunc(gctx, func(c *pgxpool.Conn) error {
				return w.seedSlots(gctx, c.Conn(), half[0], half[1], perPro, at)
			})
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
	copied := time.Since(start)
	err := pool.AcquireFunc(ctx, func(c *pgxpool.Conn) error {
		if err := seedOutbox(ctx, c.Conn()); err != nil {
			return err
		}
		_, err := c.Exec(ctx, `VACUUM (ANALYZE) slots, outbox, dir_professionals, dir_sites`)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	seed := time.Since(start)
	b.Logf("seeded %d slots of %d professionals in %s (directory and slots COPY %s, outbox and VACUUM ANALYZE %s)",
		w.pros*perPro, w.pros, seed.Round(time.Millisecond), copied.Round(time.Millisecond),
		(seed - copied).Round(time.Millisecond))
	return seed
}

// checkPlainPath writes a batch through the store, then the same batch
// through p, which must find nothing to change; then deletes it.
func checkPlainPath(b *testing.B, db *DB, p *plainPath, w benchWorld, first int) {
	ctx := context.Background()
	const vendor = "vendors/check"
	_, slots := w.batch(b, 0, first)
	ix := make([]Indexed, len(slots))
	for i, s := range slots {
		ix[i] = Indexed{i, s}
	}
	if _, err := db.UpsertSlots(ctx, nil, vendor, ix, func(BatchResult) proto.Message { return nil }); err != nil {
		b.Fatal(err)
	}
	n, err := p.write(ctx, vendor, slots)
	if err != nil || n != 0 {
		b.Fatalf("the plain path changed %d rows the store wrote (%v): they differ", n, err)
	}
	_, err = p.conn.Exec(ctx, `WITH gone AS (DELETE FROM slots WHERE vendor = $1 RETURNING id)
		DELETE FROM outbox WHERE key IN (SELECT id FROM gone)`, vendor)
	if err != nil {
		b.Fatal(err)
	}
}
