// Package dirfeed keeps availability's copy of the directory current: it
// follows the directory's change feed (snapshot, then changes from the stored
// resume token) and applies professionals and sites in batches, each with the
// token that resumes after it, so that a restart neither misses nor repeats a
// change. An opt-out withdraws the professional's slots in the same
// transaction.
package dirfeed

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/availability/store"
)

// Limits of a batch: applied when this many changes are waiting, or when
// the stream pauses, whichever comes first.
const (
	batchSize  = 1000
	maxBackoff = 30 * time.Second
)

// Follow applies the directory's changes to st until ctx ends, reconnecting
// with backoff. opts carry the service credentials.
func Follow(ctx context.Context, conn grpc.ClientConnInterface, st *store.DB, log *slog.Logger, opts ...grpc.CallOption) {
	client := directoryv1.NewDirectoryServiceClient(conn)
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := follow(ctx, client, st, opts)
		if ctx.Err() != nil {
			return
		}
		log.Warn("directory feed interrupted, resuming", "err", err, "retry_in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

type message struct {
	m   *directoryv1.WatchChangesResponse
	err error
}

func follow(ctx context.Context, client directoryv1.DirectoryServiceClient, st *store.DB, opts []grpc.CallOption) error {
	token, err := st.FeedToken(ctx, store.DirectoryFeed)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := client.WatchChanges(ctx, &directoryv1.WatchChangesRequest{ResumeToken: token}, opts...)
	if err != nil {
		return err
	}
	in := make(chan message, batchSize)
	go func() {
		for {
			m, err := stream.Recv()
			select {
			case in <- message{m, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	var b batch
	b.token = token
	for {
		var msg message
		select {
		case msg = <-in:
		case <-ctx.Done():
			return ctx.Err()
		}
		// Take what is already waiting, then apply: a lone opt-out is applied at once.
		for {
			if msg.err != nil {
				if err := b.apply(ctx, st); err != nil {
					return err
				}
				return expired(ctx, st, msg.err)
			}
			b.add(msg.m)
			if b.size() >= batchSize {
				break
			}
			select {
			case msg = <-in:
				continue
			default:
			}
			break
		}
		if err := b.apply(ctx, st); err != nil {
			return err
		}
	}
}

// expired starts the feed again from a snapshot when the directory no
// longer has the changes after the stored token.
func expired(ctx context.Context, st *store.DB, err error) error {
	if status.Code(err) != codes.OutOfRange && status.Code(err) != codes.InvalidArgument {
		if errors.Is(err, io.EOF) {
			return errors.New("directory closed the feed")
		}
		return err
	}
	if _, resetErr := st.ApplyDirectory(ctx, nil, nil, ""); resetErr != nil {
		return resetErr
	}
	return err
}

type batch struct {
	pros  []store.Professional
	sites []store.Site
	token string
	last  time.Time // commit time of the newest change, zero after a bookmark
}

// lagGauge is how far availability's copy of the directory is behind it.
var lagGauge, _ = otel.Meter("github.com/sas-platform/sas/services/availability/dirfeed").Float64Gauge(
	"sas.availability.feed.lag", metric.WithUnit("s"),
	metric.WithDescription("Age of the last directory change applied by availability, 0 when caught up."))

func (b *batch) size() int { return len(b.pros) + len(b.sites) }

func (b *batch) add(m *directoryv1.WatchChangesResponse) {
	if m.GetResumeToken() != "" {
		b.token = m.GetResumeToken()
	}
	switch {
	case m.GetType() == commonv1.ChangeType_CHANGE_TYPE_BOOKMARK:
		b.last = time.Time{}
	case m.GetChangeTime() != nil:
		b.last = m.GetChangeTime().AsTime()
	}
	if m.GetType() != commonv1.ChangeType_CHANGE_TYPE_UPSERTED {
		return
	}
	if p := m.GetProfessional(); p != nil {
		sites := make([]string, 0, len(p.GetActivities()))
		for _, a := range p.GetActivities() {
			if a.GetSite() != "" {
				sites = append(sites, a.GetSite())
			}
		}
		b.pros = append(b.pros, store.Professional{NationalID: p.GetNationalId(), Active: p.GetActive(),
			OptedOut: p.GetOptedOut(), Sites: sites})
	}
	if s := m.GetSite(); s != nil {
		b.sites = append(b.sites, store.Site{Name: s.GetName(), Siret: s.GetSiret(), Finess: s.GetFiness(),
			PostalCode: s.GetAddress().GetPostalCode(), City: s.GetAddress().GetCity()})
	}
}

// apply stores the batch with the token that resumes after it.
func (b *batch) apply(ctx context.Context, st *store.DB) error {
	if b.size() == 0 && b.token == "" {
		return nil
	}
	if _, err := st.ApplyDirectory(ctx, b.pros, b.sites, b.token); err != nil {
		return err
	}
	lag := 0.0
	if !b.last.IsZero() {
		lag = max(0, time.Since(b.last).Seconds())
	}
	lagGauge.Record(ctx, lag, metric.WithAttributes(attribute.String("feed", "directory")))
	b.pros, b.sites = b.pros[:0], b.sites[:0]
	return nil
}
