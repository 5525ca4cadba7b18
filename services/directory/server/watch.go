package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	directoryv1 "github.com/sas-platform/sas/gen/sas/directory/v1"
	"github.com/sas-platform/sas/services/directory/store"
	"github.com/sas-platform/sas/services/platform/apierr"
)

// Timing of the change feed: how often an idle stream looks for changes
// (well under the 1 s freshness the search needs) and sends a bookmark.
const (
	pollEvery      = 200 * time.Millisecond
	heartbeatEvery = 30 * time.Second
	watchBatch     = 500
)

type watchStream = grpc.ServerStreamingServer[directoryv1.WatchChangesResponse]

// WatchChanges implements directoryv1.DirectoryServiceServer: a snapshot
// then live changes without a token, or the changes after a token.
func (s *Directory) WatchChanges(req *directoryv1.WatchChangesRequest, stream watchStream) error {
	ctx := stream.Context()
	after, err := parseResumeToken(req.GetResumeToken())
	if err != nil {
		return err
	}
	if req.GetResumeToken() == "" {
		if after, err = s.snapshot(ctx, stream); err != nil {
			return err
		}
	} else if last, err := s.store.LastSeq(ctx); err != nil {
		return err
	} else if after > last {
		return apierr.InvalidArgument(apierr.Violation{Field: "resume_token", Description: "not issued by this directory"})
	}
	return s.follow(ctx, stream, after)
}

// snapshot sends every professional and site, then a bookmark; changes made
// meanwhile come after it (applying a change twice is harmless).
func (s *Directory) snapshot(ctx context.Context, stream watchStream) (int64, error) {
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	for after := ""; ; {
		list, err := s.store.ListProfessionals(ctx, store.ProfessionalQuery{After: after, Limit: watchBatch})
		if err != nil || len(list) == 0 {
			if err != nil {
				return 0, err
			}
			break
		}
		for _, p := range list {
			if err := stream.Send(professionalChange(p, "")); err != nil {
				return 0, err
			}
		}
		after = list[len(list)-1].NationalId
	}
	for after := ""; ; {
		list, err := s.store.ListSites(ctx, store.SiteQuery{After: after, Limit: watchBatch})
		if err != nil || len(list) == 0 {
			if err != nil {
				return 0, err
			}
			break
		}
		for _, site := range list {
			if err := stream.Send(siteChange(site, "")); err != nil {
				return 0, err
			}
		}
		after = list[len(list)-1].Name
	}
	return last, stream.Send(bookmark(last))
}

// follow sends the changes after seq as they are committed.
func (s *Directory) follow(ctx context.Context, stream watchStream, after int64) error {
	poll, beat := time.NewTicker(pollEvery), time.NewTicker(heartbeatEvery)
	defer poll.Stop()
	defer beat.Stop()
	for {
		changes, err := s.store.Changes(ctx, after, watchBatch)
		if err != nil {
			return err
		}
		for _, c := range changes {
			if err := s.send(ctx, stream, c); err != nil {
				return err
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

// send sends one change with the resource as it is now.
func (s *Directory) send(ctx context.Context, stream watchStream, c store.Change) error {
	token := resumeToken(c.Seq)
	var msg *directoryv1.WatchChangesResponse
	if id, ok := strings.CutPrefix(c.Name, "professionals/"); ok {
		p, err := s.store.GetProfessional(ctx, id)
		if err != nil {
			return err
		}
		msg = professionalChange(p, token)
	} else {
		site, err := s.store.GetSite(ctx, c.Name)
		if err != nil {
			return err
		}
		msg = siteChange(site, token)
	}
	msg.ChangeTime = timestamppb.New(c.Time)
	return stream.Send(msg)
}

func professionalChange(p *directoryv1.Professional, token string) *directoryv1.WatchChangesResponse {
	return &directoryv1.WatchChangesResponse{Type: commonv1.ChangeType_CHANGE_TYPE_UPSERTED, Name: p.Name, ResumeToken: token,
		Resource: &directoryv1.WatchChangesResponse_Professional{Professional: p}}
}

func siteChange(site *directoryv1.Site, token string) *directoryv1.WatchChangesResponse {
	return &directoryv1.WatchChangesResponse{Type: commonv1.ChangeType_CHANGE_TYPE_UPSERTED, Name: site.Name, ResumeToken: token,
		Resource: &directoryv1.WatchChangesResponse_Site{Site: site}}
}

func bookmark(seq int64) *directoryv1.WatchChangesResponse {
	return &directoryv1.WatchChangesResponse{Type: commonv1.ChangeType_CHANGE_TYPE_BOOKMARK, ResumeToken: resumeToken(seq)}
}

// Resume tokens are the outbox position, versioned so the format can change.
func resumeToken(seq int64) string { return "d1." + strconv.FormatInt(seq, 10) }

func parseResumeToken(token string) (int64, error) {
	if token == "" {
		return 0, nil
	}
	seq, err := strconv.ParseInt(strings.TrimPrefix(token, "d1."), 10, 64)
	if err != nil || !strings.HasPrefix(token, "d1.") || seq < 0 {
		return 0, apierr.InvalidArgument(apierr.Violation{Field: "resume_token", Description: fmt.Sprintf("malformed: %s", quote(token))})
	}
	return seq, nil
}
