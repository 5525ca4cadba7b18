// Package feed keeps the search read model current: it follows the
// directory's and availability's change feeds (a snapshot, then the changes
// after the last token) into an in-memory index, in batches, and reports the
// cells each batch changed so that the cache drops what they cover.
//
// The index lives in memory, so a process starts with the snapshots and
// keeps its resume tokens in memory: after a broken stream it resumes from
// the last change it applied, without missing or repeating one. When a feed
// no longer holds the changes after a token (a replica cut off for longer
// than the feed's retention), a new index is built from fresh snapshots
// beside the one in service, then swapped in.
package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/search/index"
)

// Tuning of the consumers.
const (
	// batchSize changes are applied under one write lock at most; a lone
	// change is applied as soon as it arrives.
	batchSize      = 1000
	maxBackoff     = 10 * time.Second
	pruneEvery     = time.Minute
	territoryEvery = 10 * time.Minute
)

// Config says where the feeds come from and what to tell about changes.
type Config struct {
	Directory, Availability, Accounts grpc.ClientConnInterface
	// CallOptions carry the service credentials.
	CallOptions []grpc.CallOption
	// NewIndex makes an empty index (the first, and one per rebuild).
	NewIndex func() (*index.Index, error)
	// Changed is called after each batch with the cells it changed, before
	// the next batch is applied; all is true when every cached answer is
	// to go (a new index swapped in, a territory's radii changed).
	Changed func(ctx context.Context, cells []index.Cell, all bool)
	Log     *slog.Logger
	Meter   metric.MeterProvider
}

// Model is the read model in service: nil until both snapshots are in.
type Model struct {
	cfg     Config
	current atomic.Pointer[index.Index]
	ready   chan struct{}
	once    sync.Once

	applied metric.Int64Counter
	lag     sync.Map // feed name → *atomic.Int64, milliseconds behind the source
}

// New returns a model that Run fills.
func New(cfg Config) (*Model, error) {
	if cfg.Meter == nil {
		cfg.Meter = noop.NewMeterProvider()
	}
	if cfg.Changed == nil {
		cfg.Changed = func(context.Context, []index.Cell, bool) {}
	}
	m := &Model{cfg: cfg, ready: make(chan struct{})}
	meter := cfg.Meter.Meter("github.com/sas-platform/sas/services/search/feed")
	var err error
	if m.applied, err = meter.Int64Counter("sas.search.feed.changes",
		metric.WithDescription("Changes applied to the search read model, by feed.")); err != nil {
		return nil, err
	}
	_, err = meter.Float64ObservableGauge("sas.search.feed.lag",
		metric.WithUnit("s"),
		metric.WithDescription("How far the read model is behind each feed: age of the last change applied, 0 when caught up."),
		metric.WithFloat64Callback(func(_ context.Context, o metric.Float64Observer) error {
			m.lag.Range(func(k, v any) bool {
				o.Observe(float64(v.(*atomic.Int64).Load())/1000, metric.WithAttributes(attribute.String("feed", k.(string))))
				return true
			})
			return nil
		}))
	return m, err
}

// Index returns the index in service, nil until the first snapshots are in.
func (m *Model) Index() *index.Index { return m.current.Load() }

// Ready is closed when the first index is in service.
func (m *Model) Ready() <-chan struct{} { return m.ready }

// errExpired reports a feed that no longer holds the changes after our token.
var errExpired = errors.New("resume token expired")

// Run fills the model until ctx ends, rebuilding it when a feed expired.
func (m *Model) Run(ctx context.Context) {
	for ctx.Err() == nil {
		ix, err := m.cfg.NewIndex()
		if err != nil {
			m.cfg.Log.Error("search read model", "err", err)
			return
		}
		err = m.fill(ctx, ix)
		if ctx.Err() != nil {
			return
		}
		m.cfg.Log.Warn("search read model rebuilt from fresh snapshots", "reason", err)
	}
}

