package orientation

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
)

// freeSlot reads the slot name from the availability service and checks
// that a patient may still be sent to it at now.
func (s *Server) freeSlot(ctx context.Context, name string, now time.Time) (*availabilityv1.Slot, error) {
	sl, err := s.avail.GetSlot(ctx, &availabilityv1.GetSlotRequest{Name: name}, s.creds...)
	if err != nil {
		return nil, peerError(err, name, "availability")
	}
	meta := map[string]string{"slot": name}
	switch {
	case sl.GetStatus() != availabilityv1.Slot_STATUS_FREE:
		return nil, apierr.Reason(codes.FailedPrecondition, "SLOT_NOT_FREE",
			fmt.Sprintf("%s is %s", name, sl.GetStatus()), meta)
	case !sl.GetPublished():
		return nil, apierr.Reason(codes.FailedPrecondition, "SLOT_NOT_PUBLISHED",
			name+" is withdrawn from SAS (opt-out or participation off)", meta)
	case !sl.GetStartTime().AsTime().After(now):
		return nil, apierr.Reason(codes.FailedPrecondition, "SLOT_STARTED", name+" has started", meta)
	}
	return sl, nil
}

// openRange reads the range name and checks that it still takes patients
// at now (its count is checked when a place is reserved).
func (s *Server) openRange(ctx context.Context, name string, now time.Time) (*availabilityv1.Range, error) {
	r, err := s.avail.GetRange(ctx, &availabilityv1.GetRangeRequest{Name: name}, s.creds...)
	if err != nil {
		return nil, peerError(err, name, "availability")
	}
	meta := map[string]string{"range": name}
	switch {
	case !r.GetPublished():
		return nil, apierr.Reason(codes.FailedPrecondition, "RANGE_NOT_PUBLISHED",
			name+" is withdrawn from SAS (opt-out or participation off)", meta)
	case !r.GetEndTime().AsTime().After(now):
		return nil, apierr.Reason(codes.FailedPrecondition, "RANGE_ENDED", name+" has ended", meta)
	}
	return r, nil
}

// reserve counts the orientation into the range; RANGE_FULL passes through.
func (s *Server) reserve(ctx context.Context, rangeName, orientation string) error {
	_, err := s.avail.ReserveRangePlace(ctx, &availabilityv1.ReserveRangePlaceRequest{Name: rangeName, Orientation: orientation}, s.creds...)
	return peerError(err, rangeName, "availability")
}

// handoff signs the regulator's identity for the vendor.
func (s *Server) handoff(ctx context.Context, regulator, vendor string) (string, *timestamppb.Timestamp, error) {
	resp, err := s.auth.IssueHandoffToken(ctx, &accountsv1.IssueHandoffTokenRequest{Account: regulator, Vendor: vendor}, s.creds...)
	if status.Code(err) == codes.NotFound {
		return "", nil, apierr.Reason(codes.FailedPrecondition, "HANDOFF_REFUSED",
			"the accounts service does not know "+regulator+" or "+vendor, map[string]string{"vendor": vendor})
	}
	if err != nil {
		return "", nil, peerError(err, vendor, "accounts")
	}
	return resp.GetToken(), resp.GetExpireTime(), nil
}

// peerError maps the error of a call to a peer about name: NOT_FOUND
// names it; the peer's refusals (FAILED_PRECONDITION, such as RANGE_FULL or
// ACCOUNT_SUSPENDED) and transient failures pass through; anything else
// (a refused service token, a bad request) is this service's fault and
// becomes INTERNAL, logged by the error interceptor.
func peerError(err error, name, peer string) error {
	switch status.Code(err) {
	case codes.OK:
		return nil
	case codes.NotFound:
		return apierr.NotFound(name)
	case codes.FailedPrecondition, codes.Unavailable, codes.DeadlineExceeded, codes.Canceled, codes.ResourceExhausted, codes.Aborted:
		return err
	}
	return fmt.Errorf("%s service about %s: %v", peer, name, err) // %v: not a status, so INTERNAL
}

// withOrigin adds origin=sas to a vendor's booking URL (http or https),
// replacing any origin parameter and keeping the rest of the query exactly
// as the vendor wrote it.
func withOrigin(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("booking url: %w", err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("booking url %q: not an http(s) URL", raw)
	}
	kept := []string{}
	for _, pair := range strings.Split(u.RawQuery, "&") {
		key, _, _ := strings.Cut(pair, "=")
		if unescaped, err := url.QueryUnescape(key); pair == "" || key == "origin" || (err == nil && unescaped == "origin") {
			continue
		}
		kept = append(kept, pair)
	}
	u.RawQuery, u.ForceQuery = strings.Join(append(kept, "origin=sas"), "&"), false
	return u.String(), nil
}

func timestamp(t time.Time) *timestamppb.Timestamp { return timestamppb.New(t) }
