package orientation

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/idempotency"
	"github.com/sas-platform/sas/services/platform/store"
)

const columns = `id, type, regulator, territory, slot, range_name, professional, structure,
	consultation_mode, vendor, booking_url, create_time_us`

// CreateOrientation stores o, named and timed, with the vendor of its slot
// ("" for none), in one transaction with the hold of its slot (if any) by
// its regulator until holdUntil: ErrSlotTaken when an orientation already
// targets the slot, ErrSlotHeld when another regulator holds it. With k, o
// is also stored whole as the answer to k (handoff token included); the
// orientation itself is stored without its handoff token.
func (s *Store) CreateOrientation(ctx context.Context, k *idempotency.Key, o *searchv1.Orientation, vendor string, holdUntil time.Time) error {
	now := o.GetCreateTime().AsTime()
	return s.inTx(ctx, k, now, o, func(tx *sql.Tx) error {
		if o.GetSlot() != "" {
			if err := checkUntaken(ctx, tx, o.GetSlot()); err != nil {
				return err
			}
			if err := hold(ctx, tx, o.GetSlot(), o.GetRegulator(), now, holdUntil); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO orientations (`+columns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			strings.TrimPrefix(o.GetName(), "orientations/"), int32(o.GetType()), o.GetRegulator(), o.GetTerritory(),
			o.GetSlot(), o.GetRange(), o.GetProfessional(), o.GetStructure(), int32(o.GetConsultationMode()),
			vendor, o.GetBookingUrl(), now.UnixMicro())
		if errors.Is(s.classify(err), store.ErrAlreadyExists) {
			return ErrSlotTaken // the one unique key a new id can meet
		}
		return err
	})
}

// Orientation returns the orientation of id.
func (s *Store) Orientation(ctx context.Context, id string) (*searchv1.Orientation, error) {
	o, err := scanOrientation(s.db.QueryRowContext(ctx, `SELECT `+columns+` FROM orientations WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	return o, s.classify(err)
}

// Position is where a page of orientations ends (newest first).
type Position struct {
	Time int64  `json:"t"` // create_time_us
	ID   string `json:"i"`
}

// positionOf is the position of o in a list.
func positionOf(o *searchv1.Orientation) Position {
	return Position{Time: o.GetCreateTime().AsTime().UnixMicro(), ID: strings.TrimPrefix(o.GetName(), "orientations/")}
}

// Query selects orientations; zero fields select all.
type Query struct {
	Territory, Regulator string
	Type                 searchv1.Orientation_Type
	// From (inclusive) and To (exclusive) bound create_time.
	From, To time.Time
	After    *Position
	Limit    int
}

// ListOrientations returns, newest first, the orientations q selects.
func (s *Store) ListOrientations(ctx context.Context, q Query) ([]*searchv1.Orientation, error) {
	var w where
	if q.Territory != "" {
		w.add(`territory = `, q.Territory)
	}
	if q.Regulator != "" {
		w.add(`regulator = `, q.Regulator)
	}
	if q.Type != searchv1.Orientation_TYPE_UNSPECIFIED {
		w.add(`type = `, int32(q.Type))
	}
	if !q.From.IsZero() {
		w.add(`create_time_us >= `, q.From.UnixMicro())
	}
	if !q.To.IsZero() {
		w.add(`create_time_us < `, q.To.UnixMicro())
	}
	if q.After != nil {
		w.args = append(w.args, q.After.Time, q.After.ID)
		t, id := param(len(w.args)-1), param(len(w.args))
		w.conds = append(w.conds, `(create_time_us < `+t+` OR (create_time_us = `+t+` AND id < `+id+`))`)
	}
	w.args = append(w.args, q.Limit)
	rows, err := s.db.QueryContext(ctx, `SELECT `+columns+` FROM orientations`+w.clause()+`
		ORDER BY create_time_us DESC, id DESC LIMIT `+param(len(w.args)), w.args...)
	if err != nil {
		return nil, s.classify(err)
	}
	list, err := store.Collect(rows, scanOrientation)
	return list, s.classify(err)
}

// where builds a WHERE clause with $n placeholders in order.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, v any) {
	w.args = append(w.args, v)
	w.conds = append(w.conds, cond+param(len(w.args)))
}

func (w *where) clause() string {
	if len(w.conds) == 0 {
		return ""
	}
	return ` WHERE ` + strings.Join(w.conds, ` AND `)
}

func param(n int) string { return "$" + strconv.Itoa(n) }

func scanOrientation(sc store.Scanner) (*searchv1.Orientation, error) {
	var (
		o          searchv1.Orientation
		id, vendor string
		typ, mode  int32
		created    int64
	)
	if err := sc.Scan(&id, &typ, &o.Regulator, &o.Territory, &o.Slot, &o.Range, &o.Professional, &o.Structure,
		&mode, &vendor, &o.BookingUrl, &created); err != nil {
		return nil, err
	}
	o.Name = "orientations/" + id
	o.Type = searchv1.Orientation_Type(typ)
	o.ConsultationMode = commonv1.ConsultationMode(mode)
	o.CreateTime = timestamppb.New(time.UnixMicro(created))
	return &o, nil
}
