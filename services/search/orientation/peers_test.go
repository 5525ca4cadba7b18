package orientation_test

import (
	"context"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
)

// Test data of the in-memory availability service.
const (
	vendor    = "vendors/agenda-plus"
	proA      = "professionals/810000000001"
	vendorURL = "https://agenda.example.fr/rdv?praticien=42&q=a%20b#creneau"
)

var (
	practice = commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE
	video    = commonv1.ConsultationMode_CONSULTATION_MODE_VIDEO
	home     = commonv1.ConsultationMode_CONSULTATION_MODE_HOME
)

// availability is the availability service's slot and range reads and its
// range reservation, over maps.
type availability struct {
	availabilityv1.UnimplementedAvailabilityServiceServer
	mu       sync.Mutex
	slots    map[string]*availabilityv1.Slot
	ranges   map[string]*availabilityv1.Range
	reserved map[string]map[string]bool // range → orientations counted
}

func newAvailability() *availability {
	at := func(h float64) *timestamppb.Timestamp {
		return timestamppb.New(t0.Add(time.Duration(h * float64(time.Hour))))
	}
	slot := func(name, vendor, pro, url string, st availabilityv1.Slot_Status) *availabilityv1.Slot {
		return &availabilityv1.Slot{Name: name, Vendor: vendor, Professional: pro, Status: st, Published: true,
			Place:     &availabilityv1.PracticePlace{Site: "sites/cabinet-a"},
			StartTime: at(2), EndTime: at(2.5), BookingUrl: url,
			ConsultationModes: []commonv1.ConsultationMode{practice, video}}
	}
	a := &availability{slots: map[string]*availabilityv1.Slot{}, ranges: map[string]*availabilityv1.Range{},
		reserved: map[string]map[string]bool{}}
	for _, s := range []*availabilityv1.Slot{
		slot("slots/v1", vendor, proA, vendorURL, availabilityv1.Slot_STATUS_FREE),
		slot("slots/v2", vendor, proA, "https://agenda.example.fr/rdv/2", availabilityv1.Slot_STATUS_FREE),
		slot("slots/v3", vendor, proA, "https://agenda.example.fr/rdv/3", availabilityv1.Slot_STATUS_FREE),
		slot("slots/hand", "", proA, "", availabilityv1.Slot_STATUS_FREE),
		slot("slots/sos", vendor, "", "https://sos.example.fr/book?origin=web", availabilityv1.Slot_STATUS_FREE),
		slot("slots/booked", vendor, proA, vendorURL, availabilityv1.Slot_STATUS_BOOKED),
		slot("slots/off", "vendors/off-agenda", proA, vendorURL, availabilityv1.Slot_STATUS_FREE),
	} {
		a.slots[s.Name] = s
	}
	a.slots["slots/sos"].Place.Site = "sites/sos-44"
	a.slots["slots/started"] = slot("slots/started", vendor, proA, vendorURL, availabilityv1.Slot_STATUS_FREE)
	a.slots["slots/started"].StartTime = at(-0.1)
	a.ranges["ranges/r1"] = &availabilityv1.Range{Name: "ranges/r1", Professional: proA, StartTime: at(1), EndTime: at(4),
		MaxPatients: 2, Published: true, ConsultationModes: []commonv1.ConsultationMode{practice}}
	a.ranges["ranges/ended"] = &availabilityv1.Range{Name: "ranges/ended", Professional: proA, StartTime: at(-3), EndTime: at(-1),
		MaxPatients: 5, Published: true, ConsultationModes: []commonv1.ConsultationMode{practice}}
	return a
}

func (a *availability) register(s *grpc.Server) {
	availabilityv1.RegisterAvailabilityServiceServer(s, a)
}

func availabilityClient(conn *grpc.ClientConn) availabilityv1.AvailabilityServiceClient {
	return availabilityv1.NewAvailabilityServiceClient(conn)
}

func (a *availability) GetSlot(_ context.Context, req *availabilityv1.GetSlotRequest) (*availabilityv1.Slot, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.slots[req.GetName()]; ok {
		return proto.Clone(s).(*availabilityv1.Slot), nil
	}
	return nil, apierr.NotFound(req.GetName())
}

func (a *availability) GetRange(_ context.Context, req *availabilityv1.GetRangeRequest) (*availabilityv1.Range, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r, ok := a.ranges[req.GetName()]; ok {
		return proto.Clone(r).(*availabilityv1.Range), nil
	}
	return nil, apierr.NotFound(req.GetName())
}

// ReserveRangePlace counts an orientation once, up to the range's maximum.
func (a *availability) ReserveRangePlace(_ context.Context, req *availabilityv1.ReserveRangePlaceRequest) (*availabilityv1.Range, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	r, ok := a.ranges[req.GetName()]
	if !ok {
		return nil, apierr.NotFound(req.GetName())
	}
	if a.reserved[r.Name] == nil {
		a.reserved[r.Name] = map[string]bool{}
	}
	if !a.reserved[r.Name][req.GetOrientation()] {
		if r.OrientationCount >= r.MaxPatients {
			return nil, apierr.Reason(codes.FailedPrecondition, "RANGE_FULL", req.GetName()+" has no place left", nil)
		}
		r.OrientationCount++
		a.reserved[r.Name][req.GetOrientation()] = true
	}
	return proto.Clone(r).(*availabilityv1.Range), nil
}

func (a *availability) count(rangeName string) int32 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ranges[rangeName].OrientationCount
}

// accounts signs handoff tokens for known regulators and enabled vendors.
type accounts struct {
	accountsv1.UnimplementedAuthServiceServer
	key     auth.SigningKey
	mu      sync.Mutex
	calls   []*accountsv1.IssueHandoffTokenRequest
	callers []string
}

func newAccounts(key auth.SigningKey) *accounts { return &accounts{key: key} }

func (a *accounts) IssueHandoffToken(ctx context.Context, req *accountsv1.IssueHandoffTokenRequest) (*accountsv1.IssueHandoffTokenResponse, error) {
	a.mu.Lock()
	a.calls = append(a.calls, req)
	a.callers = append(a.callers, auth.FromContext(ctx).Subject)
	a.mu.Unlock()
	if req.GetVendor() == "vendors/off-agenda" {
		return nil, apierr.Reason(codes.FailedPrecondition, "VENDOR_DISABLED", req.GetVendor()+" is disabled", nil)
	}
	now := time.Now()
	exp := now.Add(5 * time.Minute).Truncate(time.Second)
	tok, err := auth.Sign(a.key, map[string]any{"iss": "sas", "sub": req.GetAccount(), "aud": req.GetVendor(),
		"iat": now.Unix(), "exp": exp.Unix(), "jti": auth.NewTokenID()})
	if err != nil {
		return nil, err
	}
	return &accountsv1.IssueHandoffTokenResponse{Token: tok, ExpireTime: timestamppb.New(exp)}, nil
}

// issued returns the requests received and who sent them.
func (a *accounts) issued() ([]*accountsv1.IssueHandoffTokenRequest, []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*accountsv1.IssueHandoffTokenRequest(nil), a.calls...), append([]string(nil), a.callers...)
}
