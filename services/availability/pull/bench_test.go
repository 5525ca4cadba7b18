package pull_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/availability/pull"
)

// BenchmarkRefresh1000 refreshes 1,000 professionals from a loopback vendor
// answering each batch in 50 ms, over mutual TLS with the default Config;
// the target is 5 s a refresh.
func BenchmarkRefresh1000(b *testing.B) {
	v := startVendor(b, func(w http.ResponseWriter, r *http.Request, ids []string, n int) {
		time.Sleep(50 * time.Millisecond) // the vendor's latency
		oneSlotEach(w, r, ids, n)
	})
	p := pull.New(pull.Config{}, &sink{}, nil, nil)
	defer p.Close()
	tg, ids := v.target(b, "vendors/v1"), nationalIDs(1000)
	for b.Loop() {
		rep, err := p.Refresh(b.Context(), tg, ids)
		if err != nil || rep.Succeeded != 40 || rep.Slots != 1000 {
			b.Fatalf("report %+v, %v; want 40 batches, 1000 slots", rep, err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/refresh")
}
