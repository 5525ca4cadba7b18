// Package policy decides who may call what: one table of every RPC of every
// service, deny by default, enforced by the gRPC authenticator of each
// service; the per-resource checks (territory, ownership, delegation) that
// handlers run live in scope.go.
package policy

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"google.golang.org/grpc/codes"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/auth"
	"github.com/sas-platform/sas/services/platform/grpcserver"
)

// Rule says who may call one RPC. Handlers then check the resource itself.
type Rule struct {
	// Public RPCs need no token (sign-in, key set).
	Public bool
	// Roles of users allowed.
	Roles []accountsv1.Role
	// Vendors and platform services allowed.
	Vendor, Service bool
	// Quiet RPCs are not audited: reference data (territories, sites,
	// code tables) and the audit writes themselves. Sign-in audits its
	// failures itself.
	Quiet bool
}

// Allows reports whether the rule lets p call.
func (r Rule) Allows(p *auth.Principal) bool {
	switch {
	case r.Public:
		return true
	case p == nil:
		return false
	case p.Kind == auth.KindVendor:
		return r.Vendor
	case p.Kind == auth.KindService:
		return r.Service
	case p.Kind == auth.KindUser:
		return slices.Contains(r.Roles, p.Role)
	}
	return false
}

// Groups of roles the rules are written with.
var (
	national     = []accountsv1.Role{accountsv1.Role_ROLE_NATIONAL_ADMIN}
	accountAdmin = []accountsv1.Role{accountsv1.Role_ROLE_NATIONAL_ADMIN, accountsv1.Role_ROLE_ARS_ACCOUNT_MANAGER, accountsv1.Role_ROLE_GRADES_ACCOUNT_MANAGER}
	// overseers read the activity of a territory.
	overseers  = append(slices.Clone(accountAdmin), accountsv1.Role_ROLE_TERRITORIAL_REFERENT)
	regulators = []accountsv1.Role{accountsv1.Role_ROLE_ARM, accountsv1.Role_ROLE_REGULATING_DOCTOR, accountsv1.Role_ROLE_OSNP, accountsv1.Role_ROLE_ORIENTATION_NURSE}
	// proSide act on a professional's availability: itself, its structure, its delegates.
	proSide = []accountsv1.Role{accountsv1.Role_ROLE_PROFESSIONAL, accountsv1.Role_ROLE_STRUCTURE_MANAGER, accountsv1.Role_ROLE_DELEGATE}
	granter = []accountsv1.Role{accountsv1.Role_ROLE_PROFESSIONAL, accountsv1.Role_ROLE_STRUCTURE_MANAGER}
	users   = allRoles()
)

func allRoles() []accountsv1.Role {
	var rs []accountsv1.Role
	for v := range accountsv1.Role_name {
		if v != 0 {
			rs = append(rs, accountsv1.Role(v))
		}
	}
	slices.Sort(rs)
	return rs
}

func join(groups ...[]accountsv1.Role) []accountsv1.Role {
	var rs []accountsv1.Role
	for _, g := range groups {
		for _, r := range g {
			if !slices.Contains(rs, r) {
				rs = append(rs, r)
			}
		}
	}
	return rs
}

const (
	acc   = "/sas.accounts.v1."
	dir   = "/sas.directory.v1."
	avail = "/sas.availability.v1."
	srch  = "/sas.search.v1."
)

