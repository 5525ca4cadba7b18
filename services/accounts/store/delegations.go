package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

const delegationColumns = `d.id, d.grantor, d.delegate, d.professionals, d.expire_time_us, d.create_time_us`

// DelegationName is the resource name of grant id of grantor (account ids).
func DelegationName(grantor, id string) string { return "accounts/" + grantor + "/delegations/" + id }

// DelegationQuery selects a page of grants, by creation time then id.
type DelegationQuery struct {
	Grantor      string    // account id of the grantor; "" for any
	Delegate     string    // account id of the delegate; "" for any
	Professional string    // national id the grant covers; "" for any
	Territory    string    // territory of the grantor; "" for any
	After        *Position // Time and ID of the last grant of the previous page
	Limit        int
}

// CreateDelegation adds grant g of grantor (an account id), with a new id,
// and sets its name and creation time. g.Delegate is "accounts/{id}",
// g.Professionals "professionals/{national id}". An unknown delegate or
// grantor is store.ErrFailedPrecondition.
func (d *DB) CreateDelegation(ctx context.Context, grantor string, g *accountsv1.Delegation, r *Request) error {
	got, err := d.write(ctx, r, func(tx *sql.Tx) (proto.Message, string, error) {
		now := time.Now().Truncate(time.Microsecond)
		id := NewID()
		var expire int64
		if g.ExpireTime != nil {
			expire = g.ExpireTime.AsTime().UnixMicro()
		}
		nids := make([]string, len(g.Professionals))
		for i, p := range g.Professionals {
			nids[i] = strings.TrimPrefix(p, "professionals/")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO delegations (id, grantor, delegate, professionals, expire_time_us,
			create_time_us) VALUES ($1, $2, $3, $4, $5, $6)`, id, grantor, AccountID(g.Delegate),
			strings.Join(nids, ","), expire, now.UnixMicro()); err != nil {
			return nil, "", err
		}
		out := proto.Clone(g).(*accountsv1.Delegation)
		out.Name, out.CreateTime = DelegationName(grantor, id), timestamppb.New(now)
		if out.ExpireTime != nil {
			out.ExpireTime = timestamppb.New(time.UnixMicro(expire))
		}
		return out, grantor, nil
	})
	if err != nil {
		return err
	}
	proto.Reset(g)
	proto.Merge(g, got)
	return nil
}

// GetDelegation returns grant id of grantor (account ids).
func (d *DB) GetDelegation(ctx context.Context, grantor, id string) (*accountsv1.Delegation, error) {
	g, err := scanDelegation(d.db.QueryRowContext(ctx, `SELECT `+delegationColumns+` FROM delegations d
		WHERE d.grantor = $1 AND d.id = $2`, grantor, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, d.classify(err)
	}
	return g, nil
}

// ListDelegations returns the grants matching q, oldest first.
func (d *DB) ListDelegations(ctx context.Context, q DelegationQuery) ([]*accountsv1.Delegation, error) {
	var w where
	if q.Grantor != "" {
		w.add("d.grantor = ?", q.Grantor)
	}
	if q.Delegate != "" {
		w.add("d.delegate = ?", q.Delegate)
	}
	if q.Professional != "" {
		w.add("((',' || d.professionals || ',') LIKE ? OR (d.professionals = '' AND g.national_id = ?))",
			"%,"+q.Professional+",%", q.Professional)
	}
	if q.Territory != "" {
		w.add("g.territory = ?", q.Territory)
	}
	if q.After != nil {
		w.add("(d.create_time_us, d.id) > (?, ?)", q.After.Time, q.After.ID)
	}
	w.args = append(w.args, q.Limit)
	rows, err := d.db.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM delegations d JOIN accounts g ON g.id = d.grantor
		%s ORDER BY d.create_time_us, d.id LIMIT %s`, delegationColumns, w.clause(), param(len(w.args))), w.args...)
	if err != nil {
		return nil, d.classify(err)
	}
	return store.Collect(rows, scanDelegation)
}

// DeleteDelegation revokes grant id of grantor, at once.
func (d *DB) DeleteDelegation(ctx context.Context, grantor, id string, r *Request) error {
	_, err := d.write(ctx, r, func(tx *sql.Tx) (proto.Message, string, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM delegations WHERE grantor = $1 AND id = $2`, grantor, id)
		if err != nil {
			return nil, "", err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return nil, "", errors.Join(store.ErrNotFound, err)
		}
		return nil, grantor, nil
	})
	return err
}

// ActsFor returns the national ids whose availability account id manages
// through grants: those the grants list, or the grantor's own when a grant
// lists none. Expired grants, and grants of suspended or deleted grantors,
// do not count.
func (d *DB) ActsFor(ctx context.Context, id string) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT d.professionals, g.national_id FROM delegations d
		JOIN accounts g ON g.id = d.grantor
		WHERE d.delegate = $1 AND (d.expire_time_us = 0 OR d.expire_time_us > $2) AND g.state IN ($3, $4)`,
		id, time.Now().UnixMicro(), int32(invited), int32(active))
	if err != nil {
		return nil, d.classify(err)
	}
	lists, err := store.Collect(rows, func(s scanner) (string, error) {
		var pros, own string
		if err := s.Scan(&pros, &own); err != nil {
			return "", err
		}
		if pros == "" {
			return own, nil
		}
		return pros, nil
	})
	if err != nil {
		return nil, err
	}
	var nids []string
	for _, l := range lists {
		for _, nid := range strings.Split(l, ",") {
			if nid != "" {
				nids = append(nids, nid)
			}
		}
	}
	slices.Sort(nids)
	return slices.Compact(nids), nil
}

// DelegationsOf returns every grant account id gave and received, for the
// export of its data.
func (d *DB) DelegationsOf(ctx context.Context, id string) (given, received []*accountsv1.Delegation, err error) {
	const all = 1 << 20
	if given, err = d.ListDelegations(ctx, DelegationQuery{Grantor: id, Limit: all}); err != nil {
		return nil, nil, err
	}
	received, err = d.ListDelegations(ctx, DelegationQuery{Delegate: id, Limit: all})
	return given, received, err
}

// DelegationPosition returns the position just after grant g.
func DelegationPosition(g *accountsv1.Delegation) Position {
	return Position{Time: g.GetCreateTime().AsTime().UnixMicro(), ID: g.Name[strings.LastIndexByte(g.Name, '/')+1:]}
}

func scanDelegation(s scanner) (*accountsv1.Delegation, error) {
	var id, grantor, delegate, pros string
	var expire, created int64
	if err := s.Scan(&id, &grantor, &delegate, &pros, &expire, &created); err != nil {
		return nil, err
	}
	g := &accountsv1.Delegation{Name: DelegationName(grantor, id), Delegate: "accounts/" + delegate,
		CreateTime: timestamppb.New(time.UnixMicro(created))}
	for _, nid := range strings.Split(pros, ",") {
		if nid != "" {
			g.Professionals = append(g.Professionals, "professionals/"+nid)
		}
	}
	if expire != 0 {
		g.ExpireTime = timestamppb.New(time.UnixMicro(expire))
	}
	return g, nil
}
