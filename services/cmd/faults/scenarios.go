package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// result is one scenario's figures; checks must all hold.
type result struct {
	name    string
	figures []string
	checks  map[string]bool
	err     error
}

func (r result) ok() bool {
	if r.err != nil {
		return false
	}
	for _, ok := range r.checks {
		if !ok {
			return false
		}
	}
	return true
}

func (r result) summary() string {
	s := strings.Join(r.figures, "; ")
	if r.err != nil {
		s += "; error: " + r.err.Error()
	}
	if r.ok() {
		return "PASS: " + s
	}
	return "FAIL: " + s
}

type report struct {
	start   time.Time
	results []result
}

func (r *report) markdown() string {
	var b strings.Builder
	host, _ := os.Hostname()
	fmt.Fprintf(&b, "# Fault runs\n\n%s, host %s, %d CPUs, %s. sasd on a fresh PostgreSQL database and the machine's Redis, loopback only; the clients run on the same machine.\n\n",
		r.start.UTC().Format(time.RFC3339), host, runtime.NumCPU(), runtime.Version())
	for _, res := range r.results {
		verdict := "PASS"
		if !res.ok() {
			verdict = "FAIL"
		}
		fmt.Fprintf(&b, "## %s: %s\n\n", res.name, verdict)
		for _, f := range res.figures {
			fmt.Fprintf(&b, "- %s\n", f)
		}
		for c, ok := range res.checks {
			mark := "yes"
			if !ok {
				mark = "NO"
			}
			fmt.Fprintf(&b, "- check: %s: %s\n", c, mark)
		}
		if res.err != nil {
			fmt.Fprintf(&b, "- error: %v\n", res.err)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// pushResult reconciles a push load.
func (w *world) pushResult(ctx context.Context, st pushStats, downtime time.Duration) result {
	acked, lost, err := w.reconcile(ctx, st)
	res := result{err: err, figures: []string{
		fmt.Sprintf("%d batches of 100 acknowledged (%d slots), %d retries while the platform was away, %d batches failed after retries, %d slots refused by checks",
			st.batches, acked, st.retries, st.failed, st.refused),
		fmt.Sprintf("platform away for %s", downtime.Round(time.Millisecond)),
		fmt.Sprintf("reconciliation: %d acknowledged slots, %d missing from the store", acked, lost),
	}, checks: map[string]bool{
		"no acknowledged slot lost": lost == 0,
		"no batch failed that should have succeeded (retried with its request id)": st.failed == 0,
	}}
	if st.firstErr != "" {
		res.figures = append(res.figures, "errors seen while away, first: "+trim(st.firstErr)+"; last: "+trim(st.lastErr))
	}
	return res
}

func trim(s string) string {
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}

// killDuringPush kills sasd a third into the load, and starts it again.
func killDuringPush(ctx context.Context, w *world, d time.Duration) result {
	var downtime time.Duration
	var startErr error
	st := w.pushLoad(ctx, d, func() {
		t0 := time.Now()
		w.p.kill()
		startErr = w.p.start()
		downtime = time.Since(t0)
	})
	res := w.pushResult(ctx, st, downtime)
	if startErr != nil {
		res.err = startErr
	}
	return res
}

// postgresRestartDuringPush restarts the machine's PostgreSQL a third into the load.
func postgresRestartDuringPush(ctx context.Context, w *world, d time.Duration) result {
	var downtime time.Duration
	var restartErr error
	st := w.pushLoad(ctx, d, func() {
		t0 := time.Now()
		restartErr = run("sh", "-c", "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main restart")
		downtime = time.Since(t0)
	})
	res := w.pushResult(ctx, st, downtime)
	if restartErr != nil {
		res.err = restartErr
	}
	return res
}

// redisKillDuringSearch runs searches at a steady rate while Redis is shut
// down and started again: none may fail.
func redisKillDuringSearch(ctx context.Context, w *world, d time.Duration) result {
	var mu sync.Mutex
	var sent, failed int
	var firstErr error
	var lat []time.Duration
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := g; time.Now().Before(end); i += 4 {
				t0 := time.Now()
				_, err := w.search(ctx, i)
				mu.Lock()
				sent++
				lat = append(lat, time.Since(t0))
				if err != nil {
					failed++
					if firstErr == nil {
						firstErr = err
					}
				}
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	time.Sleep(d / 3)
	t0 := time.Now()
	killErr := run("redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave")
	time.Sleep(d / 4)
	startErr := run("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
		"--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log")
	away := time.Since(t0)
	wg.Wait()
	res := result{figures: []string{
		fmt.Sprintf("%d searches, %d failed; Redis away for %s", sent, failed, away.Round(time.Millisecond)),
		"latency " + percentiles(lat),
	}, checks: map[string]bool{"zero failed searches": failed == 0}}
	if firstErr != nil {
		res.figures = append(res.figures, "first error: "+trim(firstErr.Error()))
	}
	// redis-cli shutdown reports the dropped connection as an error.
	if startErr != nil {
		res.err = fmt.Errorf("start Redis again: %w (shutdown: %v)", startErr, killErr)
	}
	return res
}

// searchReconcile pushes slots, deletes some, kills sasd, and checks after
// the restart that search shows exactly what availability holds for those
// professionals: nothing missed, nothing deleted still shown.
func searchReconcile(ctx context.Context, w *world, _ time.Duration) result {
	round := w.round.Add(1)
	n := min(200, len(w.pros))
	first := int(round*37) % len(w.pros)
	slots := w.batch(round, first, n)
	// Within the default search window: in three hours.
	at := time.Now().Add(3 * time.Hour).Truncate(time.Minute)
	for _, s := range slots {
		s.StartTime, s.EndTime = timestamppb.New(at), timestamppb.New(at.Add(20*time.Minute))
	}
	if acked, refused, err := w.pushOnce(ctx, 4, slots, ""); err != nil || acked != n {
		return result{err: fmt.Errorf("push: %d acknowledged, %d refused, %v", acked, refused, err)}
	}
	gone := map[string]bool{}
	var del []string
	for _, s := range slots[:n/4] {
		del = append(del, s.GetExternalId())
		gone[s.GetProfessional()] = true
	}
	if err := w.deleteSlots(ctx, 4, del); err != nil {
		return result{err: err}
	}
	t0 := time.Now()
	w.p.kill()
	if err := w.p.start(); err != nil {
		return result{err: err}
	}
	restart := time.Since(t0)
	// Search answers UNAVAILABLE until its snapshots are in; then it must agree.
	var shown, missing, stale, unavailable int
	deadline := time.Now().Add(2 * time.Minute)
	for k, s := range slots {
		for {
			resp, err := w.searchAt(ctx, w.pros[(first+k)%len(w.pros)])
			if status.Code(err) == codes.Unavailable && time.Now().Before(deadline) {
				unavailable++
				time.Sleep(100 * time.Millisecond)
				continue
			}
			if err != nil {
				return result{err: err}
			}
			has := false
			for _, r := range resp.GetResults() {
				if r.GetProfessional().GetName() != s.GetProfessional() {
					continue
				}
				for _, day := range r.GetDays() {
					for _, sl := range day.GetSlots() {
						has = has || sl.GetStartTime().AsTime().Equal(s.GetStartTime().AsTime())
					}
				}
			}
			switch {
			case has && gone[s.GetProfessional()]:
				stale++
			case !has && !gone[s.GetProfessional()]:
				missing++
			case has:
				shown++
			}
			break
		}
	}
	return result{figures: []string{
		fmt.Sprintf("%d slots pushed, %d deleted, sasd killed and ready again in %s (%d searches answered UNAVAILABLE while the read model loaded)",
			n, len(del), restart.Round(time.Millisecond), unavailable),
		fmt.Sprintf("after the restart: %d live slots shown, %d missing, %d deleted slots still shown", shown, missing, stale),
	}, checks: map[string]bool{"no live slot missing from search": missing == 0, "no deleted slot shown": stale == 0}}
}

func (w *world) deleteSlots(ctx context.Context, v int, ids []string) error {
	_, err := w.deleteOnce(ctx, v, ids)
	return err
}

func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

func percentiles(lat []time.Duration) string {
	if len(lat) == 0 {
		return "none"
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return fmt.Sprintf("p50 %s, p99 %s, max %s", at(0.5).Round(time.Microsecond*10), at(0.99).Round(time.Microsecond*10), s[len(s)-1].Round(time.Millisecond))
}
