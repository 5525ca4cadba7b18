// Package idempotency makes mutating calls safe to retry (AIP-155): a call
// with a request_id stores its answer in the same transaction as its write,
// keyed by caller and request id, and a retry gets that answer back.
//
// A store keeps the answers in a table of its own with the columns caller,
// request_id, method, hash, answer and create_time_us, primary key (caller,
// request_id).
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"regexp"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/sas-platform/sas/services/platform/apierr"
	"github.com/sas-platform/sas/services/platform/policy"
	"github.com/sas-platform/sas/services/platform/store"
)

var (
	// ErrReused reports a request id already used by the caller for another
	// method or other parameters.
	ErrReused = errors.New("idempotency: request id reused for another request")
	// ErrAnswered reports that a concurrent call with the same request id
	// committed first: read its answer.
	ErrAnswered = errors.New("idempotency: request already answered")
)

var uuidForm = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Key identifies a mutating call.
type Key struct {
	Caller string // the caller's subject
	ID     string // the request_id
	Method string // full gRPC method name
	Hash   []byte // digest of the whole request
}

// NewKey returns the key of a call of method with request_id id (nil without
// one): the caller's own, so that a retry by anyone else never sees the
// answer, and bound to the whole request.
func NewKey(ctx context.Context, method, id string, req proto.Message) (*Key, error) {
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
	return &Key{Caller: policy.Caller(ctx).Subject, ID: id, Method: method, Hash: sum[:]}, nil
}

// Table is the name of a store's answers table.
type Table string

// Answer returns the stored answer to k: store.ErrNotFound when k was never
// answered, ErrReused when its id was used for another request.
func (t Table) Answer(ctx context.Context, db *sql.DB, k Key) ([]byte, error) {
	var method string
	var hash, answer []byte
	err := db.QueryRowContext(ctx, `SELECT method, hash, answer FROM `+string(t)+`
		WHERE caller = $1 AND request_id = $2`, k.Caller, k.ID).Scan(&method, &hash, &answer)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, store.ErrNotFound
	case err != nil:
		return nil, err
	case method != k.Method || !bytes.Equal(hash, k.Hash):
		return nil, ErrReused
	}
	return answer, nil
}

// Claim takes k's request id in tx, before the write: ErrAnswered when a
// concurrent call took it first (classify maps the engine's errors).
func (t Table) Claim(ctx context.Context, tx *sql.Tx, classify func(error) error, k Key, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO `+string(t)+` (caller, request_id, method, hash, answer, create_time_us)
		VALUES ($1, $2, $3, $4, $5, $6)`, k.Caller, k.ID, k.Method, k.Hash, []byte{}, now.UnixMicro())
	if errors.Is(classify(err), store.ErrAlreadyExists) {
		return ErrAnswered
	}
	return err
}

// Save stores the answer to k in tx, after the write.
func (t Table) Save(ctx context.Context, tx *sql.Tx, k Key, answer proto.Message) error {
	raw := []byte{}
	if answer != nil {
		var err error
		if raw, err = proto.Marshal(answer); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE `+string(t)+` SET answer = $1 WHERE caller = $2 AND request_id = $3`,
		raw, k.Caller, k.ID)
	return err
}

// Forget deletes the answers stored before before; retries older than that run again.
func (t Table) Forget(ctx context.Context, db *sql.DB, before time.Time) (int64, error) {
	res, err := db.ExecContext(ctx, `DELETE FROM `+string(t)+` WHERE create_time_us < $1`, before.UnixMicro())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Answerer reads stored answers.
type Answerer interface {
	Answer(ctx context.Context, k Key) ([]byte, error)
}

// Do returns the first answer to k when there is one, and else runs do,
// which stores its answer with k. When a concurrent call with the same
// request id commits first, do fails with ErrAnswered and that call's answer
// is returned.
func Do[T proto.Message](ctx context.Context, st Answerer, k *Key, do func() (T, error)) (T, error) {
	if v, ok, err := replay[T](ctx, st, k); ok || err != nil {
		return v, err
	}
	v, err := do()
	if errors.Is(err, ErrAnswered) {
		if v, ok, err := replay[T](ctx, st, k); ok || err != nil {
			return v, err
		}
		return v, apierr.Reason(codes.Aborted, "REQUEST_IN_FLIGHT", "a call with this request_id is running: retry", nil)
	}
	return v, err
}

func replay[T proto.Message](ctx context.Context, st Answerer, k *Key) (T, bool, error) {
	var v T
	if k == nil {
		return v, false, nil
	}
	raw, err := st.Answer(ctx, *k)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return v, false, nil
	case errors.Is(err, ErrReused):
		return v, false, apierr.InvalidArgument(apierr.Violation{Field: "request_id",
			Description: "already used for another request: use a new one"})
	case err != nil:
		return v, false, err
	}
	v = v.ProtoReflect().New().Interface().(T)
	return v, true, proto.Unmarshal(raw, v)
}
