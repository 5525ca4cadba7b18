// Package audit appends the audit trail: who did what to which resource,
// when, and how it ended. An interceptor records every audited RPC; handlers
// name the target's territory (and non-personal details) on the call's note.
// Events are batched to a Sink: the accounts store in the process that hosts
// accounts, the AuditService over gRPC elsewhere.
package audit

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/requestid"
)

// Event is one audit record; see accountsv1.AuditEvent.
type Event = accountsv1.AuditEvent

// Sink stores events durably.
type Sink interface {
	WriteAuditEvents(ctx context.Context, events []*Event) error
}

// Recorder batches events to its sink: at most batchSize events or
// flushEvery apart. A full buffer makes callers wait (never drops).
type Recorder struct {
	log     *slog.Logger
	sink    func() Sink
	events  chan *Event
	flushed chan struct{}
	once    sync.Once
	stop    chan struct{}
	done    chan struct{}
}

const (
	bufferSize = 10_000
	batchSize  = 500
	flushEvery = 200 * time.Millisecond
)

// NewRecorder starts a recorder; sink is resolved at each flush, so a
// service may be wired to it after start-up.
func NewRecorder(log *slog.Logger, sink func() Sink) *Recorder {
	r := &Recorder{log: log, sink: sink, events: make(chan *Event, bufferSize),
		stop: make(chan struct{}), done: make(chan struct{})}
	go r.run()
	return r
}

// Record appends e, filling actor, role, time and request id from ctx.
func (r *Recorder) Record(ctx context.Context, e *Event) {
	if p := auth.FromContext(ctx); p != nil && e.Actor == "" {
		e.Actor, e.ActorRole = p.Subject, p.Role
	}
	if e.Actor == "" {
		e.Actor = "anonymous"
	}
	if e.RequestId == "" {
		e.RequestId = requestid.FromContext(ctx)
	}
	if e.EventTime == nil {
		e.EventTime = nowProto()
	}
	select {
	case r.events <- e:
	case <-r.stop:
		r.log.Error("audit event after close", "action", e.Action)
	}
}

func (r *Recorder) run() {
	defer close(r.done)
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	var batch []*Event
	for {
		select {
		case e := <-r.events:
			batch = append(batch, e)
			if len(batch) < batchSize {
				continue
			}
		case <-tick.C:
		case <-r.stop:
			for len(r.events) > 0 {
				batch = append(batch, <-r.events)
			}
			r.flush(batch)
			return
		}
		batch = r.flush(batch)
	}
}

// flush writes batch, retrying for a while: the audit trail must not lose
// events because the store blinked.
func (r *Recorder) flush(batch []*Event) []*Event {
	if len(batch) == 0 {
		return batch
	}
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		sink := r.sink()
		var err error
		if sink == nil {
			err = errors.New("no audit sink yet")
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err = sink.WriteAuditEvents(ctx, batch)
			cancel()
		}
		if err == nil {
			return batch[:0]
		}
		if attempt >= 8 {
			r.log.Error("audit events not written", "count", len(batch), "err", err)
			return batch[:0]
		}
		r.log.Warn("audit write failed, retrying", "count", len(batch), "err", err)
		time.Sleep(backoff)
		backoff = min(2*backoff, 5*time.Second)
	}
}

// Close flushes what is buffered.
func (r *Recorder) Close(ctx context.Context) error {
	r.once.Do(func() { close(r.stop) })
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Outcome is the gRPC code of err as the audit trail stores it.
func Outcome(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	return status.Code(err)
}
