package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/store"
)

// Reasons a slot is refused by the store, beside the service's own checks.
const (
	ReasonUnknownProfessional  = "UNKNOWN_PROFESSIONAL"
	ReasonInactiveProfessional = "INACTIVE_PROFESSIONAL"
	ReasonOptedOut             = "PROFESSIONAL_OPTED_OUT"
	ReasonOverlap              = "OVERLAPPING_SLOT"
)

// ItemError is a slot of a batch the store refused.
type ItemError struct {
	Index   int
	Reason  string
	Message string
}

// Indexed is a checked slot with its index in the caller's batch.
type Indexed struct {
	Index int
	Slot  *availabilityv1.Slot
}

// BatchResult is what a batch write did.
type BatchResult struct {
	Stored  int // slots stored: new, changed or unchanged
	Deleted int
	Errors  []ItemError
}

// upsertRows is the most slots one INSERT writes (11 parameters each).
const upsertRows = 250

// UpsertSlots stores a vendor's checked slots, keyed by vendor and
// external_id, refusing those of unknown, inactive or opted-out
// professionals and those overlapping another free slot of the same
// professional. answer builds the call's response, stored with k.
func (d *DB) UpsertSlots(ctx context.Context, k *idempotency.Key, vendor string, slots []Indexed,
	answer func(BatchResult) proto.Message) (proto.Message, error) {
	return d.write(ctx, k, func(t *tx) (proto.Message, error) {
		res, err := upsert(t, vendor, slots)
		if err != nil {
			return nil, err
		}
		return answer(res), nil
	})
}

// ReplaceSlots makes the vendor's slots of the professionals named, starting
// within [from, to), exactly slots: the others are deleted.
func (d *DB) ReplaceSlots(ctx context.Context, k *idempotency.Key, vendor string, nationalIDs []string, from, to time.Time,
	slots []Indexed, answer func(BatchResult) proto.Message) (proto.Message, error) {
	return d.write(ctx, k, func(t *tx) (proto.Message, error) {
		keep := make(map[string]bool, len(slots))
		for _, s := range slots {
			keep[s.Slot.GetExternalId()] = true
		}
		args := []any{vendor, from.UnixMicro(), to.UnixMicro()}
		for _, id := range nationalIDs {
			args = append(args, id)
		}
		rows, err := t.QueryContext(t.ctx, `SELECT id, external_id FROM slots WHERE vendor = $1 AND start_us >= $2
			AND start_us < $3 AND national_id IN (`+inList(3, len(nationalIDs))+`)`, args...)
		if err != nil {
			return nil, err
		}
		type row struct{ id, ext string }
		stored, err := collect(rows, func(s scanner) (r row, err error) { return r, s.Scan(&r.id, &r.ext) })
		if err != nil {
			return nil, err
		}
		var gone []string
		for _, r := range stored {
			if !keep[r.ext] {
				gone = append(gone, r.id)
			}
		}
		deleted, err := deleteIDs(t, gone)
		if err != nil {
			return nil, err
		}
		res, err := upsert(t, vendor, slots)
		if err != nil {
			return nil, err
		}
		res.Deleted = deleted
		return answer(res), nil
	})
}

// DeleteSlots deletes a vendor's slots by external_id; unknown ids are ignored.
func (d *DB) DeleteSlots(ctx context.Context, k *idempotency.Key, vendor string, externalIDs []string,
	answer func(deleted int) proto.Message) (proto.Message, error) {
	return d.write(ctx, k, func(t *tx) (proto.Message, error) {
		var ids []string
		for start := 0; start < len(externalIDs); start += 500 {
			batch := externalIDs[start:min(start+500, len(externalIDs))]
			args := []any{vendor}
			for _, e := range batch {
				args = append(args, e)
			}
			rows, err := t.QueryContext(t.ctx, `SELECT id FROM slots WHERE vendor = $1 AND external_id IN (`+
				inList(1, len(batch))+`)`, args...)
			if err != nil {
				return nil, err
			}
			found, err := collect(rows, func(s scanner) (id string, err error) { return id, s.Scan(&id) })
			if err != nil {
				return nil, err
			}
			ids = append(ids, found...)
		}
		n, err := deleteIDs(t, ids)
		if err != nil {
			return nil, err
		}
		return answer(n), nil
	})
}

