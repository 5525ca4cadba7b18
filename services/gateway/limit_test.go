package gateway

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestLimitInFlight holds two requests in a handler limited to two: a third
// API request is refused at once with 429 and a JSON status, a probe still
// passes, and once one finishes the next request is served.
func TestLimitInFlight(t *testing.T) {
	release := make(chan struct{})
	var entered sync.WaitGroup
	entered.Add(2)
	h := limitInFlight(2, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
	close(release)
	wg.Wait()
	if resp, err := http.Get(srv.URL + "/v1/other"); err != nil || resp.StatusCode != 200 {
		t.Errorf("after the load: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}
