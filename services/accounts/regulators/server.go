// Package regulators serves the RegulatorService: vendors read the
// identities of regulators (and orientation nurses), so that one may finish
// a booking on a vendor's site without signing in again. A vendor syncs:
// first every current regulator, then the changes since its sync token,
// forgetting those marked removed. Also served as FHIR R4 Practitioner
// resources (fhir.go). Every read is audited by the audit interceptor.
package regulators

import (
	"context"
	"strconv"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/pagetoken"
)

// Page sizes of SyncRegulators (documented in the API).
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// Store reads regulator changes; *store.DB implements it.
type Store interface {
	ChangeSeq(ctx context.Context) (int64, error)
	RegulatorPage(ctx context.Context, q store.RegulatorQuery) ([]store.Change, error)
}

// Server implements accountsv1.RegulatorServiceServer.
type Server struct {
	accountsv1.UnimplementedRegulatorServiceServer
	store Store
	pages *pagetoken.Sealer
}

// NewServer serves the regulators of st.
func NewServer(st Store, pages *pagetoken.Sealer) *Server {
	return &Server{store: st, pages: pages}
}

// SyncRegulators implements accountsv1.RegulatorServiceServer. The policy
// lets vendors only in. A vendor gets the regulators of every territory:
// the platform does not know which territories a vendor serves (a booking
// may be handed to any vendor a professional uses).
func (s *Server) SyncRegulators(ctx context.Context, req *accountsv1.SyncRegulatorsRequest) (*accountsv1.SyncRegulatorsResponse, error) {
	after, full, err := parseSyncToken(req.GetSyncToken())
	if err != nil {
		return nil, err
	}
	size, err := pagetoken.Size(req.GetPageSize(), defaultPageSize, maxPageSize)
	if err != nil {
		return nil, err
	}
	pos, err := s.start(ctx, req, after)
	if err != nil {
		return nil, err
	}
	changes, err := s.store.RegulatorPage(ctx, store.RegulatorQuery{After: pos.After, Upto: pos.Upto, Current: full, Limit: size + 1})
	if err != nil {
		return nil, err
	}
	resp := &accountsv1.SyncRegulatorsResponse{}
	if len(changes) > size { // one more tells whether a next page exists
		changes = changes[:size]
		resp.NextPageToken, err = s.pages.Seal(position{After: changes[size-1].Seq, Upto: pos.Upto}, req.GetSyncToken())
	} else {
		resp.NextSyncToken = syncToken(pos.Upto)
	}
	for _, c := range changes {
		resp.Regulators = append(resp.Regulators, identity(c.Account))
	}
	audit.Detail(ctx, "count", strconv.Itoa(len(resp.Regulators)))
	audit.Detail(ctx, "full", strconv.FormatBool(full))
	return resp, err
}

// start is where the page begins: the page token's position, or for a
// first page, after the sync token up to the latest change now. Changes
// made while the vendor pages through come with the next sync.
func (s *Server) start(ctx context.Context, req *accountsv1.SyncRegulatorsRequest, after int64) (position, error) {
	var pos position
	if ok, err := s.pages.OpenRequest(req.GetPageToken(), req.GetSyncToken(), &pos); ok || err != nil {
		return pos, err
	}
	upto, err := s.store.ChangeSeq(ctx)
	if err != nil {
		return pos, err
	}
	if after > upto {
		// From another database (or one restored from a backup): the
		// vendor would miss the changes numbered again.
		return pos, badSyncToken("unknown to this platform: start again without it")
	}
	return position{After: after, Upto: upto}, nil
}

// identity is what a vendor may know of account a: nothing but its name
// and territory once it must be forgotten.
func identity(a *accountsv1.Account) *accountsv1.RegulatorIdentity {
	id := &accountsv1.RegulatorIdentity{Account: a.GetName(), Territory: a.GetTerritory(), UpdateTime: a.GetUpdateTime()}
	if !store.KnownToVendors(a) {
		id.Removed = true
		return id
	}
	id.FamilyName, id.GivenName, id.Email = a.GetFamilyName(), a.GetGivenName(), a.GetEmail()
	return id
}