// fill follows both feeds into ix; it puts ix in service once both
// snapshots are in, and returns when a feed expired or ctx ended.
func (m *Model) fill(ctx context.Context, ix *index.Index) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var live atomic.Bool // ix is in service: its changes invalidate the cache
	var pending sync.WaitGroup
	pending.Add(2)
	changed := func(cells []index.Cell) {
		if live.Load() && len(cells) > 0 {
			m.cfg.Changed(ctx, cells, false)
		}
	}
	caughtUp := func() { pending.Done() }
	feeds := []*follower{
		{name: "directory", open: m.directory, ix: ix, changed: changed, caughtUp: caughtUp, m: m},
		{name: "availability", open: m.availability, ix: ix, changed: changed, caughtUp: caughtUp, m: m},
	}
	var wg sync.WaitGroup
	for _, f := range feeds {
		wg.Go(func() {
			if err := f.run(ctx); errors.Is(err, errExpired) {
				cancel(fmt.Errorf("%s feed: %w", f.name, err))
			}
		})
	}
	wg.Go(func() { m.territories(ctx, ix, &live) })
	wg.Go(func() {
		pending.Wait()
		if ctx.Err() != nil {
			return
		}
		m.current.Store(ix)
		live.Store(true)
		m.cfg.Changed(ctx, nil, true)
		m.once.Do(func() { close(m.ready) })
		prune(ctx, ix, changed)
	})
	<-ctx.Done()
	wg.Wait()
	return context.Cause(ctx)
}

// prune drops ended slots and ranges every minute.
func prune(ctx context.Context, ix *index.Index, changed func([]index.Cell)) {
	tick := time.NewTicker(pruneEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			changed(ix.Prune(now))
		}
	}
}

