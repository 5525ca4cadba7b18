package store

import (
	"context"
	"strings"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

// KnownToVendors reports whether vendors must know account a now: a
// regulator, neither suspended nor deleted (invited and inactive ones may
// still sign in). Those that are not but were once regulators are the ones
// vendors must forget.
func KnownToVendors(a *accountsv1.Account) bool {
	return IsRegulator(a.GetRole()) && a.GetState() != suspended && a.GetState() != deleted
}

// RegulatorQuery selects regulator changes by change sequence number.
type RegulatorQuery struct {
	// After and Upto bound seq: After < seq <= Upto. Upto is a ChangeSeq
	// read before the first page, so a sync ends on a known position.
	After, Upto int64
	// Current keeps only the accounts KnownToVendors (a full listing);
	// otherwise every account that has or had a regulator role.
	Current bool
	Limit   int
}

// ChangeSeq returns the sequence number of the latest committed account
// change: every change up to it is visible.
func (d *DB) ChangeSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := d.db.QueryRowContext(ctx, `SELECT seq FROM account_changes WHERE id = 1`).Scan(&seq); err != nil {
		return 0, d.classify(err)
	}
	return seq, nil
}

// RegulatorPage returns, oldest change first, at most q.Limit accounts q selects.
func (d *DB) RegulatorPage(ctx context.Context, q RegulatorQuery) ([]Change, error) {
	var w where
	w.add("seq > ?", q.After)
	w.add("seq <= ?", q.Upto)
	w.add("ever_regulator")
	if q.Current {
		roles := make([]any, len(RegulatorRoles))
		for i, r := range RegulatorRoles {
			roles[i] = int32(r)
		}
		w.add("role IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(roles)), ", ")+")", roles...)
		w.add("state NOT IN (?, ?)", int32(suspended), int32(deleted))
	}
	w.args = append(w.args, q.Limit)
	rows, err := d.db.QueryContext(ctx, `SELECT `+accountColumns+`, seq FROM accounts `+w.clause()+
		` ORDER BY seq LIMIT `+param(len(w.args)), w.args...)
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
