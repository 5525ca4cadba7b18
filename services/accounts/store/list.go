package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

// Order is the order of a list of accounts.
type Order int

// Orders of ListAccounts, each a keyset over an index.
const (
	// ByEmail sorts by lowercased e-mail (unique).
	ByEmail Order = iota
	// ByCreateTimeDesc sorts newest first, then by id.
	ByCreateTimeDesc
	// ByFamilyName sorts by family name, then by id.
	ByFamilyName
)

// Position is where a page of accounts starts: after the account with
// these keys (those of its order).
type Position struct {
	Key  string `json:"k,omitempty"`
	Time int64  `json:"t,omitempty"`
	ID   string `json:"i,omitempty"`
}

// PositionOf returns the position just after a in order o.
func PositionOf(a *accountsv1.Account, o Order) Position {
	switch o {
	case ByCreateTimeDesc:
		return Position{Time: a.GetCreateTime().AsTime().UnixMicro(), ID: AccountID(a.Name)}
	case ByFamilyName:
		return Position{Key: a.FamilyName, ID: AccountID(a.Name)}
	}
	return Position{Key: EmailKey(a.Email)}
}

// AccountQuery selects a page of accounts.
type AccountQuery struct {
	Territory string                   // "territories/SAS-44"; "" for all
	Role      accountsv1.Role          // ROLE_UNSPECIFIED for any
	HideRole  accountsv1.Role          // a role left out (national admins, for territorial callers)
	State     accountsv1.Account_State // STATE_UNSPECIFIED for any
	Inactive  *bool
	Order     Order
	After     *Position // nil from the first
	Limit     int
}

// ListAccounts returns the accounts matching q, in its order.
func (d *DB) ListAccounts(ctx context.Context, q AccountQuery) ([]*accountsv1.Account, error) {
	var w where
	if q.Territory != "" {
		w.add("territory = ?", q.Territory)
	}
	if q.Role != accountsv1.Role_ROLE_UNSPECIFIED {
		w.add("role = ?", int32(q.Role))
	}
	if q.HideRole != accountsv1.Role_ROLE_UNSPECIFIED {
		w.add("role <> ?", int32(q.HideRole))
	}
	if q.State != accountsv1.Account_STATE_UNSPECIFIED {
		w.add("state = ?", int32(q.State))
	}
	if q.Inactive != nil {
		w.add("inactive = ?", *q.Inactive)
	}
	order := "email_key"
	switch q.Order {
	case ByCreateTimeDesc:
		order = "create_time_us DESC, id DESC"
		if q.After != nil {
			w.add("(create_time_us, id) < (?, ?)", q.After.Time, q.After.ID)
		}
	case ByFamilyName:
		order = "family_name, id"
		if q.After != nil {
			w.add("(family_name, id) > (?, ?)", q.After.Key, q.After.ID)
		}
	default:
		if q.After != nil {
			w.add("email_key > ?", q.After.Key)
		}
	}
	w.args = append(w.args, q.Limit)
	rows, err := d.db.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM accounts %s ORDER BY %s LIMIT %s`,
		accountColumns, w.clause(), order, param(len(w.args))), w.args...)
	if err != nil {
		return nil, d.classify(err)
	}
	return store.Collect(rows, scanAccount)
}

// RegulatorRoles are the roles vendors must know (regulators and
// orientation nurses), for the booking handoff.
var RegulatorRoles = []accountsv1.Role{accountsv1.Role_ROLE_ARM, accountsv1.Role_ROLE_REGULATING_DOCTOR,
	accountsv1.Role_ROLE_OSNP, accountsv1.Role_ROLE_ORIENTATION_NURSE}

// IsRegulator reports whether role is one of RegulatorRoles.
func IsRegulator(role accountsv1.Role) bool {
	for _, r := range RegulatorRoles {
		if r == role {
			return true
		}
	}
	return false
}

// Change is an account as it was at change sequence number Seq.
type Change struct {
	Seq     int64
	Account *accountsv1.Account
}

// RegulatorChanges returns, oldest first, at most limit accounts changed
// after afterSeq that have or had a regulator role. Those no longer to be
// known by vendors (suspended, deleted, or now of another role) are
// included, so that vendors forget them.
func (d *DB) RegulatorChanges(ctx context.Context, afterSeq int64, limit int) ([]Change, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT `+accountColumns+`, seq FROM accounts
		WHERE seq > $1 AND ever_regulator ORDER BY seq LIMIT $2`, afterSeq, limit)
	if err != nil {
		return nil, d.classify(err)
	}
	return store.Collect(rows, func(s scanner) (Change, error) {
		var c Change
		a, err := scanAccount(seqScanner{s, &c.Seq})
		c.Account = a
		return c, err
	})
}

// seqScanner scans an account row followed by its seq column.
type seqScanner struct {
	s   scanner
	seq *int64
}

func (s seqScanner) Scan(dest ...any) error { return s.s.Scan(append(dest, s.seq)...) }

// where builds a WHERE clause with $n placeholders in order.
type where struct {
	conds []string
	args  []any
}

// add appends cond, whose ? are replaced by the next placeholders.
func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", param(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *where) clause() string {
	if len(w.conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(w.conds, " AND ")
}

func param(n int) string { return "$" + strconv.Itoa(n) }
