package server

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/apierr"
)

// Timing of the change feed: how often an idle stream looks for changes
// (well under the 1 s freshness search needs) and sends a bookmark.
const (
	pollEvery      = 100 * time.Millisecond
	heartbeatEvery = 30 * time.Second
	watchBatch     = 1000
)

type watchStream = grpc.ServerStreamingServer[availabilityv1.WatchChangesResponse]

// WatchChanges implements availabilityv1.AvailabilityServiceServer: a
// snapshot then live changes without a token, or the changes after a token.
func (s *Server) WatchChanges(req *availabilityv1.WatchChangesRequest, stream watchStream) error {
	ctx := stream.Context()
	after, err := parseResumeToken(req.GetResumeToken())
	if err != nil {
		return err
	}
	if req.GetResumeToken() == "" {
		if after, err = s.snapshot(stream); err != nil {
			return err
		}
	} else {
		first, err := s.store.FirstSeq(ctx)
		if err != nil {
			return err
		}
		last, err := s.store.LastSeq(ctx)
		if err != nil {
			return err
		}
		switch {
		case after > last:
			return apierr.InvalidArgument(apierr.Violation{Field: "resume_token", Description: "not issued by this service"})
		case first > 0 && after < first-1:
			return apierr.Reason(codes.OutOfRange, "RESUME_TOKEN_EXPIRED",
				"the changes after this token are no longer kept: start again without a token", nil)
		}
	}
	return s.follow(stream, after)
}

// snapshot sends every slot, range and participation, then a bookmark;
// changes made meanwhile come after it (applying one twice is harmless).
func (s *Server) snapshot(stream watchStream) (int64, error) {
	ctx := stream.Context()
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	if err := sendAll(stream, func(after string) ([]*availabilityv1.Participation, error) {
		return s.store.AllParticipations(ctx, after, watchBatch)
	}, func(p *availabilityv1.Participation) (string, *availabilityv1.WatchChangesResponse) {
		return strings.TrimSuffix(strings.TrimPrefix(p.Name, "professionals/"), "/participation"),
			upserted(p.Name, func(m *availabilityv1.WatchChangesResponse) {
				m.Resource = &availabilityv1.WatchChangesResponse_Participation{Participation: p}
			})
	}); err != nil {
		return 0, err
	}
	if err := sendAll(stream, func(after string) ([]*availabilityv1.Slot, error) {
		return s.store.AllSlots(ctx, after, watchBatch)
	}, func(sl *availabilityv1.Slot) (string, *availabilityv1.WatchChangesResponse) {
		return strings.TrimPrefix(sl.Name, "slots/"), upserted(sl.Name, func(m *availabilityv1.WatchChangesResponse) {
			m.Resource = &availabilityv1.WatchChangesResponse_Slot{Slot: sl}
		})
	}); err != nil {
		return 0, err
	}
	if err := sendAll(stream, func(after string) ([]*availabilityv1.Range, error) {
		return s.store.AllRanges(ctx, after, watchBatch)
	}, func(r *availabilityv1.Range) (string, *availabilityv1.WatchChangesResponse) {
		return strings.TrimPrefix(r.Name, "ranges/"), upserted(r.Name, func(m *availabilityv1.WatchChangesResponse) {
			m.Resource = &availabilityv1.WatchChangesResponse_Range{Range: r}
		})
	}); err != nil {
		return 0, err
	}
	return last, stream.Send(bookmark(last))
}

func sendAll[T any](stream watchStream, page func(after string) ([]T, error),
	msg func(T) (string, *availabilityv1.WatchChangesResponse)) error {
	for after := ""; ; {
		list, err := page(after)
		if err != nil || len(list) == 0 {
			return err
		}
		for _, v := range list {
			key, m := msg(v)
			if err := stream.Send(m); err != nil {
				return err
			}
			after = key
		}
	}
}

// follow sends the changes after seq as they are committed.
func (s *Server) follow(stream watchStream, after int64) error {
	ctx := stream.Context()
	poll, beat := time.NewTicker(pollEvery), time.NewTicker(heartbeatEvery)
	defer poll.Stop()
	defer beat.Stop()
	for {
		changes, err := s.store.Changes(ctx, after, watchBatch)
		if err != nil {
			return err
		}
		for _, c := range changes {
			if m := changeMessage(c); m != nil {
				if err := stream.Send(m); err != nil {
					return err
				}
			}
			after = c.Seq
		}
		if len(changes) == watchBatch {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-beat.C:
			if err := stream.Send(bookmark(after)); err != nil {
				return err
			}
		case <-poll.C:
		}
	}
}

// changeMessage is the message of a change; nil for an upsert of a resource
// deleted since (its DELETED change follows).
func changeMessage(c store.Change) *availabilityv1.WatchChangesResponse {
	var m *availabilityv1.WatchChangesResponse
	switch {
	case c.Type == commonv1.ChangeType_CHANGE_TYPE_DELETED:
		m = &availabilityv1.WatchChangesResponse{Type: c.Type, Name: c.Name()}
	case c.Slot != nil:
		m = upserted(c.Name(), func(m *availabilityv1.WatchChangesResponse) {
			m.Resource = &availabilityv1.WatchChangesResponse_Slot{Slot: c.Slot}
		})
	case c.Range != nil:
		m = upserted(c.Name(), func(m *availabilityv1.WatchChangesResponse) {
			m.Resource = &availabilityv1.WatchChangesResponse_Range{Range: c.Range}
		})
	case c.Participation != nil:
		m = upserted(c.Name(), func(m *availabilityv1.WatchChangesResponse) {
			m.Resource = &availabilityv1.WatchChangesResponse_Participation{Participation: c.Participation}
		})
	default:
		return nil
	}
	m.ResumeToken, m.ChangeTime = resumeToken(c.Seq), timestamppb.New(c.Time)
	return m
}

func upserted(name string, set func(*availabilityv1.WatchChangesResponse)) *availabilityv1.WatchChangesResponse {
	m := &availabilityv1.WatchChangesResponse{Type: commonv1.ChangeType_CHANGE_TYPE_UPSERTED, Name: name}
	set(m)
	return m
}

func bookmark(seq int64) *availabilityv1.WatchChangesResponse {
	return &availabilityv1.WatchChangesResponse{Type: commonv1.ChangeType_CHANGE_TYPE_BOOKMARK, ResumeToken: resumeToken(seq)}
}

// Resume tokens are the outbox position, versioned so the format can change.
func resumeToken(seq int64) string { return "a1." + strconv.FormatInt(seq, 10) }

func parseResumeToken(token string) (int64, error) {
	if token == "" {
		return 0, nil
	}
	seq, err := strconv.ParseInt(strings.TrimPrefix(token, "a1."), 10, 64)
	if err != nil || !strings.HasPrefix(token, "a1.") || seq < 0 {
		return 0, apierr.InvalidArgument(apierr.Violation{Field: "resume_token", Description: fmt.Sprintf("malformed: %q", token)})
	}
	return seq, nil
}