// territories takes the SAS territories' radii from the accounts service at
// start and every few minutes; until then the embedded reference answers.
func (m *Model) territories(ctx context.Context, ix *index.Index, live *atomic.Bool) {
	client := accountsv1.NewTerritoryServiceClient(m.cfg.Accounts)
	for {
		var all []*commonv1.Territory
		var err error
		for token := ""; ; {
			var resp *accountsv1.ListTerritoriesResponse
			resp, err = client.ListTerritories(ctx, &accountsv1.ListTerritoriesRequest{PageSize: 500, PageToken: token}, m.cfg.CallOptions...)
			if err != nil {
				break
			}
			all = append(all, resp.GetTerritories()...)
			if token = resp.GetNextPageToken(); token == "" {
				break
			}
		}
		wait := territoryEvery
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			m.cfg.Log.Warn("territories not read, the embedded radii answer meanwhile", "err", err)
			wait = 5 * time.Second
		} else {
			for _, t := range all {
				ix.PutTerritory(t)
			}
			if live.Load() {
				m.cfg.Changed(ctx, nil, true)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// change is one message of a feed, ready to apply.
type change struct {
	apply    func(w *index.Writer) // nil for a bookmark
	token    string
	at       time.Time
	bookmark bool
}

// stream receives the changes of one feed.
type stream func() (change, error)

// follower follows one feed into an index.
type follower struct {
	name     string
	open     func(ctx context.Context, token string) (stream, error)
	ix       *index.Index
	changed  func([]index.Cell)
	caughtUp func()
	m        *Model
	token    string
	snapshot bool // the first bookmark was seen
}

type received struct {
	c   change
	err error
}

// run follows the feed, reconnecting with backoff, until ctx ends or the
// feed expired.
func (f *follower) run(ctx context.Context) error {
	lag := new(atomic.Int64)
	f.m.lag.Store(f.name, lag)
	defer func() {
		if !f.snapshot {
			f.caughtUp() // let fill return
		}
	}()
	backoff := 100 * time.Millisecond
	for {
		err := f.follow(ctx, lag)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if c := status.Code(err); c == codes.OutOfRange || (c == codes.InvalidArgument && f.token != "") {
			return fmt.Errorf("%w: %v", errExpired, err)
		}
		f.m.cfg.Log.Warn("search feed interrupted, resuming", "feed", f.name, "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			continue
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// follow reads one stream: what is already waiting is applied as one batch.
func (f *follower) follow(ctx context.Context, lag *atomic.Int64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	recv, err := f.open(ctx, f.token)
	if err != nil {
		return err
	}
	in := make(chan received, batchSize)
	go func() {
		for {
			c, err := recv()
			select {
			case in <- received{c, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	batch := make([]change, 0, batchSize)
	for {
		var r received
		select {
		case r = <-in:
		case <-ctx.Done():
			return ctx.Err()
		}
		for r.err == nil {
			batch = append(batch, r.c)
			if len(batch) == batchSize {
				break
			}
			select {
			case r = <-in:
				continue
			default:
			}
			break
		}
		f.apply(batch, lag)
		batch = batch[:0]
		if r.err != nil {
			if errors.Is(r.err, io.EOF) {
				return errors.New("the feed ended")
			}
			return r.err
		}
	}
}

// apply writes a batch under one lock, then moves the token past it.
func (f *follower) apply(batch []change, lag *atomic.Int64) {
	if len(batch) == 0 {
		return
	}
	cells := f.ix.Apply(func(w *index.Writer) {
		for _, c := range batch {
			if c.apply != nil {
				c.apply(w)
			}
		}
	})
	f.changed(cells)
	bookmark := false
	var last time.Time
	for _, c := range batch {
		if c.token != "" {
			f.token = c.token
		}
		if !c.at.IsZero() {
			last = c.at
		}
		bookmark = bookmark || c.bookmark
	}
	f.m.applied.Add(context.Background(), int64(len(batch)), metric.WithAttributes(attribute.String("feed", f.name)))
	switch {
	case batch[len(batch)-1].bookmark:
		lag.Store(0)
	case !last.IsZero():
		lag.Store(max(0, time.Since(last).Milliseconds()))
	}
	if bookmark && !f.snapshot {
		f.snapshot = true
		f.caughtUp()
	}
}

// directory opens the directory's feed.
func (m *Model) directory(ctx context.Context, token string) (stream, error) {
	s, err := directoryv1.NewDirectoryServiceClient(m.cfg.Directory).WatchChanges(ctx,
		&directoryv1.WatchChangesRequest{ResumeToken: token}, m.cfg.CallOptions...)
	if err != nil {
		return nil, err
	}
	return func() (change, error) {
		msg, err := s.Recv()
		if err != nil {
			return change{}, err
		}
		c := change{token: msg.GetResumeToken(), bookmark: msg.GetType() == commonv1.ChangeType_CHANGE_TYPE_BOOKMARK}
		if msg.GetChangeTime() != nil {
			c.at = msg.GetChangeTime().AsTime()
		}
		name := msg.GetName()
		switch msg.GetType() {
		case commonv1.ChangeType_CHANGE_TYPE_UPSERTED:
			if p := msg.GetProfessional(); p != nil {
				c.apply = func(w *index.Writer) { w.PutProfessional(p) }
			} else if s := msg.GetSite(); s != nil {
				c.apply = func(w *index.Writer) { w.PutSite(s) }
			}
		case commonv1.ChangeType_CHANGE_TYPE_DELETED:
			c.apply = func(w *index.Writer) {
				if strings.HasPrefix(name, "sites/") {
					w.DeleteSite(name)
				} else {
					w.DeleteProfessional(name)
				}
			}
		}
		return c, nil
	}, nil
}

// availability opens availability's feed.
func (m *Model) availability(ctx context.Context, token string) (stream, error) {
	s, err := availabilityv1.NewAvailabilityServiceClient(m.cfg.Availability).WatchChanges(ctx,
		&availabilityv1.WatchChangesRequest{ResumeToken: token}, m.cfg.CallOptions...)
	if err != nil {
		return nil, err
	}
	return func() (change, error) {
		msg, err := s.Recv()
		if err != nil {
			return change{}, err
		}
		c := change{token: msg.GetResumeToken(), bookmark: msg.GetType() == commonv1.ChangeType_CHANGE_TYPE_BOOKMARK}
		if msg.GetChangeTime() != nil {
			c.at = msg.GetChangeTime().AsTime()
		}
		name := msg.GetName()
		switch msg.GetType() {
		case commonv1.ChangeType_CHANGE_TYPE_UPSERTED:
			switch r := msg.GetResource().(type) {
			case *availabilityv1.WatchChangesResponse_Slot:
				c.apply = func(w *index.Writer) { w.PutSlot(r.Slot) }
			case *availabilityv1.WatchChangesResponse_Range:
				c.apply = func(w *index.Writer) { w.PutRange(r.Range) }
			case *availabilityv1.WatchChangesResponse_Participation:
				c.apply = func(w *index.Writer) { w.PutParticipation(r.Participation) }
			}
		case commonv1.ChangeType_CHANGE_TYPE_DELETED:
			c.apply = func(w *index.Writer) {
				switch {
				case strings.HasPrefix(name, "slots/"):
					w.DeleteSlot(name)
				case strings.HasPrefix(name, "ranges/"):
					w.DeleteRange(name)
				default:
					w.DeleteParticipation(name)
				}
			}
		}
		return c, nil
	}, nil
}
