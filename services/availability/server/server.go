// Package server implements the availability service's RPCs: vendor pushes,
// hand entries, ranges, participation, appointments and the change feed.
// Every path checks slots the same way (check.go) before the store stores
// them.
package server

import (
	"context"
	"errors"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/availability/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

// Settings are the service's limits.
type Settings struct {
	// Horizon is how far ahead a slot may start (default 14 days).
	Horizon time.Duration
	// DefaultPushRate is a vendor's push limit in slots a second when its
	// account sets none (default 5,000).
	DefaultPushRate int
}

func (s Settings) withDefaults() Settings {
	if s.Horizon <= 0 {
		s.Horizon = 14 * 24 * time.Hour
	}
	if s.DefaultPushRate <= 0 {
		s.DefaultPushRate = 5000
	}
	return s
}

// PushRates gives a vendor's push limit in slots a second, 0 for the default.
type PushRates func(ctx context.Context, vendor string) (int, error)

// Orientations gives the territory of an orientation ("territories/{id}"),
// pstore.ErrNotFound when there is none.
type Orientations func(ctx context.Context, orientation string) (string, error)

// Server implements the availability service's gRPC servers.
type Server struct {
	availabilityv1.UnimplementedAvailabilityServiceServer

	store        *store.DB
	pages        *pagetoken.Sealer
	settings     Settings
	limits       *limiters
	orientations Orientations
	now          func() time.Time
}

// New returns the server over st.
func New(st *store.DB, pages *pagetoken.Sealer, settings Settings, rates PushRates, orientations Orientations) *Server {
	settings = settings.withDefaults()
	return &Server{store: st, pages: pages, settings: settings, limits: newLimiters(rates, settings.DefaultPushRate, time.Now),
		orientations: orientations, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Server) SetClock(now func() time.Time) { s.now = now }

// callerVendor checks that parent ("vendors/{id}") is the calling vendor.
func callerVendor(ctx context.Context, parent string) (string, error) {
	p := policy.Caller(ctx)
	if !strings.HasPrefix(parent, "vendors/") || len(parent) == len("vendors/") {
		return "", apierr.InvalidArgument(apierr.Violation{Field: "parent", Description: `want "vendors/{id}"`})
	}
	if p == nil || p.Kind != auth.KindVendor || p.Subject != parent {
		return "", policy.Denied(p, "push slots for "+parent)
	}
	return parent, nil
}

// mayReadProfessional says whether the caller may read the availability of nationalID.
func mayReadProfessional(p *auth.Principal, nationalID string) bool {
	return p.MayActFor(nationalID) || p.IsNationalAdmin() || p.IsTerritorialAdmin() || p.IsRegulator() ||
		(p != nil && p.Kind == auth.KindService)
}

// storeError maps the store's refusals to statuses; the rest goes to apierr.
func storeError(err error, name string) error {
	var refused *store.RefusedError
	switch {
	case errors.As(err, &refused):
		return apierr.Reason(codes.FailedPrecondition, refused.Reason, refused.Message, nil)
	case errors.Is(err, pstore.ErrNotFound):
		return apierr.NotFound(name)
	case errors.Is(err, pstore.ErrConflict):
		return apierr.Reason(codes.Aborted, "ETAG_MISMATCH", name+" changed since it was read: read it again", nil)
	}
	return err
}