// rules is the whole policy. An RPC missing here is refused to everyone.
var rules = map[string]Rule{
	acc + "AuthService/IssueToken":       {Public: true},
	acc + "AuthService/GetJwks":          {Public: true},
	acc + "AuthService/RotateSigningKey": {Roles: national},
	// The search service hands a regulator over to a vendor.
	acc + "AuthService/IssueHandoffToken": {Service: true},

	acc + "TerritoryService/ListRegions":      {Roles: users, Vendor: true, Service: true, Quiet: true},
	acc + "TerritoryService/GetRegion":        {Roles: users, Vendor: true, Service: true, Quiet: true},
	acc + "TerritoryService/ListDepartements": {Roles: users, Vendor: true, Service: true, Quiet: true},
	acc + "TerritoryService/GetDepartement":   {Roles: users, Vendor: true, Service: true, Quiet: true},
	acc + "TerritoryService/ListTerritories":  {Roles: users, Vendor: true, Service: true, Quiet: true},
	acc + "TerritoryService/GetTerritory":     {Roles: users, Vendor: true, Service: true, Quiet: true},
	acc + "TerritoryService/CreateTerritory":  {Roles: national},
	acc + "TerritoryService/UpdateTerritory":  {Roles: national},

	// Accounts: admins within their territory; anyone reads and exports
	// their own account ("accounts/me").
	acc + "AccountService/CreateAccount":     {Roles: accountAdmin},
	acc + "AccountService/GetAccount":        {Roles: users},
	acc + "AccountService/ListAccounts":      {Roles: overseers},
	acc + "AccountService/UpdateAccount":     {Roles: accountAdmin},
	acc + "AccountService/SuspendAccount":    {Roles: accountAdmin},
	acc + "AccountService/ReactivateAccount": {Roles: accountAdmin},
	acc + "AccountService/DeleteAccount":     {Roles: accountAdmin},
	acc + "AccountService/ExportAccountData": {Roles: users},
	acc + "AccountService/EraseAccount":      {Roles: accountAdmin},

	acc + "DelegationService/CreateDelegation": {Roles: join(granter, accountAdmin)},
	acc + "DelegationService/GetDelegation":    {Roles: join(granter, []accountsv1.Role{accountsv1.Role_ROLE_DELEGATE}, accountAdmin)},
	acc + "DelegationService/ListDelegations":  {Roles: join(granter, []accountsv1.Role{accountsv1.Role_ROLE_DELEGATE}, accountAdmin)},
	acc + "DelegationService/DeleteDelegation": {Roles: join(granter, accountAdmin)},

	acc + "VendorService/CreateVendor":       {Roles: national},
	acc + "VendorService/GetVendor":          {Roles: national, Vendor: true},
	acc + "VendorService/ListVendors":        {Roles: national, Service: true},
	acc + "VendorService/UpdateVendor":       {Roles: national},
	acc + "VendorService/DeleteVendor":       {Roles: national},
	acc + "VendorService/RotateVendorSecret": {Roles: national},

	acc + "AuditService/WriteAuditEvents": {Service: true, Quiet: true},
	acc + "AuditService/ListAuditEvents":  {Roles: overseers},

	acc + "RegulatorService/SyncRegulators": {Vendor: true},

	// Directory: personal data of professionals, read by every user
	// (audited) and by the platform's services.
	dir + "DirectoryService/GetProfessional":       {Roles: users, Service: true},
	dir + "DirectoryService/BatchGetProfessionals": {Roles: users, Service: true},
	dir + "DirectoryService/ListProfessionals":     {Roles: users, Service: true},
	dir + "DirectoryService/SetOptOut":             {Roles: join(accountAdmin, proSide)},
	dir + "DirectoryService/GetSite":               {Roles: users, Vendor: true, Service: true, Quiet: true},
	dir + "DirectoryService/ListSites":             {Roles: users, Vendor: true, Service: true, Quiet: true},
	dir + "DirectoryService/ListProfessions":       {Roles: users, Vendor: true, Service: true, Quiet: true},
	dir + "DirectoryService/GetProfession":         {Roles: users, Vendor: true, Service: true, Quiet: true},
	dir + "DirectoryService/ListSpecialties":       {Roles: users, Vendor: true, Service: true, Quiet: true},
	dir + "DirectoryService/GetSpecialty":          {Roles: users, Vendor: true, Service: true, Quiet: true},
	dir + "DirectoryService/WatchChanges":          {Roles: national, Service: true},
	dir + "ImportService/UploadImport":             {Roles: national},
	dir + "ImportService/GetImport":                {Roles: national, Quiet: true},
	dir + "ImportService/ListImports":              {Roles: national, Quiet: true},
	dir + "ImportService/CancelImport":             {Roles: national},
	dir + "ImportService/ListImportRejections":     {Roles: national},

	// Availability: vendors push their own slots; the professional side
	// enters slots by hand within its grants; regulators read.
	avail + "AvailabilityService/BatchUpsertSlots":     {Vendor: true},
	avail + "AvailabilityService/BatchDeleteSlots":     {Vendor: true},
	avail + "AvailabilityService/ReplaceSlots":         {Vendor: true},
	avail + "AvailabilityService/CreateSlot":           {Roles: proSide},
	avail + "AvailabilityService/GetSlot":              {Roles: join(proSide, regulators, accountAdmin), Vendor: true, Service: true},
	avail + "AvailabilityService/ListSlots":            {Roles: join(proSide, accountAdmin), Vendor: true},
	avail + "AvailabilityService/UpdateSlot":           {Roles: proSide},
	avail + "AvailabilityService/DeleteSlot":           {Roles: proSide},
	avail + "AvailabilityService/CreateRange":          {Roles: proSide},
	avail + "AvailabilityService/GetRange":             {Roles: join(proSide, regulators, accountAdmin), Service: true},
	avail + "AvailabilityService/ListRanges":           {Roles: join(proSide, accountAdmin)},
	avail + "AvailabilityService/UpdateRange":          {Roles: proSide},
	avail + "AvailabilityService/DeleteRange":          {Roles: proSide},
	avail + "AvailabilityService/ReserveRangePlace":    {Service: true},
	avail + "AvailabilityService/WatchChanges":         {Roles: national, Service: true},
	avail + "ParticipationService/GetParticipation":    {Roles: join(proSide, regulators, accountAdmin), Service: true},
	avail + "ParticipationService/UpdateParticipation": {Roles: proSide},
	avail + "AppointmentService/CreateAppointment":     {Vendor: true},
	avail + "AppointmentService/GetAppointment":        {Roles: overseers, Vendor: true},
	avail + "AppointmentService/ListAppointments":      {Roles: overseers, Vendor: true},
	avail + "AppointmentService/UpdateAppointment":     {Vendor: true},

	// Search: regulators, and admins for support.
	srch + "SearchService/SearchSlots":            {Roles: join(regulators, accountAdmin)},
	srch + "OrientationService/HoldSlot":          {Roles: regulators},
	srch + "OrientationService/CreateOrientation": {Roles: regulators},
	srch + "OrientationService/GetOrientation":    {Roles: join(regulators, overseers), Service: true},
	srch + "OrientationService/ListOrientations":  {Roles: join(regulators, overseers)},
}

