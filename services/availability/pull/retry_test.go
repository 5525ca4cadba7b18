package pull_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/sas-platform/sas/services/availability/pull"
)

// TestRetries: network errors, 429 and 5xx are tried again, up to 3 times;
// other 4xx and garbage are not.
func TestRetries(t *testing.T) {
	tests := []struct {
		name     string
		ans      answer
		requests int
		reason   pull.Reason // "" when the batch succeeds
	}{
		{"503 twice then 200", failFirst(2, 503, oneSlotEach), 3, ""},
		{"429 then 200", failFirst(1, 429, oneSlotEach), 2, ""},
		{"503 thrice", status(503), 3, pull.ReasonStatus},
		{"400", status(400), 1, pull.ReasonStatus},
		{"404", status(404), 1, pull.ReasonStatus},
		{"garbage", garbage, 1, pull.ReasonMalformed},
		{"transaction Bundle", func(w http.ResponseWriter, _ *http.Request, _ []string, _ int) {
			_, _ = w.Write([]byte(`{"resourceType":"Bundle","type":"transaction","entry":[]}`))
		}, 1, pull.ReasonMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &sink{}
			v := startVendor(t, tt.ans)
			p := newPuller(t, config(newClock()), s)
			rep, err := p.Refresh(t.Context(), v.target(t, "vendors/v1"), nationalIDs(3))
			if err != nil {
				t.Fatal(err)
			}
			if n := len(v.requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			var fe *pull.FetchError
			switch {
			case tt.reason == "" && (rep.Succeeded != 1 || rep.Slots != 3 || len(s.got()) != 1):
				t.Errorf("report %+v, want 1 batch of 3 slots", rep)
			case tt.reason != "" && (rep.Failed != 1 || !errors.As(rep.LastFailure, &fe) || fe.Reason != tt.reason):
				t.Errorf("report %+v, want a %s failure", rep, tt.reason)
			case tt.reason != "" && len(s.got()) != 0:
				t.Error("the sink got a failed batch")
			}
		})
	}
}