func deleteIDs(t *tx, ids []string) (int, error) {
	for start := 0; start < len(ids); start += 500 {
		batch := ids[start:min(start+500, len(ids))]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
			t.changed(KindSlot, id, commonv1.ChangeType_CHANGE_TYPE_DELETED)
		}
		if _, err := t.ExecContext(t.ctx, `DELETE FROM slots WHERE id IN (`+inList(0, len(batch))+`)`, args...); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// upsert writes checked slots of vendor ("" for hand entries).
func upsert(t *tx, vendor string, slots []Indexed) (BatchResult, error) {
	var res BatchResult
	ids := professionalsOf(slots)
	st, err := standings(t, ids)
	if err != nil {
		return res, err
	}
	var ok []Indexed
	for _, s := range slots {
		if e := refusal(st, s); e != nil {
			res.Errors = append(res.Errors, *e)
			continue
		}
		ok = append(ok, s)
	}
	ok, overlaps, err := withoutOverlaps(t, vendor, ok)
	if err != nil {
		return res, err
	}
	res.Errors = append(res.Errors, overlaps...)
	pl, err := loadPlaces(t, ids)
	if err != nil {
		return res, err
	}
	for start := 0; start < len(ok); start += upsertRows {
		if err := upsertChunk(t, vendor, ok[start:min(start+upsertRows, len(ok))], st, pl); err != nil {
			return res, err
		}
	}
	res.Stored = len(ok)
	// Under the commit lock, the standings may have moved since they were read
	// (an opt-out committed meanwhile): publish what they say then.
	t.beforeCommit = append(t.beforeCommit, func() error { return recheck(t, ids, st) })
	return res, nil
}

// recheck republishes the professionals whose standing changed since before.
func recheck(t *tx, ids []string, before map[string]Standing) error {
	now, err := standings(t, ids)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if now[id] != before[id] {
			if _, err := republish(t, id); err != nil {
				return err
			}
		}
	}
	return nil
}

