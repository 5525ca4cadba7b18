package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

const accountColumns = `id, email, role, city, departement, territory, national_id, family_name,
	given_name, region, profession, state, inactive, create_time_us, update_time_us, last_sign_in_us, version`

// Account states, short.
const (
	invited   = accountsv1.Account_STATE_INVITED
	active    = accountsv1.Account_STATE_ACTIVE
	suspended = accountsv1.Account_STATE_SUSPENDED
	deleted   = accountsv1.Account_STATE_DELETED
)

// NewID returns a random (version 4) UUID, the id of accounts and grants.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// EmailKey is the form under which e-mails are unique: lowercased.
func EmailKey(email string) string { return strings.ToLower(email) }

// AccountID is the id of an account name "accounts/{id}".
func AccountID(name string) string { return strings.TrimPrefix(name, "accounts/") }

// CountAccounts returns how many accounts exist, deleted ones included.
func (d *DB) CountAccounts(ctx context.Context) (int64, error) {
	var n int64
	if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM accounts`).Scan(&n); err != nil {
		return 0, d.classify(err)
	}
	return n, nil
}

// GetAccount returns the account of id.
func (d *DB) GetAccount(ctx context.Context, id string) (*accountsv1.Account, error) {
	return d.accountWhere(ctx, d.db, `id = $1`, id)
}

// AccountByEmail returns the account of an e-mail, whatever its case.
func (d *DB) AccountByEmail(ctx context.Context, email string) (*accountsv1.Account, error) {
	return d.accountWhere(ctx, d.db, `email_key = $1`, EmailKey(email))
}

// AccountByNationalID returns the account of a professional's national id
// (unique among accounts).
func (d *DB) AccountByNationalID(ctx context.Context, nationalID string) (*accountsv1.Account, error) {
	if nationalID == "" {
		return nil, store.ErrNotFound
	}
	return d.accountWhere(ctx, d.db, `national_id = $1`, nationalID)
}

func (d *DB) accountWhere(ctx context.Context, q querier, where string, arg any) (*accountsv1.Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, d.classify(err)
	}
	return a, nil
}

// CreateAccount adds a, invited, with a new id; it sets a's name, state,
// times and etag. A taken e-mail or national id is store.ErrAlreadyExists,
// and so is a request id already used (see Request).
func (d *DB) CreateAccount(ctx context.Context, a *accountsv1.Account, r *Request) error {
	_, err := d.write(ctx, r, func(tx *sql.Tx) (proto.Message, string, error) {
		now := time.Now().Truncate(time.Microsecond)
		id := NewID()
		seq, err := nextSeq(ctx, tx)
		if err != nil {
			return nil, "", err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, email, email_key, role, city, departement,
			territory, national_id, family_name, given_name, region, profession, state, inactive, erased,
			ever_regulator, create_time_us, update_time_us, last_sign_in_us, clock_us, inactive_since_us, delete_time_us, version, seq)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, false, false, $14, $15, $15, 0, $15, 0, 0, 1, $16)`,
			id, a.Email, EmailKey(a.Email), int32(a.Role), a.City, a.Departement, a.Territory, a.NationalId,
			a.FamilyName, a.GivenName, a.Region, a.Profession, int32(invited), IsRegulator(a.Role), now.UnixMicro(), seq); err != nil {
			return nil, "", err
		}
		a.Name, a.State, a.Inactive, a.Etag = "accounts/"+id, invited, false, "1"
		a.CreateTime, a.UpdateTime, a.LastSignInTime = timestamppb.New(now), timestamppb.New(now), nil
		return a, id, nil
	})
	return err
}

// UpdateAccount replaces the editable fields of account a.Name (e-mail,
// role, city, département, territory, national id, names, région,
// profession) when its etag is etag ("" for any), and sets a to the result.
// A deleted account is store.ErrFailedPrecondition, a stale etag
// store.ErrConflict.
func (d *DB) UpdateAccount(ctx context.Context, a *accountsv1.Account, etag string, r *Request) error {
	id := AccountID(a.GetName())
	got, err := d.write(ctx, r, func(tx *sql.Tx) (proto.Message, string, error) {
		cur, err := d.lockAccount(ctx, tx, id, etag)
		if err != nil {
			return nil, "", err
		}
		if cur.State == deleted {
			return nil, "", store.ErrFailedPrecondition
		}
		seq, err := nextSeq(ctx, tx)
		if err != nil {
			return nil, "", err
		}
		now := time.Now().Truncate(time.Microsecond)
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET email = $1, email_key = $2, role = $3, city = $4,
			departement = $5, territory = $6, national_id = $7, family_name = $8, given_name = $9, region = $10,
			profession = $11, update_time_us = $12, version = version + 1, seq = $13,
			ever_regulator = (ever_regulator OR $14) WHERE id = $15`,
			a.Email, EmailKey(a.Email), int32(a.Role), a.City, a.Departement, a.Territory, a.NationalId, a.FamilyName,
			a.GivenName, a.Region, a.Profession, now.UnixMicro(), seq, IsRegulator(a.Role), id); err != nil {
			return nil, "", err
		}
		updated, err := d.accountWhere(ctx, tx, `id = $1`, id)
		return updated, id, err
	})
	if err == nil {
		proto.Reset(a)
		proto.Merge(a, got)
	}
	return err
}

// lockAccount reads account id inside tx, checking etag when not "". On
// PostgreSQL the no-op update takes the row lock, so what the transaction
// read stays true until it commits.
func (d *DB) lockAccount(ctx context.Context, tx *sql.Tx, id, etag string) (*accountsv1.Account, error) {
	if _, err := tx.ExecContext(ctx, `UPDATE accounts SET version = version WHERE id = $1`, id); err != nil {
		return nil, err
	}
	cur, err := d.accountWhere(ctx, tx, `id = $1`, id)
	if err != nil {
		return nil, err
	}
	if etag != "" && etag != cur.Etag {
		return nil, store.ErrConflict
	}
	return cur, nil
}

// nextSeq takes the next change sequence number in tx.
func nextSeq(ctx context.Context, tx *sql.Tx) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `UPDATE account_changes SET seq = seq + 1 WHERE id = 1 RETURNING seq`).Scan(&seq)
	return seq, err
}

func scanAccount(s scanner) (*accountsv1.Account, error) {
	a := &accountsv1.Account{}
	var id string
	var role, state int32
	var created, updated, signedIn, version int64
	if err := s.Scan(&id, &a.Email, &role, &a.City, &a.Departement, &a.Territory, &a.NationalId, &a.FamilyName,
		&a.GivenName, &a.Region, &a.Profession, &state, &a.Inactive, &created, &updated, &signedIn, &version); err != nil {
		return nil, err
	}
	a.Name, a.Role, a.State, a.Etag = "accounts/"+id, accountsv1.Role(role), accountsv1.Account_State(state), strconv.FormatInt(version, 10)
	a.CreateTime, a.UpdateTime = timestamppb.New(time.UnixMicro(created)), timestamppb.New(time.UnixMicro(updated))
	if signedIn > 0 {
		a.LastSignInTime = timestamppb.New(time.UnixMicro(signedIn))
	}
	return a, nil
}
