package orientation

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"regexp"
	"slices"
	"time"

	"google.golang.org/grpc/codes"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/policy"
)

var (
	slotName         = regexp.MustCompile(`^slots/[^/]{1,200}$`)
	rangeName        = regexp.MustCompile(`^ranges/[^/]{1,200}$`)
	professionalName = regexp.MustCompile(`^professionals/(8[0-9]{11}|0[0-9A-Z]{9,10})$`)
	siteName         = regexp.MustCompile(`^sites/[^/]{1,200}$`)
	orientationName  = regexp.MustCompile(`^orientations/([0-9a-f-]{36})$`)
)

// CreateOrientation implements searchv1.OrientationServiceServer. The
// regulator and territory are the caller's; a request_id makes a retry
// return the first answer (handoff token included).
func (s *Server) CreateOrientation(ctx context.Context, req *searchv1.CreateOrientationRequest) (*searchv1.Orientation, error) {
	p := policy.Caller(ctx)
	if !p.IsRegulator() {
		return nil, policy.Denied(p, "orient patients")
	}
	in := req.GetOrientation()
	if err := checkOrientation(in); err != nil {
		return nil, err
	}
	noteAudit(ctx, in, p.Territory)
	k, err := idempotency.NewKey(ctx, searchv1.OrientationService_CreateOrientation_FullMethodName, req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	o, err := idempotency.Do(ctx, s.store, k, func() (*searchv1.Orientation, error) { return s.create(ctx, k, p, in) })
	if err == nil {
		audit.Target(ctx, o.GetName(), o.GetTerritory())
	}
	return o, err
}

// noteAudit adds what the orientation targets to the audit event: no
// patient data ever comes with an orientation.
func noteAudit(ctx context.Context, in *searchv1.Orientation, territory string) {
	audit.Territory(ctx, territory)
	audit.Detail(ctx, "type", in.GetType().String())
	for key, v := range map[string]string{"slot": in.GetSlot(), "range": in.GetRange(),
		"professional": in.GetProfessional(), "structure": in.GetStructure()} {
		if v != "" {
			audit.Detail(ctx, key, v)
		}
	}
	if m := in.GetConsultationMode(); m != commonv1.ConsultationMode_CONSULTATION_MODE_UNSPECIFIED {
		audit.Detail(ctx, "consultation_mode", m.String())
	}
}

// create orients: it checks the target with the availability service,
// reserves a range place or signs the handoff, then records the
// orientation (and, for a slot, holds it) in one transaction.
func (s *Server) create(ctx context.Context, k *idempotency.Key, p *auth.Principal, in *searchv1.Orientation) (*searchv1.Orientation, error) {
	now := s.now().Truncate(time.Microsecond)
	o := &searchv1.Orientation{Name: "orientations/" + newID(k), Type: in.GetType(), Regulator: p.Subject,
		Territory: p.Territory, Slot: in.GetSlot(), Range: in.GetRange(), Professional: in.GetProfessional(),
		Structure: in.GetStructure(), ConsultationMode: in.GetConsultationMode(), CreateTime: timestamp(now)}
	var vendor string
	var err error
	switch o.GetType() {
	case searchv1.Orientation_TYPE_SLOT:
		vendor, err = s.toSlot(ctx, o, now)
	case searchv1.Orientation_TYPE_RANGE:
		err = s.toRange(ctx, o, now)
	}
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateOrientation(ctx, k, o, vendor, now.Add(s.holdFor)); err != nil {
		return nil, slotError(err, o.GetSlot())
	}
	if o.GetSlot() != "" {
		s.held()
	}
	return o, nil
}

// toSlot checks the slot, fills the orientation from it and, for a
// vendor's slot, adds the booking handoff; it returns the slot's vendor.
func (s *Server) toSlot(ctx context.Context, o *searchv1.Orientation, now time.Time) (string, error) {
	sl, err := s.freeSlot(ctx, o.GetSlot(), now)
	if err != nil {
		return "", err
	}
	if err := fill(o, sl.GetProfessional(), sl.GetPlace().GetSite(), sl.GetConsultationModes(), "slot"); err != nil {
		return "", err
	}
	if sl.GetVendor() == "" {
		return "", nil
	}
	if u := sl.GetBookingUrl(); u != "" {
		if o.BookingUrl, err = withOrigin(u); err != nil {
			return "", apierr.Reason(codes.FailedPrecondition, "BAD_BOOKING_URL",
				fmt.Sprintf("the booking URL %s gave for %s is not usable", sl.GetVendor(), o.GetSlot()), map[string]string{"slot": o.GetSlot()})
		}
	}
	o.HandoffToken, o.HandoffExpireTime, err = s.handoff(ctx, o.GetRegulator(), sl.GetVendor())
	return sl.GetVendor(), err
}

// toRange checks the range, fills the orientation from it and takes a
// place in it for the orientation (once, however often it is retried).
func (s *Server) toRange(ctx context.Context, o *searchv1.Orientation, now time.Time) error {
	r, err := s.openRange(ctx, o.GetRange(), now)
	if err != nil {
		return err
	}
	if err := fill(o, r.GetProfessional(), "", r.GetConsultationModes(), "range"); err != nil {
		return err
	}
	return s.reserve(ctx, o.GetRange(), o.GetName())
}

// fill sets the professional and structure of o from its slot or range
// (what: "slot" or "range"): a value the caller gave must agree; a slot of
// a structure has no professional, and its structure is its place's site.
// The consultation mode chosen must be one offered.
func fill(o *searchv1.Orientation, professional, site string, modes []commonv1.ConsultationMode, what string) error {
	structure := ""
	if professional == "" {
		structure = site
	}
	switch {
	case o.GetProfessional() != "" && o.GetProfessional() != professional:
		return apierr.InvalidArgument(apierr.Violation{Field: "orientation.professional",
			Description: fmt.Sprintf("differs from the %s's professional %q; leave it empty", what, professional)})
	case o.GetStructure() != "" && o.GetStructure() != structure:
		return apierr.InvalidArgument(apierr.Violation{Field: "orientation.structure",
			Description: fmt.Sprintf("differs from the %s's structure %q; leave it empty", what, structure)})
	case o.GetConsultationMode() != commonv1.ConsultationMode_CONSULTATION_MODE_UNSPECIFIED && !slices.Contains(modes, o.GetConsultationMode()):
		return apierr.InvalidArgumentReason("MODE_NOT_OFFERED", apierr.Violation{Field: "orientation.consultation_mode",
			Description: fmt.Sprintf("the %s offers %v only", what, modes)})
	}
	o.Professional, o.Structure = professional, structure
	return nil
}

// newID is a new orientation id: random, or derived from the idempotency
// key, so that a retry after a failure reserves the same range place.
func newID(k *idempotency.Key) string {
	var b [16]byte
	if k == nil {
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	} else {
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%x", k.Caller, k.ID, k.Hash))
		copy(b[:], sum[:])
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
