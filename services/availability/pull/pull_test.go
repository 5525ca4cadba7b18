package pull_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/sas-platform/sas/services/availability/fhir"
	"github.com/sas-platform/sas/services/availability/pull"
)

// TestRefresh pulls 60 professionals over mutual TLS: three batches, each
// asking its professionals over the 14-day window, each handed to the sink
// with their slots.
func TestRefresh(t *testing.T) {
	c, s := newClock(), &sink{}
	v := startVendor(t, oneSlotEach)
	p := newPuller(t, config(c), s)
	ids := nationalIDs(60)
	rep, err := p.Refresh(t.Context(), v.target(t, "vendors/v1"), ids)
	if err != nil {
		t.Fatal(err)
	}
	want := pull.Report{Vendor: "vendors/v1", Batches: 3, Succeeded: 3, Slots: 60, Duration: rep.Duration}
	if rep != want {
		t.Errorf("report %+v, want %+v", rep, want)
	}
	start, end := c.Now(), c.Now().Add(14*24*time.Hour)
	var asked []string
	for _, r := range v.requests() {
		asked = append(asked, r.IDs...)
		if r.Client != clientName {
			t.Errorf("client certificate %q, want %q", r.Client, clientName)
		}
		q := r.Query
		if got := q["start"]; !slices.Equal(got, []string{"ge2030-03-04T08:00:00Z", "le2030-03-18T08:00:00Z"}) {
			t.Errorf("start %q", got)
		}
		if q.Get("status") != "free" || q.Get("_include") != "Slot:schedule" {
			t.Errorf("query %v", q)
		}
	}
	slices.Sort(asked)
	if !slices.Equal(asked, ids) {
		t.Errorf("asked %v, want %v", asked, ids)
	}
	for _, b := range s.got() {
		if b.Vendor != "vendors/v1" || !b.Start.Equal(start) || !b.End.Equal(end) || len(b.Professionals) > 25 {
			t.Errorf("batch %s [%v, %v] of %d", b.Vendor, b.Start, b.End, len(b.Professionals))
		}
		for i, e := range b.Result.Slots {
			if want := slotOf(b.Professionals[i], start); !proto.Equal(e.Slot, want) {
				t.Errorf("slot %d:\ngot  %v\nwant %v", i, e.Slot, want)
			}
		}
	}
}

// TestRefreshWithoutClientCertificate: the vendor refuses the handshake of a
// client without certificate; no request gets through.
func TestRefreshWithoutClientCertificate(t *testing.T) {
	v := startVendor(t, oneSlotEach)
	p := newPuller(t, config(newClock()), &sink{})
	tg := v.target(t, "vendors/v1")
	tg.TLS.Certificates = nil
	rep, err := p.Refresh(t.Context(), tg, nationalIDs(1))
	if err != nil {
		t.Fatal(err)
	}
	var fe *pull.FetchError
	if rep.Failed != 1 || !errors.As(rep.LastFailure, &fe) || fe.Reason != pull.ReasonNetwork {
		t.Fatalf("report %+v, want a network failure", rep)
	}
	if n := len(v.requests()); n != 0 {
		t.Errorf("%d requests got through", n)
	}
}

// TestRefreshBadInput: a bad target is an error; bad or repeated national
// ids are left out and counted.
func TestRefreshBadInput(t *testing.T) {
	v := startVendor(t, oneSlotEach)
	p := newPuller(t, config(newClock()), &sink{})
	for _, tg := range []pull.Target{{Vendor: "v1", BaseURL: v.srv.URL}, {Vendor: "vendors/v1", BaseURL: "ftp://x"},
		{Vendor: "vendors/v1", BaseURL: v.srv.URL + "?a=b"}} {
		if _, err := p.Refresh(t.Context(), tg, nationalIDs(1)); !errors.Is(err, pull.ErrTarget) {
			t.Errorf("Refresh(%+v): %v, want ErrTarget", tg, err)
		}
	}
	ids := append(nationalIDs(2), "12345", "", nationalIDs(1)[0])
	rep, err := p.Refresh(t.Context(), v.target(t, "vendors/v1"), ids)
	if err != nil || rep.Invalid != 3 || rep.Succeeded != 1 || rep.Slots != 2 {
		t.Errorf("report %+v, %v; want 3 invalid, 2 slots", rep, err)
	}
}

// TestRefreshOtherProfessional: a slot of a professional not asked is an
// entry error, not a slot.
func TestRefreshOtherProfessional(t *testing.T) {
	s := &sink{}
	v := startVendor(t, func(w http.ResponseWriter, r *http.Request, ids []string, n int) {
		oneSlotEach(w, r, append(ids, "0123456789"), n)
	})
	p := newPuller(t, config(newClock()), s)
	rep, err := p.Refresh(t.Context(), v.target(t, "vendors/v1"), nationalIDs(2))
	if err != nil || rep.Slots != 2 || rep.EntryErrors != 1 {
		t.Fatalf("report %+v, %v; want 2 slots and 1 entry error", rep, err)
	}
	e := s.got()[0].Result.Errors[0]
	if e.Code != fhir.IssueBusinessRule || e.Resource != "Slot/slot-0123456789" {
		t.Errorf("entry error %v", e)
	}
}

// TestRefreshSinkError: a batch the sink refuses fails without counting
// against the vendor.
func TestRefreshSinkError(t *testing.T) {
	v := startVendor(t, oneSlotEach)
	cfg := config(newClock())
	cfg.BreakerFailures = 1
	p := newPuller(t, cfg, &sink{err: errors.New("store down")})
	rep, _ := p.Refresh(t.Context(), v.target(t, "vendors/v1"), nationalIDs(50))
	if rep.Failed != 2 || rep.Skipped != 0 || p.State("vendors/v1") != pull.Closed {
		t.Errorf("report %+v, breaker %v; want 2 failed, closed", rep, p.State("vendors/v1"))
	}
}

// TestRefreshCanceled: Refresh returns the context's error once it ends,
// without waiting for a hanging vendor.
func TestRefreshCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	hung := hang(t)
	v := startVendor(t, func(w http.ResponseWriter, r *http.Request, ids []string, n int) {
		cancel()
		hung(w, r, ids, n)
	})
	p := newPuller(t, config(newClock()), &sink{})
	rep, err := p.Refresh(ctx, v.target(t, "vendors/v1"), nationalIDs(100))
	if !errors.Is(err, context.Canceled) || rep.Failed != 0 || p.State("vendors/v1") != pull.Closed {
		t.Errorf("report %+v, %v; want canceled, nothing failed", rep, err)
	}
}
