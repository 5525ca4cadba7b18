package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/sas-platform/sas/services/platform/store"
)

// Request identifies a mutating call for idempotent retries (AIP-155): the
// write and its answer are stored in one transaction, keyed by caller and
// request id.
type Request struct {
	Caller string // the caller's subject, "accounts/{id}"
	ID     string // the request_id
	Method string // full gRPC method name
	Hash   []byte // digest of the whole request
}

var (
	// ErrRequestReused reports a request id already used by the caller for
	// another method or other parameters.
	ErrRequestReused = errors.New("store: request id reused for another request")
	// ErrRequestAnswered reports that a concurrent call with the same
	// request id committed first: read its answer with Answer.
	ErrRequestAnswered = errors.New("store: request already answered")
)

// Answer returns the stored answer (a marshalled proto message, empty for
// google.protobuf.Empty) to r: store.ErrNotFound when r was never answered,
// ErrRequestReused when its id was used for another request.
func (d *DB) Answer(ctx context.Context, r Request) ([]byte, error) {
	var method string
	var hash, answer []byte
	err := d.db.QueryRowContext(ctx, `SELECT method, hash, answer FROM account_requests
		WHERE caller = $1 AND request_id = $2`, r.Caller, r.ID).Scan(&method, &hash, &answer)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, store.ErrNotFound
	case err != nil:
		return nil, d.classify(err)
	case method != r.Method || !bytes.Equal(hash, r.Hash):
		return nil, ErrRequestReused
	}
	return answer, nil
}

// ForgetRequests deletes the answers stored before before; retries older
// than that run again.
func (d *DB) ForgetRequests(ctx context.Context, before time.Time) (int64, error) {
	res, err := d.db.ExecContext(ctx, `DELETE FROM account_requests WHERE create_time_us < $1`, before.UnixMicro())
	if err != nil {
		return 0, d.classify(err)
	}
	return res.RowsAffected()
}

// write runs fn in a transaction; with r, it first claims r's request id
// (ErrRequestAnswered when taken) and then stores fn's answer, about the
// account whose id fn returns.
func (d *DB) write(ctx context.Context, r *Request, fn func(*sql.Tx) (proto.Message, string, error)) (proto.Message, error) {
	var out proto.Message
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		now := time.Now().UnixMicro()
		if r != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO account_requests (caller, request_id, method, hash,
				target, answer, create_time_us) VALUES ($1, $2, $3, $4, '', $5, $6)`,
				r.Caller, r.ID, r.Method, r.Hash, []byte{}, now); err != nil {
				if errors.Is(d.classify(err), store.ErrAlreadyExists) {
					return ErrRequestAnswered
				}
				return err
			}
		}
		msg, target, err := fn(tx)
		if err != nil || r == nil {
			out = msg
			return err
		}
		answer := []byte{}
		if msg != nil {
			if answer, err = proto.Marshal(msg); err != nil {
				return err
			}
		}
		out = msg
		_, err = tx.ExecContext(ctx, `UPDATE account_requests SET target = $1, answer = $2
			WHERE caller = $3 AND request_id = $4`, target, append([]byte{}, answer...), r.Caller, r.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
