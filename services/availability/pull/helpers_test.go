package pull_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	commonv1 "github.com/sas-platform/sas/gen/sas/common/v1"
	"github.com/sas-platform/sas/services/availability/pull"
)

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2030, 3, 4, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// sink records the batches it is given.
type sink struct {
	mu      sync.Mutex
	batches []pull.Batch
	err     error // returned by Pulled when set
}

func (s *sink) Pulled(_ context.Context, b pull.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, b)
	return s.err
}

// got returns the batches received.
func (s *sink) got() []pull.Batch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]pull.Batch(nil), s.batches...)
}

// slots returns the slots received, by external id.
func (s *sink) slots() map[string]*availabilityv1.Slot {
	out := map[string]*availabilityv1.Slot{}
	for _, b := range s.got() {
		for _, e := range b.Result.Slots {
			out[e.Slot.GetExternalId()] = e.Slot
		}
	}
	return out
}

// config is a Config for tests: the clock c, short backoffs, loopback timeouts.
func config(c *clock) pull.Config {
	return pull.Config{Timeout: 5 * time.Second, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond, Now: c.Now}
}

// newPuller returns a Puller for the test, closed and checked for leaked
// goroutines when it ends.
func newPuller(t testing.TB, cfg pull.Config, s pull.Sink) *pull.Puller {
	t.Helper()
	noLeaks(t)
	p := pull.New(cfg, s, nil, nil)
	t.Cleanup(p.Close)
	return p
}

// nationalIDs returns n RPPS national ids.
func nationalIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("8%011d", 10_000_000_000+i)
	}
	return ids
}

// slotOf is the free slot the fake vendor offers for a professional, an
// hour after start.
func slotOf(id string, start time.Time) *availabilityv1.Slot {
	begin := start.Add(time.Hour)
	return &availabilityv1.Slot{ExternalId: "slot-" + id, Professional: "professionals/" + id,
		Place: &availabilityv1.PracticePlace{OrganizationIdentifier: "1440000000",
			Address: &commonv1.Address{Lines: []string{"1 rue A"}, PostalCode: "44000", City: "NANTES"}},
		StartTime: timestamppb.New(begin), EndTime: timestamppb.New(begin.Add(20 * time.Minute)),
		Status: availabilityv1.Slot_STATUS_FREE, Visibility: commonv1.Visibility_VISIBILITY_PUBLIC,
		ConsultationModes: []commonv1.ConsultationMode{commonv1.ConsultationMode_CONSULTATION_MODE_PRACTICE}}
}

// oneSlotEach answers a search with one slot per professional asked, an hour
// after the start asked.
func oneSlotEach(w http.ResponseWriter, r *http.Request, ids []string, _ int) {
	start, err := time.Parse(time.RFC3339, strings.TrimPrefix(r.URL.Query()["start"][0], "ge"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	slots := make([]*availabilityv1.Slot, len(ids))
	for i, id := range ids {
		slots[i] = slotOf(id, start)
	}
	searchset(w, r, slots, "")
}

// noLeaks fails t when goroutines of package pull outlive it.
func noLeaks(t testing.TB) {
	t.Cleanup(func() {
		t.Helper()
		waitFor(t, "no goroutine of package pull left", func() bool { return !strings.Contains(stacks(), "/availability/pull.") })
	})
}

// stacks returns the stacks of all goroutines.
func stacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// waitFor waits until cond holds, failing t after 10 s.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
