package store

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
)

// The benchmarks of issue 5's store targets, on PostgreSQL (see pgtest for
// the server): the store's batch upsert beside the plain SQL path on the same
// rows, and the replace-window of one professional's week in a full store.
// Each runs its loop once per -count (b.Loop), on a fresh database.

// benchBatch is the size of a vendor's batch.
const benchBatch = 500

// benchPushPros is how many professionals the upsert batches spread over.
const benchPushPros = 5000

// pushStates are the stores the upsert benchmarks push into: empty (the
// directory only; its statistics are those of an empty table) or seeded
// with 15 slots of each professional (75,000), vacuumed and analyzed.
var pushStates = []struct {
	name   string
	perPro int
}{{"empty", 0}, {"seeded", 15}}

// pushStore returns a store of w's directory in state perPro (see pushStates).
func pushStore(b *testing.B, w benchWorld, perPro int) (*DB, *pgxpool.Pool) {
	db, pool := benchStore(b)
	if perPro == 0 {
		seedDirectory(b, w, pool)
	} else {
		seedStore(b, w, pool, perPro)
	}
	return db, pool
}

// BenchmarkStoreUpsertPostgres measures UpsertSlots on one goroutine:
// batches of 500 new slots, each of one of four vendors for its own
// professionals (5,000 in all), over the next 14 days. It reports slots a
// second over the batches' time and the batch p50/p99.
func BenchmarkStoreUpsertPostgres(b *testing.B) {
	for _, state := range pushStates {
		b.Run(state.name, func(b *testing.B) {
			ctx := context.Background()
			w := newBenchWorld(benchPushPros)
			db, _ := pushStore(b, w, state.perPro)
			var lat []time.Duration
			for g := 0; b.Loop(); g++ {
				vendor, slots := w.batch(b, g, state.perPro)
				ix := make([]Indexed, len(slots))
				for i, s := range slots {
					ix[i] = Indexed{i, s}
				}
				var res BatchResult
				start := time.Now()
				_, err := db.UpsertSlots(ctx, nil, vendor, ix, func(r BatchResult) proto.Message { res = r; return nil })
				lat = append(lat, time.Since(start))
				if err != nil || res.Stored != len(slots) {
					b.Fatalf("batch %d: %v, %d stored, errors %v", g, err, res.Stored, res.Errors)
				}
			}
			reportBatches(b, lat, benchBatch)
		})
	}
}

// BenchmarkPlainSQLPostgres measures the plain SQL path on the rows of
// BenchmarkStoreUpsertPostgres, on one connection: COPY of the batch into a
// temporary table, then INSERT … SELECT … ON CONFLICT DO UPDATE, in a
// transaction; "outbox" also appends the changed rows' outbox entries, as
// the store does. It first checks that a batch the store wrote is, for this
// path, unchanged: both write the same rows.
func BenchmarkPlainSQLPostgres(b *testing.B) {
	for _, state := range pushStates {
		for _, outbox := range []bool{false, true} {
			name := state.name + "/bare"
			if outbox {
				name = state.name + "/outbox"
			}
			b.Run(name, func(b *testing.B) { benchPlainSQL(b, state.perPro, outbox) })
		}
	}
}

func benchPlainSQL(b *testing.B, perPro int, outbox bool) {
	ctx := context.Background()
	w := newBenchWorld(benchPushPros)
	db, pool := pushStore(b, w, perPro)
	p, err := newPlainPath(ctx, pool, w, outbox)
	if err != nil {
		b.Fatal(err)
	}
	defer p.conn.Release()
	checkPlainPath(b, db, p, w, perPro)
	var lat []time.Duration
	for g := 0; b.Loop(); g++ {
		vendor, slots := w.batch(b, g, perPro)
		start := time.Now()
		n, err := p.write(ctx, vendor, slots)
		lat = append(lat, time.Since(start))
		if err != nil || n != int64(len(slots)) {
			b.Fatalf("batch %d: %v, %d rows written", g, err, n)
		}
	}
	reportBatches(b, lat, benchBatch)
}

// BenchmarkReplaceWindowPostgres measures ReplaceSlots of one random
// professional's week (20 slots: 4 unchanged, 16 new, the others of the
// week deleted) in a store of 15 future slots per professional over 14
// days, reporting the p50 and p99 in ms. The store holds 150,000 slots
// (10,000 professionals), 1,500,000 (100,000) with SAS_BENCH_FULL=1, as
// make bench sets; the rows are seeded with COPY, then checked against the
// store's own upsert, then vacuumed and analyzed.
func BenchmarkReplaceWindowPostgres(b *testing.B) {
	const perPro = 15
	pros := 10_000
	if os.Getenv("SAS_BENCH_FULL") == "1" {
		pros = 100_000
	}
	ctx := context.Background()
	db, pool := benchStore(b)
	w := newBenchWorld(pros)
	seed := seedStore(b, w, pool, perPro)
	if err := w.checkSeed(ctx, db, pros/2, perPro); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, uint64(pros)))
	from, to := w.base, w.base.Add(7*24*time.Hour)
	var lat []time.Duration
	for gen := 0; b.Loop(); gen++ {
		i := rng.IntN(pros)
		week := w.week(i, gen)
		var res BatchResult
		start := time.Now()
		_, err := db.ReplaceSlots(ctx, nil, w.vendor(i), []string{w.nationalID(i)}, from, to, week,
			func(r BatchResult) proto.Message { res = r; return nil })
		lat = append(lat, time.Since(start))
		if err != nil || res.Stored != len(week) || len(res.Errors) > 0 || res.Deleted == 0 {
			b.Fatalf("replace %d of %s: %v, %+v", gen, w.nationalID(i), err, res)
		}
	}
	reportBatches(b, lat, 0)
	b.ReportMetric(seed.Seconds(), "seed-s")
}

// batch is the g-th batch of new slots and its vendor: vendor g%4 for its
// own professionals, its k-th slot for its k%(pros/4)-th professional, on
// the grid after the first slots.
func (w benchWorld) batch(b *testing.B, g, first int) (string, []*availabilityv1.Slot) {
	v, per := g%4, w.pros/4
	out := make([]*availabilityv1.Slot, benchBatch)
	for j := range out {
		k := g/4*benchBatch + j
		seq := first + k/per
		if seq >= benchGrid {
			b.Fatalf("batch %d: more slots than the professionals' grids hold", g)
		}
		out[j] = w.slot(4*(k%per)+v, seq, "s"+strconv.Itoa(g)+"-"+strconv.Itoa(j))
	}
	return w.vendor(v), out
}

// reportBatches reports perBatch items a second over the batches' own time
// (when perBatch > 0) and the batch latency p50 and p99 in ms; with 20
// batches the p99 is the slowest.
func reportBatches(b *testing.B, lat []time.Duration, perBatch int) {
	if len(lat) == 0 {
		return
	}
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	if perBatch > 0 {
		b.ReportMetric(float64(perBatch*len(lat))/sum.Seconds(), "slots/s")
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
