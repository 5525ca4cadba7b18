package gateway

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

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

// BenchmarkRefusal measures what a request refused for overload costs the
// machine: client and server are both in this process, on loopback, with
// keep-alive connections, as in the search overload run. cpu-µs/refusal is
// the process's CPU (user and system) per refusal; it bounds the goodput
// that overload can keep when the load generator shares the cores.
func BenchmarkRefusal(b *testing.B) {
	release := make(chan struct{})
	held := make(chan struct{})
	rejected, err := sdkmetric.NewMeterProvider().Meter("bench").Int64Counter("rejected")
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(limitInFlight(1, rejected, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(held)
		<-release
	})))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	go func() {
		if resp, err := client.Get(srv.URL + "/v1/held"); err == nil {
			resp.Body.Close()
		}
	}()
	<-held
	defer close(release)
	b.SetParallelism(32)
	before := cpuTime(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		buf := make([]byte, 512)
		for pb.Next() {
			resp, err := client.Get(srv.URL + "/v1/search")
			if err != nil {
				b.Error(err)
				return
			}
			for { // drain, so that the connection is kept
				if _, err := resp.Body.Read(buf); err != nil {
					break
				}
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusTooManyRequests {
				b.Errorf("status %d, want 429", resp.StatusCode)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(cpuTime(b)-before)/float64(b.N)/float64(time.Microsecond), "cpu-µs/refusal")
}

// cpuTime returns the CPU time this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
