// Package auth holds who is calling: the principal carried by an access
// token, the signing keys that issue tokens and the verifier every service
// runs locally against a cached key set (no call to accounts per request).
package auth

import (
	"context"
	"slices"
	"strings"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
)

// Kind says what sort of client a principal is.
type Kind string

// Kinds of principals.
const (
	// KindUser is a person with an account ("accounts/{id}").
	KindUser Kind = "user"
	// KindVendor is a booking-platform vendor client ("vendors/{id}").
	KindVendor Kind = "vendor"
	// KindService is a platform service calling another one.
	KindService Kind = "service"
)

// Principal is the authenticated caller of an RPC.
type Principal struct {
	// Subject is the resource name: "accounts/{id}", "vendors/{id}" or "services/{name}".
	Subject string
	Kind    Kind
	// Role of a user; ROLE_UNSPECIFIED for vendors and services.
	Role accountsv1.Role
	// Territory of a user, "territories/{id}"; empty for national roles.
	Territory string
	// NationalID of a professional user ("8"+RPPS or "0"+ADELI).
	NationalID string
	// ActsFor lists the national ids whose availability a delegate or a
	// structure manager may manage (its grants when the token was issued);
	// a professional acts for its own NationalID.
	ActsFor []string
	// TokenID is the jti of the access token, for the audit trail.
	TokenID string
}

// ID is the last segment of Subject.
func (p *Principal) ID() string {
	return p.Subject[strings.LastIndexByte(p.Subject, '/')+1:]
}

// IsNationalAdmin reports whether p is a national admin.
func (p *Principal) IsNationalAdmin() bool {
	return p != nil && p.Kind == KindUser && p.Role == accountsv1.Role_ROLE_NATIONAL_ADMIN
}

// IsTerritorialAdmin reports whether p manages the accounts of a territory
// (ARS or GRADeS account manager).
func (p *Principal) IsTerritorialAdmin() bool {
	return p != nil && p.Kind == KindUser && (p.Role == accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER ||
		p.Role == accountsv1.Role_ROLE_GRADES_ACCOUNT_MANAGER)
}

// IsRegulator reports whether p searches and orients patients: ARM,
// regulating doctor, OSNP or orientation nurse.
func (p *Principal) IsRegulator() bool {
	if p == nil || p.Kind != KindUser {
		return false
	}
	switch p.Role {
	case accountsv1.Role_ROLE_ARM, accountsv1.Role_ROLE_REGULATING_DOCTOR,
		accountsv1.Role_ROLE_OSNP, accountsv1.Role_ROLE_ORIENTATION_NURSE:
		return true
	}
	return false
}

// Label is how logs and audit events name the principal's role: the role
// name for users, the kind otherwise.
func (p *Principal) Label() string {
	if p == nil {
		return "anonymous"
	}
	if p.Kind == KindUser {
		return p.Role.String()
	}
	return string(p.Kind)
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal of ctx, or nil for an anonymous call.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// MayActFor reports whether p manages the availability of the professional
// with nationalID: itself, or one that granted it a delegation.
func (p *Principal) MayActFor(nationalID string) bool {
	if p == nil || p.Kind != KindUser || nationalID == "" {
		return false
	}
	if p.Role == accountsv1.Role_ROLE_PROFESSIONAL && p.NationalID == nationalID {
		return true
	}
	return slices.Contains(p.ActsFor, nationalID)
}
