package pull_test

import (
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	availabilityv1 "github.com/sas-platform/sas/gen/sas/availability/v1"
	"github.com/sas-platform/sas/services/availability/pull"
)

// pages answers with perPage slots a page, three slots per professional,
// linking the next page with next(r, page).
func pages(perPage int, next func(r *http.Request, page int) string) answer {
	return func(w http.ResponseWriter, r *http.Request, ids []string, _ int) {
		start, _ := time.Parse(time.RFC3339, r.URL.Query()["start"][0][2:])
		var all []*availabilityv1.Slot
		for _, id := range ids {
			for k := range 3 {
				s := slotOf(id, start.Add(time.Duration(k)*time.Hour))
				s.ExternalId += "-" + strconv.Itoa(k)
				all = append(all, s)
			}
		}
		page, _ := strconv.Atoi(r.URL.Query().Get("_page"))
		page = max(page, 1)
		from, to := min((page-1)*perPage, len(all)), min(page*perPage, len(all))
		link := ""
		if to < len(all) {
			link = next(r, page+1)
		}
		searchset(w, r, all[from:to], link)
	}
}

// sameServer links the next page on the same server, relative or absolute.
func sameServer(absolute bool) func(r *http.Request, page int) string {
	return func(r *http.Request, page int) string {
		q := r.URL.Query()
		q.Set("_page", strconv.Itoa(page))
		u := "Slot?" + q.Encode()
		if absolute {
			u = "https://" + r.Host + "/fhir/" + u
		}
		return u
	}
}

// TestPages: the pages of a searchset are merged into one batch.
func TestPages(t *testing.T) {
	for _, absolute := range []bool{false, true} {
		s := &sink{}
		v := startVendor(t, pages(4, sameServer(absolute)))
		p := newPuller(t, config(newClock()), s)
		rep, err := p.Refresh(t.Context(), v.target(t, "vendors/v1"), nationalIDs(5))
		if err != nil || rep.Succeeded != 1 || rep.Slots != 15 {
			t.Fatalf("absolute %v: report %+v, %v; want 15 slots in 1 batch", absolute, rep, err)
		}
		if n := len(v.requests()); n != 4 {
			t.Errorf("%d requests, want 4 pages", n)
		}
		res := s.got()[0].Result
		seen := map[int]bool{}
		for _, e := range res.Slots {
			seen[e.Index] = true
		}
		if len(s.slots()) != 15 || len(seen) != 15 || res.Entries < 15 || res.Next != "" {
			t.Errorf("merged result: %d slots, %d indexes, %d entries, next %q", len(s.slots()), len(seen), res.Entries, res.Next)
		}
	}
}

// TestPagesRefused: a next link to another host, or more pages than
// Config.MaxPages, fail the batch, and the sink gets nothing.
func TestPagesRefused(t *testing.T) {
	tests := []struct {
		name     string
		next     func(r *http.Request, page int) string
		requests int
	}{
		{"other host", func(*http.Request, int) string { return "https://elsewhere.example/fhir/Slot?_page=2" }, 1},
		{"other scheme", func(r *http.Request, _ int) string { return "http://" + r.Host + "/fhir/Slot?_page=2" }, 1},
		{"too many pages", sameServer(false), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &sink{}
			v := startVendor(t, pages(1, tt.next))
			cfg := config(newClock())
			cfg.MaxPages = 3
			p := newPuller(t, cfg, s)
			rep, err := p.Refresh(t.Context(), v.target(t, "vendors/v1"), nationalIDs(2))
			var fe *pull.FetchError
			if err != nil || rep.Failed != 1 || !errors.As(rep.LastFailure, &fe) || fe.Reason != pull.ReasonPaging {
				t.Fatalf("report %+v, %v; want a paging failure", rep, err)
			}
			if n := len(v.requests()); n != tt.requests || len(s.got()) != 0 {
				t.Errorf("%d requests, %d batches to the sink; want %d, 0", n, len(s.got()), tt.requests)
			}
		})
	}
}
