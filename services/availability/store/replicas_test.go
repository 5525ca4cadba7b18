package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
)

// TestReplicasFeedSkipsNothing runs two stores on one PostgreSQL database,
// as two replicas of the service do, writing at once, while a watcher
// follows the change feed as Watch does (changes after the last one seen).
// Sequence numbers must commit in order across both: a change committed
// behind one the watcher already passed would never reach it.
func TestReplicasFeedSkipsNothing(t *testing.T) {
	pool := pgtest.New(t, "availability", store.Migrations("postgres"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var replicas []*store.DB
	for range 2 {
		db := stdlib.OpenDBFromPool(pool)
		t.Cleanup(func() { db.Close() })
		replicas = append(replicas, store.New(db, postgres.ClassifyError))
	}
	if _, err := replicas[0].ApplyDirectory(ctx, []store.Professional{{NationalID: "810000000001", Active: true}}, nil, ""); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := time.Now().Add(2 * time.Second)
	for w := range 4 {
		db := replicas[w%2]
		wg.Go(func() {
			for i := 0; time.Now().Before(stop); i++ {
				// Slots one minute long, apart per writer: no overlap.
				start := 24*60*w + i
				s := slot(fmt.Sprintf("w%d-%d", w, i), "810000000001", 0, 0, nil)
				s.StartTime.Seconds += int64(start * 60)
				s.EndTime.Seconds += int64(start*60 + 60)
				if res := upsert(t, db, "vendors/v1", s); res.Stored != 1 {
					t.Errorf("writer %d: %v", w, res.Errors)
					return
				}
			}
		})
	}
	seen := map[int64]bool{}
	var after int64
	follow := func() {
		for {
			list, err := replicas[1].Changes(ctx, after, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) == 0 {
				return
			}
			for _, c := range list {
				seen[c.Seq] = true
				after = c.Seq
			}
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		follow()
	}
	follow()
	all, err := replicas[0].Changes(ctx, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var missed []int64
	for _, c := range all {
		if !seen[c.Seq] {
			missed = append(missed, c.Seq)
		}
	}
	if len(all) < 100 || len(missed) > 0 {
		t.Errorf("%d changes, the watcher missed %d: %v", len(all), len(missed), missed[:min(len(missed), 10)])
	}
}
