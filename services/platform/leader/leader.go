// Package leader runs work on one replica at a time: the background work of
// a service whose replicas share a PostgreSQL database (a vendor must not be
// pulled by every replica, nor the directory feed applied twice).
package leader

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// Options tune Run.
type Options struct {
	// Retry is how often a follower tries to take the lease, and how long
	// a new leader waits before it starts the work; the leader checks its
	// connection, hence its lease, four times as often, so that a leader
	// whose session was cut has stopped before the next one starts.
	// Default 2 s.
	Retry time.Duration
	Log   *slog.Logger
}

// Run calls fn while this process holds the lease name on db, until ctx
// ends. On PostgreSQL the lease is a session advisory lock, keyed by the
// schema and name, held on a connection of Run's own: another replica takes
// it when this one stops or loses that connection (fn's context is then
// cancelled, and Run waits for fn before trying again). On SQLite, whose
// database one process owns, fn runs at once.
func Run(ctx context.Context, db *sql.DB, name string, o Options, fn func(context.Context)) {
	if _, pg := db.Driver().(*stdlib.Driver); !pg {
		fn(ctx)
		return
	}
	if o.Retry <= 0 {
		o.Retry = 2 * time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	for {
		if held, err := lead(ctx, db, name, o, fn); err != nil && ctx.Err() == nil {
			o.Log.Warn("leader lease", "lease", name, "held", held, "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(o.Retry):
		}
	}
}

// lead tries to take the lease once; when it does, it runs fn until ctx
// ends or the connection fails. It reports whether it held the lease.
func lead(ctx context.Context, db *sql.DB, name string, o Options, fn func(context.Context)) (bool, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext(current_schema() || '.' || $1))`, name).Scan(&got); err != nil || !got {
		return false, err
	}
	// The connection goes back to the pool: the session must not keep the lock.
	defer func() {
		unlock, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_, _ = conn.ExecContext(unlock, `SELECT pg_advisory_unlock(hashtext(current_schema() || '.' || $1))`, name)
	}()
	check := func() error {
		ctx, cancel := context.WithTimeout(ctx, o.Retry/4)
		defer cancel()
		return conn.PingContext(ctx)
	}
	select {
	case <-ctx.Done():
		return true, nil
	case <-time.After(o.Retry):
	}
	if err := check(); err != nil {
		return true, err
	}
	o.Log.Info("leader lease taken", "lease", name)
	work, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); fn(work) }()
	// The work stops before the lock is released (defers run last first).
	defer func() { stop(); <-done }()
	tick := time.NewTicker(o.Retry / 4)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return true, nil
		case <-done:
			return true, nil
		case <-tick.C:
			if err := check(); err != nil {
				// The lease went with the session: stop the work before
				// another replica starts it.
				return true, err
			}
		}
	}
}
