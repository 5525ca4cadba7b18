package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/dbtest"
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
	stop := time.Now().Add(2 * time.Second)
	var writers []func()
	for w := range 4 {
		db := replicas[w%2]
		writers = append(writers, func() {
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
	dbtest.FollowFeed(t, 100, func(after int64) ([]store.Change, error) { return replicas[1].Changes(ctx, after, 1000) },
		func(c store.Change) int64 { return c.Seq }, writers...)
}
