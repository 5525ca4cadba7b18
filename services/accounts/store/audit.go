package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"time"

	"google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/protobuf/types/known/timestamppb"

	accountsv1 "github.com/sas-platform/sas/gen/sas/accounts/v1"
	"github.com/sas-platform/sas/services/platform/store"
)

// WriteAuditEvents appends events in one transaction (audit.Sink).
func (d *DB) WriteAuditEvents(ctx context.Context, events []*accountsv1.AuditEvent) error {
	return d.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit_events (actor, actor_role, action, target, territory,
			event_us, outcome, request_id, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range events {
			details := "{}"
			if len(e.Details) > 0 {
				b, err := json.Marshal(e.Details)
				if err != nil {
					return err
				}
				details = string(b)
			}
			if _, err := stmt.ExecContext(ctx, e.Actor, int32(e.ActorRole), e.Action, e.Target, e.Territory,
				e.EventTime.AsTime().UnixMicro(), int32(e.Outcome), e.RequestId, details); err != nil {
				return err
			}
		}
		return nil
	})
}

// AuditQuery selects events, newest first.
type AuditQuery struct {
	// Territories restricts to these territories; nil means all.
	Territories                      []string
	Actor, Target, Action, Territory string
	Since                            time.Time
	// Before is the id to continue before (0: from the newest).
	Before int64
	Limit  int
}

// AuditEvents returns the events q selects, newest first, with their ids.
func (d *DB) AuditEvents(ctx context.Context, q AuditQuery) ([]*accountsv1.AuditEvent, []int64, error) {
	var w auditWhere
	if q.Before > 0 {
		w.add("id < ", q.Before)
	}
	for _, c := range []struct{ col, v string }{{"actor", q.Actor}, {"target", q.Target}, {"action", q.Action}, {"territory", q.Territory}} {
		if c.v != "" {
			w.add(c.col+" = ", c.v)
		}
	}
	if !q.Since.IsZero() {
		w.add("event_us >= ", q.Since.UnixMicro())
	}
	if q.Territories != nil {
		w.in("territory", q.Territories)
	}
	w.args = append(w.args, q.Limit)
	rows, err := d.db.QueryContext(ctx, `SELECT id, actor, actor_role, action, target, territory, event_us, outcome, request_id, details
		FROM audit_events`+w.sql()+` ORDER BY id DESC LIMIT $`+strconv.Itoa(len(w.args)), w.args...)
	if err != nil {
		return nil, nil, d.classify(err)
	}
	var ids []int64
	events, err := store.Collect(rows, func(s scanner) (*accountsv1.AuditEvent, error) {
		e := &accountsv1.AuditEvent{}
		var id, at int64
		var role, outcome int32
		var details string
		if err := s.Scan(&id, &e.Actor, &role, &e.Action, &e.Target, &e.Territory, &at, &outcome, &e.RequestId, &details); err != nil {
			return nil, err
		}
		ids = append(ids, id)
		e.Name = "auditEvents/" + strconv.FormatInt(id, 10)
		e.ActorRole, e.Outcome = accountsv1.Role(role), code.Code(outcome)
		e.EventTime = timestamppb.New(time.UnixMicro(at))
		if details != "{}" {
			if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
				return nil, err
			}
		}
		return e, nil
	})
	return events, ids, err
}

// PurgeAuditEvents deletes events older than before: the one deletion of
// the audit trail, for its retention period.
func (d *DB) PurgeAuditEvents(ctx context.Context, before time.Time) (int64, error) {
	res, err := d.db.ExecContext(ctx, `DELETE FROM audit_events WHERE event_us < $1`, before.UnixMicro())
	if err != nil {
		return 0, d.classify(err)
	}
	return res.RowsAffected()
}

// auditWhere builds a WHERE clause with $n placeholders in increasing order
// (SQLite needs them so).
type auditWhere struct {
	conds []string
	args  []any
}

func (w *auditWhere) add(cond string, v any) {
	w.args = append(w.args, v)
	w.conds = append(w.conds, cond+"$"+strconv.Itoa(len(w.args)))
}

func (w *auditWhere) in(col string, vs []string) {
	if len(vs) == 0 {
		w.conds = append(w.conds, "FALSE")
		return
	}
	s := col + " IN ("
	for i, v := range vs {
		w.args = append(w.args, v)
		if i > 0 {
			s += ", "
		}
		s += "$" + strconv.Itoa(len(w.args))
	}
	w.conds = append(w.conds, s+")")
}

func (w *auditWhere) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	s := " WHERE " + w.conds[0]
	for _, c := range w.conds[1:] {
		s += " AND " + c
	}
	return s
}
