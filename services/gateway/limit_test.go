package gateway

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
)

// TestLimitInFlight holds two requests in a handler limited to two: a third
// API request is refused at once with 429 and a JSON status, a probe still
// passes, and once one finishes the next request is served.
func TestLimitInFlight(t *testing.T) {
	release := make(chan struct{})
	var entered sync.WaitGroup
	entered.Add(2)
	reader := sdkmetric.NewManualReader()
	rejected, err := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)).Meter("test").Int64Counter("rejected")
	if err != nil {
		t.Fatal(err)
	}
	h := limitInFlight(2, rejected, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/slow" {
			entered.Done()
			<-release
		}
		w.WriteHeader(http.StatusOK)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			resp, err := http.Get(srv.URL + "/v1/slow")
			if err != nil || resp.StatusCode != 200 {
				t.Errorf("held request: %v %v", resp, err)
				return
			}
			resp.Body.Close()
		})
	}
	entered.Wait()
	resp, err := http.Get(srv.URL + "/v1/other")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body.String(), `"code":8`) ||
		!strings.Contains(body.String(), "GATEWAY_OVERLOADED") || resp.Header.Get("Retry-After") == "" {
		t.Errorf("third request: %d %s", resp.StatusCode, body.String())
	}
	if resp, err := http.Get(srv.URL + "/readyz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("probe refused under load: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	if sum, ok := rm.ScopeMetrics[0].Metrics[0].Data.(metricdata.Sum[int64]); !ok || sum.DataPoints[0].Value != 1 {
		t.Errorf("refusals counted: %+v, want 1", rm.ScopeMetrics[0].Metrics[0].Data)
	}
	close(release)
	wg.Wait()
	if resp, err := http.Get(srv.URL + "/v1/other"); err != nil || resp.StatusCode != 200 {
		t.Errorf("after the load: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}