func professionalsOf(slots []Indexed) []string {
	seen := map[string]bool{}
	var ids []string
	for _, s := range slots {
		if id := NationalID(s.Slot.GetProfessional()); id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

// NationalID returns the id of "professionals/{id}".
func NationalID(name string) string { return strings.TrimPrefix(name, "professionals/") }

func refusal(st map[string]Standing, s Indexed) *ItemError {
	name := s.Slot.GetProfessional()
	id := NationalID(name)
	if id == "" {
		return nil
	}
	p := st[id]
	switch {
	case !p.Known:
		return &ItemError{s.Index, ReasonUnknownProfessional, fmt.Sprintf("%s is not in the directory", name)}
	case !p.Active:
		return &ItemError{s.Index, ReasonInactiveProfessional, fmt.Sprintf("%s is no longer active in the directory", name)}
	case p.OptedOut:
		return &ItemError{s.Index, ReasonOptedOut, fmt.Sprintf("%s has opted out of SAS", name)}
	}
	return nil
}

func upsertChunk(t *tx, vendor string, slots []Indexed, st map[string]Standing, pl *places) error {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO slots (id, vendor, external_id, national_id, start_us, end_us, published, doc,
		version, create_time_us, update_time_us) VALUES `)
	args := make([]any, 0, 11*len(slots))
	now := t.now.UnixMicro()
	for i, s := range slots {
		id := NationalID(s.Slot.GetProfessional())
		site, err := pl.match(id, s.Slot.GetPlace())
		if err != nil {
			return err
		}
		doc, err := slotDoc(s.Slot, site)
		if err != nil {
			return err
		}
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(placeholders(len(args), 11))
		published := id == "" || st[id].Published(vendor)
		// A hand entry's external id is its id.
		rowID := s.Slot.GetExternalId()
		if vendor != "" {
			rowID = NewID()
		}
		args = append(args, rowID, vendor, s.Slot.GetExternalId(), id, s.Slot.GetStartTime().AsTime().UnixMicro(),
			s.Slot.GetEndTime().AsTime().UnixMicro(), published, doc, int64(1), now, now)
	}
	sb.WriteString(` ON CONFLICT (vendor, external_id) DO UPDATE SET national_id = excluded.national_id,
		start_us = excluded.start_us, end_us = excluded.end_us, published = excluded.published, doc = excluded.doc,
		version = slots.version + 1, update_time_us = excluded.update_time_us
		WHERE slots.doc <> excluded.doc OR slots.published <> excluded.published RETURNING id`)
	rows, err := t.QueryContext(t.ctx, sb.String(), args...)
	if err != nil {
		return err
	}
	changed, err := collect(rows, func(s scanner) (id string, err error) { return id, s.Scan(&id) })
	for _, id := range changed {
		t.changed(KindSlot, id, commonv1.ChangeType_CHANGE_TYPE_UPSERTED)
	}
	return err
}

// withoutOverlaps refuses the free slots that overlap another free slot of
// the same professional, vendor and place: earlier in the batch, or stored
// and not replaced by this batch. At two places at once is allowed: the
// guide's own examples have a professional on call for two CPTS.
func withoutOverlaps(t *tx, vendor string, slots []Indexed) ([]Indexed, []ItemError, error) {
	type span struct {
		ext        string
		start, end int64
		index      int
	}
	byPro := map[string][]span{}
	var minStart, maxEnd int64
	inBatch := map[string]bool{}
	for _, s := range slots {
		inBatch[s.Slot.GetExternalId()] = true
		if s.Slot.GetStatus() != availabilityv1.Slot_STATUS_FREE {
			continue
		}
		st, en := s.Slot.GetStartTime().AsTime().UnixMicro(), s.Slot.GetEndTime().AsTime().UnixMicro()
		if minStart == 0 || st < minStart {
			minStart = st
		}
		maxEnd = max(maxEnd, en)
	}
	ids := professionalsOf(slots)
	if len(ids) > 0 {
		args := []any{vendor, maxEnd, minStart}
		for _, id := range ids {
			args = append(args, id)
		}
		rows, err := t.QueryContext(t.ctx, `SELECT national_id, external_id, start_us, end_us, doc FROM slots
			WHERE vendor = $1 AND start_us < $2 AND end_us > $3 AND national_id IN (`+inList(3, len(ids))+`)`, args...)
		if err != nil {
			return nil, nil, err
		}
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				var pro string
				var sp span
				var doc []byte
				if err := rows.Scan(&pro, &sp.ext, &sp.start, &sp.end, &doc); err != nil {
					return err
				}
				var stored availabilityv1.Slot
				if err := proto.Unmarshal(doc, &stored); err != nil {
					return err
				}
				if !inBatch[sp.ext] && stored.GetStatus() == availabilityv1.Slot_STATUS_FREE {
					sp.index = -1
					key := pro + "|" + stored.GetPlace().GetOrganizationIdentifier()
					byPro[key] = append(byPro[key], sp)
				}
			}
			return rows.Err()
		}()
		if err != nil {
			return nil, nil, err
		}
	}
	var ok []Indexed
	var errs []ItemError
	for _, s := range slots {
		pro := NationalID(s.Slot.GetProfessional())
		if s.Slot.GetStatus() != availabilityv1.Slot_STATUS_FREE || pro == "" {
			ok = append(ok, s)
			continue
		}
		sp := span{s.Slot.GetExternalId(), s.Slot.GetStartTime().AsTime().UnixMicro(), s.Slot.GetEndTime().AsTime().UnixMicro(), s.Index}
		key := pro + "|" + s.Slot.GetPlace().GetOrganizationIdentifier()
		var clash *span
		for i := range byPro[key] {
			o := &byPro[key][i]
			if o.start < sp.end && sp.start < o.end {
				clash = o
				break
			}
		}
		if clash == nil {
			byPro[key] = append(byPro[key], sp)
			ok = append(ok, s)
			continue
		}
		what := fmt.Sprintf("stored slot %q", clash.ext)
		if clash.index >= 0 {
			what = fmt.Sprintf("slot %d (%q) of this batch", clash.index, clash.ext)
		}
		errs = append(errs, ItemError{s.Index, ReasonOverlap, fmt.Sprintf("overlaps %s of the same professional at the same place", what)})
	}
	return ok, errs, nil
}

// slotDoc is the stored encoding of s: without output-only fields, with the matched site.
func slotDoc(s *availabilityv1.Slot, site string) ([]byte, error) {
	c := proto.Clone(s).(*availabilityv1.Slot)
	c.Name, c.Vendor, c.Published, c.CreateTime, c.UpdateTime, c.Etag = "", "", false, nil, nil, ""
	if c.Place == nil {
		c.Place = &availabilityv1.PracticePlace{}
	}
	c.Place.Site = site
	return marshal(c)
}

const slotColumns = `id, vendor, published, doc, version, create_time_us, update_time_us`

func scanSlot(s scanner) (*availabilityv1.Slot, error) {
	var id, vendor string
	var published bool
	var doc []byte
	var version, created, updated int64
	if err := s.Scan(&id, &vendor, &published, &doc, &version, &created, &updated); err != nil {
		return nil, err
	}
	return slotOf(id, vendor, published, doc, version, created, updated)
}

func slotOf(id, vendor string, published bool, doc []byte, version, created, updated int64) (*availabilityv1.Slot, error) {
	var v availabilityv1.Slot
	if err := proto.Unmarshal(doc, &v); err != nil {
		return nil, fmt.Errorf("slot %s: %w", id, err)
	}
	v.Name, v.Vendor, v.Published = "slots/"+id, vendor, published
	v.CreateTime, v.UpdateTime = timestamppb.New(time.UnixMicro(created)), timestamppb.New(time.UnixMicro(updated))
	v.Etag = Etag(version)
	if vendor == "" {
		v.ExternalId = ""
	}
	return &v, nil
}

// Etag is the opaque etag of a row version.
func Etag(version int64) string { return `W/"` + strconv.FormatInt(version, 10) + `"` }

// versionOf is the row version of an etag this store made, 0 otherwise.
func versionOf(etag string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(etag, `W/"`), `"`), 10, 64)
	return n
}

// GetSlot returns the slot with id.
func (d *DB) GetSlot(ctx context.Context, id string) (*availabilityv1.Slot, error) {
	s, err := scanSlot(d.db.QueryRowContext(ctx, `SELECT `+slotColumns+` FROM slots WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return s, d.classify(err)
}

// SlotQuery selects slots, by start time then id.
type SlotQuery struct {
	Vendor     string // "" for any
	NationalID string // "" for any
	Status     availabilityv1.Slot_Status
	From, To   time.Time // start within [From, To) when set
	AfterStart int64     // keyset position: start_us, id
	AfterID    string
	Limit      int
}

// ListSlots returns slots matching q.
func (d *DB) ListSlots(ctx context.Context, q SlotQuery) ([]*availabilityv1.Slot, error) {
	where, args := []string{"(start_us > $1 OR (start_us = $2 AND id > $3))"}, []any{q.AfterStart, q.AfterStart, q.AfterID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if q.Vendor != "" {
		add("vendor = ?", q.Vendor)
	}
	if q.NationalID != "" {
		add("national_id = ?", q.NationalID)
	}
	if !q.From.IsZero() {
		add("start_us >= ?", q.From.UnixMicro())
	}
	if !q.To.IsZero() {
		add("start_us < ?", q.To.UnixMicro())
	}
	args = append(args, q.Limit)
	rows, err := d.db.QueryContext(ctx, `SELECT `+slotColumns+` FROM slots WHERE `+strings.Join(where, " AND ")+
		` ORDER BY start_us, id LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, d.classify(err)
	}
	list, err := collect(rows, scanSlot)
	if err != nil || q.Status == availabilityv1.Slot_STATUS_UNSPECIFIED {
		return list, d.classify(err)
	}
	// The status lives in doc: filter here (a page may come out short; the
	// keyset token still moves on).
	kept := list[:0]
	for _, s := range list {
		if s.GetStatus() == q.Status {
			kept = append(kept, s)
		}
	}
	return kept, nil
}

// CreateSlot stores a hand-entered slot of a standing professional.
func (d *DB) CreateSlot(ctx context.Context, k *idempotency.Key, s *availabilityv1.Slot) (*availabilityv1.Slot, error) {
	out, err := d.write(ctx, k, func(t *tx) (proto.Message, error) {
		id := NewID()
		c := proto.Clone(s).(*availabilityv1.Slot)
		c.ExternalId = id
		res, err := upsert(t, "", []Indexed{{0, c}})
		if err != nil {
			return nil, err
		}
		if len(res.Errors) > 0 {
			return nil, &RefusedError{res.Errors[0]}
		}
		return getSlotTx(t, "", id)
	})
	if err != nil {
		return nil, err
	}
	return out.(*availabilityv1.Slot), nil
}

// RefusedError is a single write the store refused.
type RefusedError struct{ ItemError }

func (e *RefusedError) Error() string { return e.Message }

func getSlotTx(t *tx, vendor, externalID string) (*availabilityv1.Slot, error) {
	return scanSlot(t.QueryRowContext(t.ctx, `SELECT `+slotColumns+` FROM slots WHERE vendor = $1 AND external_id = $2`,
		vendor, externalID))
}

// UpdateSlot changes the hand-entered slot id with change, when etag (if
// set) is current: store.ErrConflict otherwise.
func (d *DB) UpdateSlot(ctx context.Context, k *idempotency.Key, id, etag string,
	change func(*availabilityv1.Slot) error) (*availabilityv1.Slot, error) {
	out, err := d.write(ctx, k, func(t *tx) (proto.Message, error) {
		cur, err := scanSlot(t.QueryRowContext(t.ctx, `SELECT `+slotColumns+` FROM slots WHERE id = $1`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if etag != "" && etag != cur.Etag {
			return nil, store.ErrConflict
		}
		if err := change(cur); err != nil {
			return nil, err
		}
		cur.ExternalId = id
		res, err := upsert(t, "", []Indexed{{0, cur}})
		if err != nil {
			return nil, err
		}
		if len(res.Errors) > 0 {
			return nil, &RefusedError{res.Errors[0]}
		}
		return getSlotTx(t, "", id)
	})
	if err != nil {
		return nil, err
	}
	return out.(*availabilityv1.Slot), nil
}

// DeleteSlot deletes the slot id when etag (if set) is current.
func (d *DB) DeleteSlot(ctx context.Context, k *idempotency.Key, id, etag string) error {
	_, err := d.write(ctx, k, func(t *tx) (proto.Message, error) {
		var version int64
		err := t.QueryRowContext(t.ctx, `SELECT version FROM slots WHERE id = $1`, id).Scan(&version)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		if err != nil {
			return nil, err
		}
		if etag != "" && etag != Etag(version) {
			return nil, store.ErrConflict
		}
		_, err = deleteIDs(t, []string{id})
		return nil, err
	})
	return err
}

// PurgeSlots deletes the slots and ranges that ended before before.
func (d *DB) PurgeSlots(ctx context.Context, before time.Time) (int, error) {
	var n int
	_, err := d.write(ctx, nil, func(t *tx) (proto.Message, error) {
		for _, kind := range []string{KindSlot, KindRange} {
			table := kind + "s"
			rows, err := t.QueryContext(t.ctx, `DELETE FROM `+table+` WHERE end_us < $1 RETURNING id`, before.UnixMicro())
			if err != nil {
				return nil, err
			}
			ids, err := collect(rows, func(s scanner) (id string, err error) { return id, s.Scan(&id) })
			if err != nil {
				return nil, err
			}
			for _, id := range ids {
				t.changed(kind, id, commonv1.ChangeType_CHANGE_TYPE_DELETED)
			}
			n += len(ids)
		}
		return nil, nil
	})
	return n, err
}

// idEncoding is base32 with an alphabet in ASCII order, so that ids sort as
// the bytes they encode.
var idEncoding = base32.NewEncoding("234567abcdefghijklmnopqrstuvwxyz").WithPadding(base32.NoPadding)

// NewID returns a new resource id: 20 lower-case base32 characters, the
// creation millisecond then 48 random bits. Ids made one after the other
// sort together, so that inserting them touches the right edge of the
// primary key index instead of a random page of it (a push of 500 slots
// would otherwise read 500 pages of an index larger than the cache).
func NewID() string {
	var b [12]byte
	ms := uint64(time.Now().UnixMilli())
	for i := 5; i >= 0; i-- {
		b[i] = byte(ms)
		ms >>= 8
	}
	_, _ = rand.Read(b[6:])
	return idEncoding.EncodeToString(b[:])
}
