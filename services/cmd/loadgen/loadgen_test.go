package loadgen

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRunRateAndLatency drives 200 requests at 1,000/s at a function that
// takes 2 ms and fails every tenth call.
func TestRunRateAndLatency(t *testing.T) {
	res := Run(context.Background(), Config{Rate: 1000, Count: 200, Workers: 8}, func(_ context.Context, i int) error {
		time.Sleep(2 * time.Millisecond)
		if i%10 == 0 {
			return errors.New("boom")
		}
		return nil
	})
	if res.Sent != 200 || res.Failed != 20 || res.Errors["boom"] != 20 {
		t.Fatalf("sent %d failed %d errors %v", res.Sent, res.Failed, res.Errors)
	}
	if res.P50 < 2*time.Millisecond || res.P99 < res.P50 || res.Max < res.P99 {
		t.Errorf("percentiles out of order or below the work: %s", res)
	}
	if res.Elapsed < 199*time.Millisecond {
		t.Errorf("200 requests at 1,000/s took %s: the rate was not held", res.Elapsed)
	}
}

// TestRunCountsWaitInLatency: one worker and a 10 ms function at 1,000/s
// cannot keep up, and the queueing shows in the latency.
func TestRunCountsWaitInLatency(t *testing.T) {
	res := Run(context.Background(), Config{Rate: 1000, Count: 20, Workers: 1}, func(context.Context, int) error {
		time.Sleep(10 * time.Millisecond)
		return nil
	})
	if res.Max < 100*time.Millisecond {
		t.Errorf("max %s: waiting for a worker is not counted", res.Max)
	}
}
