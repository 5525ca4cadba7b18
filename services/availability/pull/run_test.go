package pull_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/availability/pull"
)

// source lists fixed targets, each serving the same professionals.
type source struct {
	targets []pull.Target
	ids     []string
}

func (s *source) Targets(context.Context) ([]pull.Target, error) { return s.targets, nil }

func (s *source) Professionals(context.Context, string) ([]string, error) { return s.ids, nil }

// logs is a log buffer safe for concurrent use.
type logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// TestRun refreshes a healthy, a failing and a hanging vendor periodically:
// the healthy one is refreshed round after round while the hanging one is
// still in its first, the failing one's breaker opens, and the logs count
// without naming professionals.
func TestRun(t *testing.T) {
	noLeaks(t)
	good, failing, hung := startVendor(t, oneSlotEach), startVendor(t, status(500)), startVendor(t, nil)
	hung.set(hang(t))
	ids := nationalIDs(60)
	src := &source{ids: ids, targets: []pull.Target{good.target(t, "vendors/good"),
		failing.target(t, "vendors/failing"), hung.target(t, "vendors/hung")}}
	var out logs
	cfg := config(newClock())
	cfg.Attempts = 1
	p := pull.New(cfg, &sink{}, slog.New(slog.NewJSONHandler(&out, nil)), nil)
	defer p.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, 10*time.Millisecond, src) }()
	waitFor(t, "three rounds of the healthy vendor", func() bool { return len(good.requests()) >= 3*3 })
	waitFor(t, "the failing vendor's breaker to open", func() bool { return p.State("vendors/failing") == pull.Open })
	if n := len(hung.requests()); n > 3 {
		t.Errorf("the hanging vendor got %d requests, want its first round only", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	text := out.String()
	for _, v := range []string{"vendors/good", "vendors/failing"} {
		if !strings.Contains(text, `"msg":"pull refreshed","vendor":"`+v+`"`) {
			t.Errorf("no summary of %s in the logs:\n%s", v, text)
		}
	}
	for _, id := range ids {
		if strings.Contains(text, id[1:]) {
			t.Fatalf("the logs name professional %s:\n%s", id, text)
		}
	}
}

// TestRunPeriod: Run refuses a period that is not positive.
func TestRunPeriod(t *testing.T) {
	p := newPuller(t, config(newClock()), &sink{})
	if err := p.Run(t.Context(), 0, &source{}); err == nil {
		t.Error("Run with period 0: no error")
	}
}
