// Package search is the search service: the geolocated slot search for
// regulators over its own read model (fed by the directory and availability
// change feeds), cached in Redis, and the orientation handoff.
package search

import (
	"context"
	"maps"
	"sync"
	"time"

	"google.golang.org/grpc"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/search/feed"
	"github.com/sas-platform/sas/services/search/index"
	"github.com/sas-platform/sas/services/search/orientation"
	"github.com/sas-platform/sas/services/search/searchcache"
	"github.com/sas-platform/sas/services/search/server"
)

// Service is the search service as a process hosts it. It opens the search
// cache (Redis, or in process) at start, so that a wrong SAS_REDIS_URL stops
// the start rather than the first search, and starts filling its read model
// from the feeds; until the first snapshots are in, searches answer
// UNAVAILABLE and grpc.health reports NOT_SERVING, so that a readiness probe
// sends no traffic to a replica still loading.
func Service() app.Service {
	ready := make(chan struct{})
	return app.Service{
		Names: []string{searchv1.SearchService_ServiceDesc.ServiceName, searchv1.OrientationService_ServiceDesc.ServiceName},
		Register: func(ctx context.Context, a *app.App, reg grpc.ServiceRegistrar) error {
			return register(ctx, a, reg, ready)
		},
		Ready: ready,
	}
}

func register(ctx context.Context, a *app.App, reg grpc.ServiceRegistrar, ready chan<- struct{}) error {
	store, err := a.OpenCache(ctx)
	if err != nil {
		return err
	}
	meter := a.Telemetry.MeterProvider
	near := int64(a.SearchNearMB) << 20
	if a.RedisURL == "" || near == 0 {
		near = -1 // the cache is in process already, or the operator wants none
	}
	cache, err := searchcache.New(searchcache.Config{Cache: store, Near: near, Meter: meter, Log: a.Log})
	if err != nil {
		return err
	}
	directory, err := a.PeerConn(a.DirectoryAddr)
	if err != nil {
		return err
	}
	availability, err := a.PeerConn(a.AvailabilityAddr)
	if err != nil {
		return err
	}
	accounts, err := a.AccountsConn()
	if err != nil {
		return err
	}
	creds := grpc.PerRPCCredentials(a.ServiceCredentials(a.Name))
	ref, err := index.LoadReference()
	if err != nil {
		return err
	}
	model, err := feed.New(feed.Config{
		Directory: directory, Availability: availability, Accounts: accounts,
		CallOptions: []grpc.CallOption{creds},
		NewIndex:    func() (*index.Index, error) { return index.New(index.Options{Reference: ref, Sealer: a.Pages}) },
		Changed: func(ctx context.Context, cells []index.Cell, all bool) {
			if all {
				cache.InvalidateAll(ctx)
			} else {
				cache.Invalidate(ctx, cells)
			}
		},
		Log: a.Log, Meter: meter,
	})
	if err != nil {
		return err
	}
	lookup := func(ctx context.Context, req *searchv1.SearchSlotsRequest, now time.Time, compute server.Compute) (*searchv1.SearchSlotsResponse, error) {
		resp, _, err := cache.Search(ctx, req, now, searchcache.ComputeFunc(compute))
		return resp, err
	}
	searchv1.RegisterSearchServiceServer(reg, server.New(model.Index, lookup, server.Settings{}))
	db, err := a.OpenDB(ctx, "search", orientation.Migrations)
	if err != nil {
		return err
	}
	orientations := orientation.New(db.SQL, db.Classify)
	held := make(chan struct{}, 1)
	searchv1.RegisterOrientationServiceServer(reg, orientation.NewServer(orientation.Config{
		Store: orientations, Pages: a.Pages,
		Availability: availabilityv1.NewAvailabilityServiceClient(availability),
		Auth:         accountsv1.NewAuthServiceClient(accounts), Credentials: creds,
		Held: func() {
			select {
			case held <- struct{}{}:
			default:
			}
		}}))

	// The feeds are streams on this very process's server when it hosts
	// directory and availability: stop them first, or its graceful stop
	// would wait for them.
	bg, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	a.OnClose("search background", func(context.Context) error {
		stop()
		wg.Wait()
		return nil
	})
	wg.Go(func() { model.Run(bg) })
	wg.Go(func() {
		select {
		case <-model.Ready():
			close(ready)
		case <-bg.Done():
		}
	})
	wg.Go(func() { purge(bg, orientations, a) })
	wg.Go(func() { followHolds(bg, orientations, model, cache, held, a) })
	return nil
}

// holdsEvery is how often a replica reads the holds of all replicas (the
// search database): results show another replica's hold within it.
const holdsEvery = time.Second

// followHolds keeps the read model's holds those of the database: every
// holdsEvery, and at once when this replica held a slot. The cached answers
// of the cells whose holds changed are dropped.
func followHolds(ctx context.Context, st *orientation.Store, model *feed.Model, cache *searchcache.Cache, held <-chan struct{}, a *app.App) {
	tick := time.NewTicker(holdsEvery)
	defer tick.Stop()
	// What the index was last given: the same holds again would take its
	// write lock, holding searches, to change nothing.
	var given map[string]time.Time
	var givenTo *index.Index
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-held:
		}
		x := model.Index()
		if x == nil {
			continue
		}
		holds, err := st.LiveHolds(ctx, time.Now())
		if err != nil {
			if ctx.Err() == nil {
				a.Log.Warn("read slot holds", "error", err)
			}
			continue
		}
		if x == givenTo && maps.EqualFunc(holds, given, time.Time.Equal) {
			continue
		}
		if cells := x.SetHolds(holds); len(cells) > 0 {
			cache.Invalidate(ctx, cells)
		}
		given, givenTo = holds, x
	}
}

// purge drops expired slot holds and old idempotent answers, hourly.
func purge(ctx context.Context, st *orientation.Store, a *app.App) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		now := time.Now()
		if _, err := st.DropExpiredHolds(ctx, now); err != nil && ctx.Err() == nil {
			a.Log.Error("drop expired slot holds", "err", err)
		}
		if _, err := st.ForgetRequests(ctx, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
			a.Log.Error("forget request ids", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
