// Package vendors manages the booking-platform vendors: national admins
// register them; each gets OAuth2 client credentials whose secret is shown
// once and stored hashed.
package vendors

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/authn"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
)

// Defaults and limits of the API.
const (
	defaultPushRateLimit = 5000
	defaultPageSize      = 50
	maxPageSize          = 500
	// secretGrace is how long a rotated-out secret keeps working, so the
	// vendor can deploy the new one.
	secretGrace = 24 * time.Hour
)

var vendorID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$`)

// Server implements accountsv1.VendorServiceServer.
type Server struct {
	accountsv1.UnimplementedVendorServiceServer
	store *store.DB
	pages *pagetoken.Sealer
}

// NewServer returns the server.
func NewServer(st *store.DB, pages *pagetoken.Sealer) *Server {
	return &Server{store: st, pages: pages}
}

// NewSecret returns a random 256-bit client secret.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func validate(v *accountsv1.Vendor) error {
	var vs []apierr.Violation
	if n := utf8.RuneCountInString(v.DisplayName); n == 0 || n > 100 {
		vs = append(vs, apierr.Violation{Field: "vendor.display_name", Description: "required, at most 100 characters"})
	}
	if v.FhirBaseUrl != "" {
		u, err := url.Parse(v.FhirBaseUrl)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			vs = append(vs, apierr.Violation{Field: "vendor.fhir_base_url", Description: "must be an https URL"})
		}
	}
	if v.PushRateLimit < 0 || v.PushRateLimit > 1_000_000 {
		vs = append(vs, apierr.Violation{Field: "vendor.push_rate_limit", Description: "between 0 (default 5,000) and 1,000,000"})
	}
	if len(v.ClientCertificateSecret) > 253 {
		vs = append(vs, apierr.Violation{Field: "vendor.client_certificate_secret", Description: "a secret name of at most 253 characters"})
	}
	if len(vs) > 0 {
		return apierr.InvalidArgument(vs...)
	}
	return nil
}

// CreateVendor implements accountsv1.VendorServiceServer.
func (s *Server) CreateVendor(ctx context.Context, req *accountsv1.CreateVendorRequest) (*accountsv1.CreateVendorResponse, error) {
	if !vendorID.MatchString(req.GetVendorId()) {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "vendor_id", Description: "3 to 40 characters of a-z, 0-9 and -"})
	}
	v := req.GetVendor()
	if v == nil {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "vendor", Description: "required"})
	}
	if err := validate(v); err != nil {
		return nil, err
	}
	if v.PushRateLimit == 0 {
		v.PushRateLimit = defaultPushRateLimit
	}
	now := time.Now()
	v.Name, v.ClientId = "vendors/"+req.VendorId, "vendor-"+req.VendorId
	secret := NewSecret()
	if err := s.store.CreateVendor(ctx, v, store.Client{ID: v.ClientId, Subject: v.Name, SecretHash: authn.HashSecret(secret)}, now); err != nil {
		return nil, err
	}
	v.CreateTime, v.UpdateTime, v.Etag = timestamppb.New(now), timestamppb.New(now), "1"
	return &accountsv1.CreateVendorResponse{Vendor: v, ClientSecret: secret}, nil
}

// GetVendor implements accountsv1.VendorServiceServer: a vendor reads itself.
func (s *Server) GetVendor(ctx context.Context, req *accountsv1.GetVendorRequest) (*accountsv1.Vendor, error) {
	if p := policy.Caller(ctx); p.Kind == auth.KindVendor && p.Subject != req.GetName() {
		return nil, apierr.NotFound(req.GetName())
	}
	return s.store.Vendor(ctx, req.GetName())
}

// ListVendors implements accountsv1.VendorServiceServer.
func (s *Server) ListVendors(ctx context.Context, req *accountsv1.ListVendorsRequest) (*accountsv1.ListVendorsResponse, error) {
	size, err := pagetoken.Size(req.GetPageSize(), defaultPageSize, maxPageSize)
	if err != nil {
		return nil, err
	}
	var after string
	if _, err := s.pages.OpenRequest(req.GetPageToken(), "vendors", &after); err != nil {
		return nil, err
	}
	vs, err := s.store.Vendors(ctx, after, size+1)
	if err != nil {
		return nil, err
	}
	resp := &accountsv1.ListVendorsResponse{Vendors: vs}
	if len(vs) > size {
		resp.Vendors = vs[:size]
		if resp.NextPageToken, err = s.pages.Seal(strings.TrimPrefix(vs[size-1].Name, "vendors/"), "vendors"); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// UpdateVendor implements accountsv1.VendorServiceServer.
func (s *Server) UpdateVendor(ctx context.Context, req *accountsv1.UpdateVendorRequest) (*accountsv1.Vendor, error) {
	in := req.GetVendor()
	if in == nil || in.Name == "" {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "vendor.name", Description: "required"})
	}
	if len(req.GetUpdateMask().GetPaths()) == 0 {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "update_mask", Description: "name the fields to change"})
	}
	cur, err := s.store.Vendor(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	if in.Etag != "" && in.Etag != cur.Etag {
		return nil, apierr.Reason(codes.Aborted, "ETAG_MISMATCH", in.Name+" changed since etag "+in.Etag, nil)
	}
	for _, path := range req.UpdateMask.Paths {
		switch path {
		case "display_name":
			cur.DisplayName = in.DisplayName
		case "fhir_base_url":
			cur.FhirBaseUrl = in.FhirBaseUrl
		case "client_certificate_secret":
			cur.ClientCertificateSecret = in.ClientCertificateSecret
		case "push_rate_limit":
			cur.PushRateLimit = in.PushRateLimit
		case "enabled":
			cur.Enabled = in.Enabled
		default:
			return nil, apierr.InvalidArgument(apierr.Violation{Field: "update_mask", Description: "cannot change " + path})
		}
	}
	if err := validate(cur); err != nil {
		return nil, err
	}
	if err := s.store.UpdateVendor(ctx, cur, time.Now()); err != nil {
		return nil, err
	}
	return cur, nil
}

// DeleteVendor implements accountsv1.VendorServiceServer.
func (s *Server) DeleteVendor(ctx context.Context, req *accountsv1.DeleteVendorRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, s.store.DeleteVendor(ctx, req.GetName(), time.Now())
}

// RotateVendorSecret implements accountsv1.VendorServiceServer.
func (s *Server) RotateVendorSecret(ctx context.Context, req *accountsv1.RotateVendorSecretRequest) (*accountsv1.RotateVendorSecretResponse, error) {
	v, err := s.store.Vendor(ctx, req.GetName())
	if err != nil {
		return nil, err
	}
	secret, now := NewSecret(), time.Now()
	if err := s.store.RotateClientSecret(ctx, v.ClientId, authn.HashSecret(secret), now, now.Add(secretGrace)); err != nil {
		return nil, err
	}
	return &accountsv1.RotateVendorSecretResponse{ClientSecret: secret, PreviousSecretExpireTime: timestamppb.New(now.Add(secretGrace))}, nil
}
