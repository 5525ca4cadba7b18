// Package account serves the AccountService: user accounts, scoped by
// territory. National admins manage every account; a territorial account
// manager (ARS or GRADeS) manages the non-admin accounts of its own
// territory and cannot see the others (NOT_FOUND, as for a missing
// account); a territorial referent reads the accounts of its territory;
// everyone reads and exports its own account as "accounts/me".
package account

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/audit"
	"github.com/sas-platform/sas/services/platform/pagetoken"
	"github.com/sas-platform/sas/services/platform/policy"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

// Store keeps accounts; *store.DB implements it.
type Store interface {
	GetAccount(ctx context.Context, id string) (*accountsv1.Account, error)
	AccountByEmail(ctx context.Context, email string) (*accountsv1.Account, error)
	ListAccounts(ctx context.Context, q store.AccountQuery) ([]*accountsv1.Account, error)
	CreateAccount(ctx context.Context, a *accountsv1.Account, r *store.Request) error
	UpdateAccount(ctx context.Context, a *accountsv1.Account, etag string, r *store.Request) error
	ChangeState(ctx context.Context, id, etag string, t store.Transition, r *store.Request) (*accountsv1.Account, error)
	EraseAccount(ctx context.Context, id string, r *store.Request) error
	DelegationsOf(ctx context.Context, id string) (given, received []*accountsv1.Delegation, err error)
	Answer(ctx context.Context, r store.Request) ([]byte, error)
	GetTerritory(ctx context.Context, name string) (*commonv1.Territory, error)
	Departements(ctx context.Context) ([]*commonv1.Departement, error)
}

// Directory checks national ids against the RPPS/ADELI directory.
type Directory interface {
	// CheckProfessional returns nil for a known, active professional, a
	// NOT_FOUND status for an unknown one and FAILED_PRECONDITION for an
	// inactive one; other errors pass through to the caller.
	CheckProfessional(ctx context.Context, nationalID string) error
}

// Server implements accountsv1.AccountServiceServer.
type Server struct {
	accountsv1.UnimplementedAccountServiceServer
	store Store
	pages *pagetoken.Sealer
	dir   Directory

	// Extra, when set, adds records held elsewhere about the holder of
	// accountName ("accounts/{id}") to ExportAccountData, keyed by kind
	// (audit events, orientations); values must suit structpb.NewValue.
	Extra func(ctx context.Context, accountName string) (map[string]any, error)
}

// NewServer serves the accounts of st; dir may be nil (national ids are then
// only checked for their form).
func NewServer(st Store, pages *pagetoken.Sealer, dir Directory) *Server {
	return &Server{store: st, pages: pages, dir: dir}
}

// GetAccount implements accountsv1.AccountServiceServer.
func (s *Server) GetAccount(ctx context.Context, req *accountsv1.GetAccountRequest) (*accountsv1.Account, error) {
	p := policy.Caller(ctx)
	n, err := parseName(p, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	if !n.self && !isOverseer(p) {
		return nil, policy.Denied(p, "read other accounts")
	}
	return s.visible(ctx, n)
}

// CreateAccount implements accountsv1.AccountServiceServer.
func (s *Server) CreateAccount(ctx context.Context, req *accountsv1.CreateAccountRequest) (*accountsv1.Account, error) {
	in := req.GetAccount()
	if in == nil {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "account", Description: "required"})
	}
	r, err := Request(ctx, accountsv1.AccountService_CreateAccount_FullMethodName, req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotent(ctx, s, r, func() (*accountsv1.Account, error) {
		a := editable(in)
		if err := s.check(ctx, a, nil, nil); err != nil {
			return nil, err
		}
		if err := s.store.CreateAccount(ctx, a, r); err != nil {
			return nil, s.writeError(ctx, a, err)
		}
		audit.Target(ctx, a.Name, a.Territory)
		return a, nil
	})
}

// UpdateAccount implements accountsv1.AccountServiceServer.
func (s *Server) UpdateAccount(ctx context.Context, req *accountsv1.UpdateAccountRequest) (*accountsv1.Account, error) {
	p := policy.Caller(ctx)
	n, err := parseName(p, "account.name", req.GetAccount().GetName())
	if err != nil {
		return nil, err
	}
	mask, err := updateMask(req.GetUpdateMask().GetPaths())
	if err != nil {
		return nil, err
	}
	r, err := Request(ctx, accountsv1.AccountService_UpdateAccount_FullMethodName, req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotent(ctx, s, r, func() (*accountsv1.Account, error) {
		cur, err := s.managed(ctx, n)
		if err != nil {
			return nil, err
		}
		if cur.State == accountsv1.Account_STATE_DELETED {
			return nil, apierr.Reason(codes.FailedPrecondition, "ACCOUNT_DELETED", n.full+" is deleted", nil)
		}
		if err := checkEtag(req.Account.Etag, cur); err != nil {
			return nil, err
		}
		a := merge(cur, req.Account, mask)
		if err := s.check(ctx, a, cur, mask); err != nil {
			return nil, err
		}
		if err := s.store.UpdateAccount(ctx, a, req.Account.Etag, r); err != nil {
			return nil, s.writeError(ctx, a, err)
		}
		audit.Territory(ctx, a.Territory)
		return a, nil
	})
}

// writeError turns a store error of a write of a into its answer.
func (s *Server) writeError(ctx context.Context, a *accountsv1.Account, err error) error {
	switch {
	case errors.Is(err, pstore.ErrConflict):
		return etagMismatch()
	case errors.Is(err, pstore.ErrNotFound):
		return apierr.NotFound(a.Name)
	case errors.Is(err, pstore.ErrFailedPrecondition):
		return apierr.Reason(codes.FailedPrecondition, "ACCOUNT_DELETED", a.Name+" is deleted", nil)
	case errors.Is(err, pstore.ErrAlreadyExists):
		if other, gerr := s.store.AccountByEmail(ctx, a.Email); gerr == nil && other.Name != a.Name {
			return apierr.Reason(codes.AlreadyExists, "EMAIL_TAKEN", "an account already has this e-mail",
				map[string]string{"field": "account.email"})
		}
		return apierr.Reason(codes.AlreadyExists, "NATIONAL_ID_TAKEN", "an account already has this national id",
			map[string]string{"field": "account.national_id"})
	}
	return err
}

func etagMismatch() error {
	return apierr.Reason(codes.Aborted, "ETAG_MISMATCH", "the account changed since it was read: read it again", nil)
}

func checkEtag(etag string, cur *accountsv1.Account) error {
	if etag != "" && etag != cur.Etag {
		return etagMismatch()
	}
	return nil
}

// editable copies the fields a client sets.
func editable(in *accountsv1.Account) *accountsv1.Account {
	return &accountsv1.Account{Email: in.Email, Role: in.Role, City: in.City, Departement: in.Departement,
		Territory: in.Territory, NationalId: in.NationalId, FamilyName: in.FamilyName, GivenName: in.GivenName,
		Region: in.Region, Profession: in.Profession}
}

// merge returns cur with the fields of mask taken from in.
func merge(cur, in *accountsv1.Account, mask map[string]bool) *accountsv1.Account {
	a := proto.Clone(cur).(*accountsv1.Account)
	src, dst := in.ProtoReflect(), a.ProtoReflect()
	for path := range mask {
		fd := src.Descriptor().Fields().ByName(protoName(path))
		dst.Set(fd, src.Get(fd))
	}
	return a
}