// RuleFor returns the rule of fullMethod; ok is false when there is none
// (and every call is refused).
func RuleFor(fullMethod string) (Rule, bool) {
	r, ok := rules[fullMethod]
	return r, ok
}

// Audited reports whether calls of fullMethod go to the audit trail: every
// change and every read of personal data.
func Audited(fullMethod string) bool {
	r, ok := rules[fullMethod]
	return ok && !r.Public && !r.Quiet
}

// Methods lists every RPC the policy knows.
func Methods() []string {
	ms := make([]string, 0, len(rules))
	for m := range rules {
		ms = append(ms, m)
	}
	slices.Sort(ms)
	return ms
}

// Authenticator verifies the bearer token of each call with v and checks
// the method's rule: UNAUTHENTICATED without a valid token,
// PERMISSION_DENIED when the rule does not let the caller in.
func Authenticator(v *auth.Verifier) grpcserver.Authenticator {
	return func(ctx context.Context, method string) (context.Context, error) {
		rule, ok := rules[method]
		if !ok {
			return nil, apierr.Reason(codes.PermissionDenied, "NO_POLICY", fmt.Sprintf("%s is not open to anyone", method), nil)
		}
		tok := auth.BearerFromContext(ctx)
		if tok == "" {
			if rule.Public {
				return ctx, nil
			}
			return nil, apierr.Reason(codes.Unauthenticated, "TOKEN_MISSING", "missing access token (authorization: Bearer …)", nil)
		}
		p, err := v.Verify(ctx, tok)
		if err != nil {
			if rule.Public {
				return ctx, nil
			}
			var te *auth.TokenError
			if errors.As(err, &te) {
				return nil, apierr.Reason(codes.Unauthenticated, te.Reason, te.Error(), nil)
			}
			return nil, apierr.Reason(codes.Unavailable, "KEYS_UNAVAILABLE", "cannot check the access token now: "+err.Error(), nil)
		}
		if !rule.Allows(p) {
			return nil, apierr.Reason(codes.PermissionDenied, "ROLE_NOT_ALLOWED",
				fmt.Sprintf("%s may not call %s", p.Label(), method), nil)
		}
		return auth.WithPrincipal(ctx, p), nil
	}
}
