package server_test

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/dbtest"
	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

// BenchmarkPushPostgres measures the sustained vendor push into PostgreSQL
// through gRPC: 4 vendors at once, batches of 500 new slots. It reports
// slots a second and the batch latency p50/p99 (the load runs on the same
// cores as the server and PostgreSQL).
func BenchmarkPushPostgres(b *testing.B) {
	pool := pgtest.New(b, "availability", store.Migrations("postgres"))
	db := stdlib.OpenDBFromPool(pool)
	b.Cleanup(func() { db.Close() })
	v := newBenchEnv(b, dbtest.Engine{DB: db, Classify: postgres.ClassifyError})
	const pros, batch, vendors = 4000, 500, 4
	var dir []store.Professional
	for i := range pros {
		dir = append(dir, store.Professional{NationalID: fmt.Sprintf("8%011d", 10000000+i), Active: true, Sites: []string{"sites/a"}})
	}
	if _, err := v.db.ApplyDirectory(v.ctx, dir, nil, ""); err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range vendors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vendor := "vendors/bench-" + strconv.Itoa(w)
			for {
				n := next.Add(1)
				if n > int64(b.N) {
					return
				}
				req := &availabilityv1.BatchUpsertSlotsRequest{Parent: vendor}
				for i := range batch {
					k := int(n)*batch + i
					pro := dir[k%pros].NationalID
					// Each professional's 30-minute slots follow each other.
					s := slot("s"+strconv.Itoa(k), pro, 0.5+float64(k/pros)/2)
					req.Slots = append(req.Slots, s)
				}
				// A context per batch: the helper's deadline (20 s) bounds one call.
				ctx := v.vendor("bench-" + strconv.Itoa(w))
				t0 := time.Now()
				resp, err := v.slots.BatchUpsertSlots(ctx, req)
				if err != nil || len(resp.GetErrors()) > 0 {
					b.Errorf("batch %d: %v, %d slots refused", n, err, len(resp.GetErrors()))
					return
				}
				mu.Lock()
				lat = append(lat, time.Since(t0))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat)*batch)/elapsed.Seconds(), "slots/s")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}
