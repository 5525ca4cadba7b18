// Package availability is the availability service: slots and ranges pushed
// by vendors, pulled from their FHIR servers or entered by hand, SAS
// participation settings, appointments reported back, and the change feed.
package availability

import (
	"context"
	"sync"
	"time"

	"google.golang.org/grpc"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/availability/dirfeed"
	"github.com/sas-platform/sas/services/availability/pull"
	"github.com/sas-platform/sas/services/availability/server"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/app"
	"github.com/sas-platform/sas/services/platform/leader"
)

// Service is the availability service as a process hosts it: its own store
// ("availability" schema or var/availability.db), migrated at start-up, and
// its background work: the directory feed, the vendors' pull and the purges.
func Service() app.Service {
	return app.Service{
		Names: []string{availabilityv1.AvailabilityService_ServiceDesc.ServiceName,
			availabilityv1.ParticipationService_ServiceDesc.ServiceName,
			availabilityv1.AppointmentService_ServiceDesc.ServiceName},
		Register: register,
	}
}

func register(ctx context.Context, a *app.App, reg grpc.ServiceRegistrar) error {
	db, err := a.OpenDB(ctx, "availability", store.Migrations)
	if err != nil {
		return err
	}
	st := store.New(db.SQL, db.Classify)
	accounts, err := a.AccountsConn()
	if err != nil {
		return err
	}
	creds := grpc.PerRPCCredentials(a.ServiceCredentials(a.Name))
	settings := a.Settings.Availability
	srv := server.New(st, a.Pages, server.Settings{Horizon: settings.Horizon},
		vendorRates(accounts, creds), orientations(a, creds))
	availabilityv1.RegisterAvailabilityServiceServer(reg, srv)
	availabilityv1.RegisterParticipationServiceServer(reg, server.ParticipationServer{Server: srv})
	availabilityv1.RegisterAppointmentServiceServer(reg, server.AppointmentServer{Server: srv})

	directory, err := a.PeerConn(a.DirectoryAddr)
	if err != nil {
		return err
	}
	source, err := newSource(st, accounts, creds, settings, a.DataDir)
	if err != nil {
		return err
	}
	puller := pull.New(pull.Config{Horizon: settings.Horizon}, srv, a.Log,
		a.Telemetry.MeterProvider)
	// Background work ends as soon as the process starts stopping: the
	// directory feed is a stream on this very server, whose graceful stop
	// would otherwise wait for it.
	bg, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	a.OnClose("availability background", func(context.Context) error {
		stop()
		<-done
		puller.Close()
		return nil
	})
	// One replica at a time follows the directory, pulls the vendors and
	// purges: the others would repeat its calls to the vendors, and apply
	// the directory's changes in a different order.
	go func() {
		defer close(done)
		leader.Run(bg, db.SQL, "background", leader.Options{Log: a.Log}, func(ctx context.Context) {
			var wg sync.WaitGroup
			wg.Go(func() { dirfeed.Follow(ctx, directory, st, a.Log, creds) })
			wg.Go(func() { _ = puller.Run(ctx, settings.PullEvery, source) })
			wg.Go(func() { purge(ctx, st, settings, a) })
			wg.Wait()
		})
	}()
	return nil
}

// purge deletes ended slots, old outbox entries and old idempotent answers, hourly.
func purge(ctx context.Context, st *store.DB, s app.AvailabilitySettings, a *app.App) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		now := time.Now()
		if n, err := st.PurgeSlots(ctx, now.Add(-s.SlotRetention)); err != nil {
			a.Log.Error("purge ended slots", "err", err)
		} else if n > 0 {
			a.Log.Info("purged ended slots and ranges", "count", n)
		}
		if _, err := st.PurgeOutbox(ctx, now.Add(-s.FeedRetention)); err != nil {
			a.Log.Error("purge change feed", "err", err)
		}
		if _, err := st.ForgetRequests(ctx, now.Add(-24*time.Hour)); err != nil {
			a.Log.Error("forget request ids", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
