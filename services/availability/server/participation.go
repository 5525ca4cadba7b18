package server

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/policy"
)

// ParticipationServer implements availabilityv1.ParticipationServiceServer.
type ParticipationServer struct {
	availabilityv1.UnimplementedParticipationServiceServer
	*Server
}

var (
	participationName = regexp.MustCompile(`^professionals/([0-9A-Z]{10,12})/participation$`)
	vendorName        = regexp.MustCompile(`^vendors/[a-z0-9-]{3,40}$`)
	siteName          = regexp.MustCompile(`^sites/[^/]+$`)
)

func participationID(name, field string) (string, error) {
	m := participationName.FindStringSubmatch(name)
	if m == nil {
		return "", apierr.InvalidArgument(apierr.Violation{Field: field, Description: `want "professionals/{national_id}/participation"`})
	}
	return m[1], nil
}

// GetParticipation implements availabilityv1.ParticipationServiceServer.
func (s ParticipationServer) GetParticipation(ctx context.Context, req *availabilityv1.GetParticipationRequest) (*availabilityv1.Participation, error) {
	id, err := participationID(req.GetName(), "name")
	if err != nil {
		return nil, err
	}
	if p := policy.Caller(ctx); !mayReadProfessional(p, id) {
		return nil, policy.Denied(p, "read "+req.GetName())
	}
	return s.store.GetParticipation(ctx, id)
}

var participationFields = map[string]func(dst, src *availabilityv1.Participation){
	"participates":           func(d, s *availabilityv1.Participation) { d.Participates = s.Participates },
	"mode":                   func(d, s *availabilityv1.Participation) { d.Mode = s.Mode },
	"structure":              func(d, s *availabilityv1.Participation) { d.Structure = s.Structure },
	"accepts_extra_patients": func(d, s *availabilityv1.Participation) { d.AcceptsExtraPatients = s.AcceptsExtraPatients },
	"reorientation_fee":      func(d, s *availabilityv1.Participation) { d.ReorientationFee = s.ReorientationFee },
	"vendor_interfacing":     func(d, s *availabilityv1.Participation) { d.VendorInterfacing = s.VendorInterfacing },
	"vendors":                func(d, s *availabilityv1.Participation) { d.Vendors = s.Vendors },
}

func checkParticipation(p *availabilityv1.Participation) error {
	bad := func(field, format string, args ...any) error {
		return apierr.InvalidArgument(apierr.Violation{Field: "participation." + field, Description: fmt.Sprintf(format, args...)})
	}
	if _, ok := commonv1.ParticipationMode_name[int32(p.GetMode())]; !ok {
		return bad("mode", "unknown value %d", p.GetMode())
	}
	switch p.GetMode() {
	case commonv1.ParticipationMode_PARTICIPATION_MODE_CPTS, commonv1.ParticipationMode_PARTICIPATION_MODE_MSP,
		commonv1.ParticipationMode_PARTICIPATION_MODE_SOS_MEDECINS:
		if !siteName.MatchString(p.GetStructure()) {
			return bad("structure", `the structure taken part through: "sites/{id}"`)
		}
	}
	if len(p.GetVendors()) > 10 {
		return bad("vendors", "at most 10")
	}
	for i, v := range p.GetVendors() {
		if !vendorName.MatchString(v) {
			return bad(fmt.Sprintf("vendors[%d]", i), `%q: want "vendors/{id}"`, v)
		}
	}
	return nil
}

// UpdateParticipation implements availabilityv1.ParticipationServiceServer.
func (s ParticipationServer) UpdateParticipation(ctx context.Context, req *availabilityv1.UpdateParticipationRequest) (*availabilityv1.Participation, error) {
	id, err := participationID(req.GetParticipation().GetName(), "participation.name")
	if err != nil {
		return nil, err
	}
	if err := policy.ActFor(policy.Caller(ctx), id); err != nil {
		return nil, err
	}
	paths, err := maskPaths(req.GetUpdateMask(), participationFields)
	if err != nil {
		return nil, err
	}
	k, err := idempotency.NewKey(ctx, "UpdateParticipation", req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotency.Do(ctx, s.store, k, func() (*availabilityv1.Participation, error) {
		out, err := s.store.UpdateParticipation(ctx, k, id, req.GetParticipation().GetEtag(), func(cur *availabilityv1.Participation) error {
			for _, p := range paths {
				participationFields[p](cur, req.GetParticipation())
			}
			return checkParticipation(cur)
		})
		return out, storeError(err, strings.TrimSuffix(req.GetParticipation().GetName(), "/participation"))
	})
}
