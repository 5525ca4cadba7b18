package orientation_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	searchv1 "github.com/sas-platform/sas/gen/sas/search/v1"
	"github.com/sas-platform/sas/services/platform/dbtest"
	"github.com/sas-platform/sas/services/search/orientation"
)

// contend runs fn for n holders at once and returns how many succeeded;
// every failure must be one of allowed.
func contend(t *testing.T, n int, fn func(holder string) error, allowed ...error) int {
	t.Helper()
	var (
		mu  sync.Mutex
		won int
		wg  sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			err := fn(fmt.Sprintf("accounts/r%d", i))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case !isOneOf(allowed, err):
				t.Errorf("holder %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	return won
}

func isOneOf(allowed []error, err error) bool {
	for _, a := range allowed {
		if errors.Is(err, a) {
			return true
		}
	}
	return false
}

func TestStore(t *testing.T) {
	dbtest.Run(t, "search", orientation.Migrations, map[string]func(*testing.T, dbtest.Engine){
		"one of many concurrent holds wins": func(t *testing.T, e dbtest.Engine) {
			st, ctx := orientation.New(e.DB, e.Classify), context.Background()
			for round := range 10 {
				slot := fmt.Sprintf("slots/s%d", round)
				won := contend(t, 8, func(holder string) error {
					return st.HoldSlot(ctx, slot, holder, t0, t0.Add(5*time.Minute))
				}, orientation.ErrSlotHeld)
				if won != 1 {
					t.Fatalf("round %d: %d holds won", round, won)
				}
			}
		},
		"one of many concurrent orientations wins": func(t *testing.T, e dbtest.Engine) {
			st, ctx := orientation.New(e.DB, e.Classify), context.Background()
			for round := range 10 {
				slot := fmt.Sprintf("slots/s%d", round)
				won := contend(t, 8, func(holder string) error {
					o := &searchv1.Orientation{Name: "orientations/" + holder[len("accounts/"):] + slot[len("slots/"):],
						Type: searchv1.Orientation_TYPE_SLOT, Regulator: holder, Territory: "territories/SAS-44",
						Slot: slot, CreateTime: timestamppb.New(t0)}
					return st.CreateOrientation(ctx, nil, o, "vendors/v", t0.Add(5*time.Minute))
				}, orientation.ErrSlotHeld, orientation.ErrSlotTaken)
				if won != 1 {
					t.Fatalf("round %d: %d orientations won", round, won)
				}
			}
		},
		"the same regulator cannot take a slot twice": func(t *testing.T, e dbtest.Engine) {
			st, ctx := orientation.New(e.DB, e.Classify), context.Background()
			won := contend(t, 6, func(holder string) error {
				o := &searchv1.Orientation{Name: "orientations/" + holder[len("accounts/"):], Type: searchv1.Orientation_TYPE_SLOT,
					Regulator: "accounts/same", Slot: "slots/x", CreateTime: timestamppb.New(t0)}
				return st.CreateOrientation(ctx, nil, o, "", t0.Add(5*time.Minute))
			}, orientation.ErrSlotTaken)
			if won != 1 {
				t.Fatalf("%d orientations won", won)
			}
		},
		"expired holds are dropped": func(t *testing.T, e dbtest.Engine) {
			st, ctx := orientation.New(e.DB, e.Classify), context.Background()
			for i, until := range []time.Duration{time.Minute, 2 * time.Minute, 10 * time.Minute} {
				if err := st.HoldSlot(ctx, fmt.Sprintf("slots/%d", i), "accounts/a", t0, t0.Add(until)); err != nil {
					t.Fatal(err)
				}
			}
			n, err := st.DropExpiredHolds(ctx, t0.Add(2*time.Minute))
			if err != nil || n != 2 {
				t.Fatalf("dropped %d %v, want 2", n, err)
			}
			if err := st.HoldSlot(ctx, "slots/2", "accounts/b", t0.Add(2*time.Minute), t0.Add(7*time.Minute)); !errors.Is(err, orientation.ErrSlotHeld) {
				t.Errorf("live hold: %v", err)
			}
		},
	})
}
