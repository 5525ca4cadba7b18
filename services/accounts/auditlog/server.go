// Package auditlog serves the audit trail: the platform's services append
// to it, admins read it within their territory. No RPC changes or deletes
// an event; only the retention purge does.
package auditlog

import (
	"context"
	"fmt"
	"time"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/filter"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
)

const (
	defaultPageSize = 100
	maxPageSize     = 1000
	maxBatch        = 1000
	maxDetails      = 4096
)

// Server implements accountsv1.AuditServiceServer.
type Server struct {
	accountsv1.UnimplementedAuditServiceServer
	store *store.DB
	pages *pagetoken.Sealer
}

// NewServer returns the server.
func NewServer(st *store.DB, pages *pagetoken.Sealer) *Server {
	return &Server{store: st, pages: pages}
}

// WriteAuditEvents implements accountsv1.AuditServiceServer.
func (s *Server) WriteAuditEvents(ctx context.Context, req *accountsv1.WriteAuditEventsRequest) (*accountsv1.WriteAuditEventsResponse, error) {
	if n := len(req.GetEvents()); n == 0 || n > maxBatch {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "events", Description: fmt.Sprintf("1 to %d events", maxBatch)})
	}
	var vs []apierr.Violation
	for i, e := range req.Events {
		field := fmt.Sprintf("events[%d]", i)
		if e.Actor == "" || e.Action == "" || e.EventTime == nil {
			vs = append(vs, apierr.Violation{Field: field, Description: "actor, action and event_time are required"})
		}
		size := 0
		for k, v := range e.Details {
			size += len(k) + len(v)
		}
		if size > maxDetails {
			vs = append(vs, apierr.Violation{Field: field + ".details", Description: "at most 4 KiB"})
		}
	}
	if len(vs) > 0 {
		return nil, apierr.InvalidArgument(vs...)
	}
	if err := s.store.WriteAuditEvents(ctx, req.Events); err != nil {
		return nil, err
	}
	return &accountsv1.WriteAuditEventsResponse{Appended: int32(len(req.Events))}, nil
}

// ListAuditEvents implements accountsv1.AuditServiceServer: national admins
// see every event, territorial admins and referents those of their territory.
func (s *Server) ListAuditEvents(ctx context.Context, req *accountsv1.ListAuditEventsRequest) (*accountsv1.ListAuditEventsResponse, error) {
	size, err := pagetoken.Size(req.GetPageSize(), defaultPageSize, maxPageSize)
	if err != nil {
		return nil, err
	}
	terms, err := filter.Parse(req.GetFilter(), "territory", "actor", "target", "action")
	if err != nil {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "filter", Description: err.Error()})
	}
	q := store.AuditQuery{Limit: size + 1}
	for _, t := range terms {
		switch t.Field {
		case "territory":
			q.Territory = t.Value
		case "actor":
			q.Actor = t.Value
		case "target":
			q.Target = t.Value
		case "action":
			q.Action = t.Value
		}
	}
	if p := policy.Caller(ctx); !p.IsNationalAdmin() {
		q.Territories = []string{p.Territory}
	}
	if _, err := s.pages.OpenRequest(req.GetPageToken(), req.GetFilter(), &q.Before); err != nil {
		return nil, err
	}
	events, ids, err := s.store.AuditEvents(ctx, q)
	if err != nil {
		return nil, err
	}
	resp := &accountsv1.ListAuditEventsResponse{AuditEvents: events}
	if len(events) > size {
		resp.AuditEvents = events[:size]
		if resp.NextPageToken, err = s.pages.Seal(ids[size-1], req.GetFilter()); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// Purge deletes events older than retention, every hour until ctx ends.
func Purge(ctx context.Context, st *store.DB, retention time.Duration, onError func(error)) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if _, err := st.PurgeAuditEvents(ctx, time.Now().Add(-retention)); err != nil && ctx.Err() == nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
