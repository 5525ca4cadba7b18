package gateway_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/gateway"
)

func TestNewServer(t *testing.T) {
	srv := gateway.NewServer("127.0.0.1:0", http.NotFoundHandler())
	got := []time.Duration{srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout}
	want := []time.Duration{5 * time.Second, 30 * time.Second, 60 * time.Second, 120 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("timeouts = %v, want %v", got, want)
			break
		}
	}
	if srv.MaxHeaderBytes != 1<<20 {
		t.Errorf("MaxHeaderBytes = %d, want 1 MiB", srv.MaxHeaderBytes)
	}
}
