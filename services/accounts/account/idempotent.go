package account

import (
	"context"
	"crypto/sha256"
	"errors"
	"regexp"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/sas-platform/sas/services/accounts/store"
	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/policy"
	pstore "github.com/sas-platform/sas/services/platform/store"
)

var uuidForm = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Request returns the idempotency key of a mutating call of method with
// request_id id (nil without one): the caller's own, so that a retry by
// anyone else never sees the answer, and bound to the whole request.
func Request(ctx context.Context, method, id string, req proto.Message) (*store.Request, error) {
	if id == "" {
		return nil, nil
	}
	if !uuidForm.MatchString(id) {
		return nil, apierr.InvalidArgument(apierr.Violation{Field: "request_id", Description: "want a UUID"})
	}
	raw, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	return &store.Request{Caller: policy.Caller(ctx).Subject, ID: id, Method: method, Hash: sum[:]}, nil
}

// Answerer reads stored answers; *store.DB implements it.
type Answerer interface {
	Answer(ctx context.Context, r store.Request) ([]byte, error)
}

// Idempotent returns the first answer to r when there is one, and else
// runs do, which stores its answer with r. A concurrent call with the same
// request id that commits first makes do fail with
// store.ErrRequestAnswered: its answer is returned then.
func Idempotent[T proto.Message](ctx context.Context, st Answerer, r *store.Request, do func() (T, error)) (T, error) {
	if v, ok, err := replay[T](ctx, st, r); ok || err != nil {
		return v, err
	}
	v, err := do()
	if errors.Is(err, store.ErrRequestAnswered) {
		if v, ok, err := replay[T](ctx, st, r); ok || err != nil {
			return v, err
		}
		return v, apierr.Reason(codes.Aborted, "REQUEST_IN_FLIGHT", "a call with this request_id is running: retry", nil)
	}
	return v, err
}

func idempotent[T proto.Message](ctx context.Context, s *Server, r *store.Request, do func() (T, error)) (T, error) {
	return Idempotent(ctx, s.store, r, do)
}

func replay[T proto.Message](ctx context.Context, st Answerer, r *store.Request) (T, bool, error) {
	var v T
	if r == nil {
		return v, false, nil
	}
	raw, err := st.Answer(ctx, *r)
	switch {
	case errors.Is(err, pstore.ErrNotFound):
		return v, false, nil
	case errors.Is(err, store.ErrRequestReused):
		return v, false, apierr.InvalidArgument(apierr.Violation{Field: "request_id",
			Description: "already used for another request: use a new one"})
	case err != nil:
		return v, false, err
	}
	v = v.ProtoReflect().New().Interface().(T)
	return v, true, proto.Unmarshal(raw, v)
}
