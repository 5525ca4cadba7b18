// Package orientation is the search service's OrientationService: a
// regulator orients a patient to a slot, to a range (counted against its
// maximum by the availability service) or as an extra patient; the
// orientation is recorded without any patient data, a chosen slot is held
// for a few minutes so that no other regulator sends a patient to it, and a
// vendor's slot comes back with the vendor's booking URL (origin=sas) and a
// short-lived handoff token signed by the accounts service.
package orientation

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
)

// DefaultHoldFor is how long a slot stays held by default.
const DefaultHoldFor = 5 * time.Minute

// Config configures NewServer.
type Config struct {
	Store *Store
	Pages *pagetoken.Sealer
	// Availability reads slots and ranges and reserves range places.
	Availability availabilityv1.AvailabilityServiceClient
	// Auth issues the handoff tokens.
	Auth accountsv1.AuthServiceClient
	// Credentials are the search service's own per-RPC credentials for the
	// calls to Availability and Auth (a service token).
	Credentials grpc.CallOption
	// HoldFor is how long a slot stays held (default DefaultHoldFor).
	HoldFor time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Held, when set, is called after a slot was held (by HoldSlot or an
	// orientation), so that this replica's results show it at once.
	Held func()
}

// Server implements searchv1.OrientationServiceServer.
type Server struct {
	searchv1.UnimplementedOrientationServiceServer
	store   *Store
	pages   *pagetoken.Sealer
	avail   availabilityv1.AvailabilityServiceClient
	auth    accountsv1.AuthServiceClient
	creds   []grpc.CallOption
	holdFor time.Duration
	now     func() time.Time
	held    func()
}

// NewServer returns the server.
func NewServer(cfg Config) *Server {
	s := &Server{store: cfg.Store, pages: cfg.Pages, avail: cfg.Availability, auth: cfg.Auth,
		holdFor: cfg.HoldFor, now: cfg.Now, held: cfg.Held}
	if cfg.Credentials != nil {
		s.creds = []grpc.CallOption{cfg.Credentials}
	}
	if s.holdFor <= 0 {
		s.holdFor = DefaultHoldFor
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.held == nil {
		s.held = func() {}
	}
	return s
}

// HoldSlot implements searchv1.OrientationServiceServer. A slot held by
// another regulator is ALREADY_EXISTS (SLOT_HELD), without saying by whom;
// the holder's own hold is extended.
func (s *Server) HoldSlot(ctx context.Context, req *searchv1.HoldSlotRequest) (*searchv1.SlotHold, error) {
	p := policy.Caller(ctx)
	if !p.IsRegulator() {
		return nil, policy.Denied(p, "hold slots")
	}
	if err := checkName(req.GetSlot(), slotName, "slot", `want "slots/{id}"`); err != nil {
		return nil, err
	}
	audit.Target(ctx, req.GetSlot(), p.Territory)
	now := s.now().Truncate(time.Microsecond)
	if _, err := s.freeSlot(ctx, req.GetSlot(), now); err != nil {
		return nil, err
	}
	until := now.Add(s.holdFor)
	err := s.store.HoldSlot(ctx, req.GetSlot(), p.Subject, now, until)
	if errors.Is(err, ErrSlotHeld) {
		return nil, apierr.Reason(codes.AlreadyExists, "SLOT_HELD",
			req.GetSlot()+" is held by another regulator for a few minutes: choose another slot or try again later",
			map[string]string{"slot": req.GetSlot()})
	}
	if err != nil {
		return nil, slotError(err, req.GetSlot())
	}
	s.held()
	return &searchv1.SlotHold{Slot: req.GetSlot(), Holder: p.Subject, ExpireTime: timestamp(until)}, nil
}

// slotError maps the store's refusals about a slot.
func slotError(err error, slot string) error {
	meta := map[string]string{"slot": slot}
	switch {
	case errors.Is(err, ErrSlotHeld):
		return apierr.Reason(codes.FailedPrecondition, "SLOT_HELD",
			slot+" is held by another regulator for a few minutes: choose another slot or try again later", meta)
	case errors.Is(err, ErrSlotTaken):
		return apierr.Reason(codes.FailedPrecondition, "SLOT_TAKEN", "a patient was already oriented to "+slot, meta)
	}
	return err
}
