package leader_test

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sas-platform/sas/services/platform/leader"
	"github.com/sas-platform/sas/services/platform/postgres"
	"github.com/sas-platform/sas/services/platform/postgres/pgtest"
	"github.com/sas-platform/sas/services/platform/sqlite/sqlitetest"
)

// replica runs leader.Run on its own connection pool, as a process does,
// and records when its work runs.
type replica struct {
	stop    context.CancelFunc
	done    chan struct{}
	running atomic.Bool
	starts  atomic.Int32
}

func startReplica(t *testing.T, url string, active *atomic.Int32, overlap *atomic.Bool) *replica {
	ctx, cancel := context.WithCancel(context.Background())
	pool, err := postgres.Open(ctx, postgres.Config{URL: url, Schema: "availability"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(pool)
	r := &replica{stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		defer pool.Close()
		defer db.Close()
		leader.Run(ctx, db, "pull", leader.Options{Retry: 50 * time.Millisecond}, func(ctx context.Context) {
			r.starts.Add(1)
			if active.Add(1) > 1 {
				overlap.Store(true)
			}
			r.running.Store(true)
			<-ctx.Done()
			r.running.Store(false)
			active.Add(-1)
		})
	}()
	t.Cleanup(func() { cancel(); <-r.done })
	return r
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
	}
}

// TestOneLeader runs three replicas on one PostgreSQL database: the work
// runs on exactly one; a replica that stops, or whose connection the server
// cuts, hands it to another, never to two at once.
func TestOneLeader(t *testing.T) {
	url := pgtest.NewEmpty(t)
	var active atomic.Int32
	var overlap atomic.Bool
	replicas := []*replica{startReplica(t, url, &active, &overlap), startReplica(t, url, &active, &overlap), startReplica(t, url, &active, &overlap)}
	leaderOf := func() *replica {
		for _, r := range replicas {
			if r.running.Load() {
				return r
			}
		}
		return nil
	}
	waitFor(t, "a leader", func() bool { return leaderOf() != nil })
	first := leaderOf()

	// The leader stops: another takes over.
	first.stop()
	<-first.done
	waitFor(t, "a second leader", func() bool { l := leaderOf(); return l != nil && l != first })
	second := leaderOf()

	// The server cuts the leader's sessions: its work stops, another leads.
	admin, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the cut leader's work stopped", func() bool { return !second.running.Load() || second.starts.Load() > 1 })
	waitFor(t, "a leader after the cut", func() bool { return leaderOf() != nil })
	time.Sleep(300 * time.Millisecond) // several retry periods with every replica trying
	if overlap.Load() {
		t.Fatal("the work ran on two replicas at once")
	}
	if n := active.Load(); n != 1 {
		t.Fatalf("work running on %d replicas, want 1", n)
	}
}

// TestSQLiteRunsAtOnce: an SQLite database has one process, which leads.
func TestSQLiteRunsAtOnce(t *testing.T) {
	db := sqlitetest.New(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	ran := make(chan struct{})
	wg.Go(func() {
		leader.Run(ctx, db, "pull", leader.Options{}, func(ctx context.Context) { close(ran); <-ctx.Done() })
	})
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("work did not start")
	}
	cancel()
	wg.Wait()
}
