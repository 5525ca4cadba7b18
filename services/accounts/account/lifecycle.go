package account

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/policy"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

// SuspendAccount implements accountsv1.AccountServiceServer; suspending a
// suspended account changes nothing.
func (s *Server) SuspendAccount(ctx context.Context, req *accountsv1.SuspendAccountRequest) (*accountsv1.Account, error) {
	return s.transition(ctx, accountsv1.AccountService_SuspendAccount_FullMethodName, req, req.GetName(), req.GetEtag(), req.GetRequestId(), store.Suspend)
}

// ReactivateAccount implements accountsv1.AccountServiceServer: a suspended
// account is active again (invited if it never signed in), and an inactive
// one is no longer flagged.
func (s *Server) ReactivateAccount(ctx context.Context, req *accountsv1.ReactivateAccountRequest) (*accountsv1.Account, error) {
	return s.transition(ctx, accountsv1.AccountService_ReactivateAccount_FullMethodName, req, req.GetName(), req.GetEtag(), req.GetRequestId(), store.Reactivate)
}

// DeleteAccount implements accountsv1.AccountServiceServer: the account
// becomes a tombstone without personal data at once.
func (s *Server) DeleteAccount(ctx context.Context, req *accountsv1.DeleteAccountRequest) (*emptypb.Empty, error) {
	if _, err := s.transition(ctx, accountsv1.AccountService_DeleteAccount_FullMethodName, req, req.GetName(), req.GetEtag(), req.GetRequestId(), store.Delete); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

func (s *Server) transition(ctx context.Context, method string, req proto.Message, account, etag, requestID string, t store.Transition) (*accountsv1.Account, error) {
	n, err := parseName(policy.Caller(ctx), "name", account)
	if err != nil {
		return nil, err
	}
	r, err := Request(ctx, method, requestID, req)
	if err != nil {
		return nil, err
	}
	return idempotent(ctx, s, r, func() (*accountsv1.Account, error) {
		cur, err := s.managed(ctx, n)
		if err != nil {
			return nil, err
		}
		if t != store.Reactivate {
			if err := notSelf(n, "suspend or delete"); err != nil {
				return nil, err
			}
		}
		if err := checkEtag(etag, cur); err != nil {
			return nil, err
		}
		a, err := s.store.ChangeState(ctx, n.id, etag, t, r)
		if errors.Is(err, pstore.ErrFailedPrecondition) {
			return nil, apierr.Reason(codes.FailedPrecondition, "ACCOUNT_DELETED", n.full+" is deleted", nil)
		}
		if err != nil {
			return nil, s.writeError(ctx, cur, err)
		}
		return a, nil
	})
}

// EraseAccount implements accountsv1.AccountServiceServer (right to
// erasure): see store.DB.EraseAccount for what remains.
func (s *Server) EraseAccount(ctx context.Context, req *accountsv1.EraseAccountRequest) (*emptypb.Empty, error) {
	n, err := parseName(policy.Caller(ctx), "name", req.GetName())
	if err != nil {
		return nil, err
	}
	r, err := Request(ctx, accountsv1.AccountService_EraseAccount_FullMethodName, req.GetRequestId(), req)
	if err != nil {
		return nil, err
	}
	return idempotent(ctx, s, r, func() (*emptypb.Empty, error) {
		cur, err := s.managed(ctx, n)
		if err != nil {
			return nil, err
		}
		if err := notSelf(n, "erase"); err != nil {
			return nil, err
		}
		if err := s.store.EraseAccount(ctx, n.id, r); err != nil {
			return nil, s.writeError(ctx, cur, err)
		}
		return &emptypb.Empty{}, nil
	})
}
