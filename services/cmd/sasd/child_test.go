package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sas-platform/sas/services/platform/app"
)

// childEnv makes the test binary run sasd instead of the tests: the load
// runs start sasd as a process of its own, as it runs in production, so
// that the load generator's goroutines and allocations are not sasd's and
// sasd's own CPU and memory can be read apart.
const childEnv = "SAS_BENCH_SASD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// runChild is sasd's main, printing the addresses it listens on for the
// parent; SAS_ variables are left to the parent's flags.
func runChild() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := sasd()
	p.Banner = func(w io.Writer, g, h string) { fmt.Fprintf(w, "listening %s %s\n", g, h) }
	getenv := func(k string) string {
		if strings.HasPrefix(k, "SAS_") {
			return ""
		}
		return os.Getenv(k)
	}
	if err := p.Run(ctx, os.Args[1:], app.IO{Getenv: getenv, Stdout: os.Stdout, Stderr: os.Stderr}); err != nil {
		fmt.Fprintln(os.Stderr, "sasd:", err)
		return 1
	}
	return 0
}

// child is a sasd process started by a benchmark.
type child struct {
	pid   int
	debug string // base URL of its profiles and counters
}

// startChild runs sasd with args as a child process until b ends, and
// checks it then stops cleanly. Its logs are shown when it fails; GODEBUG
// traces go to the benchmark's standard error.
func startChild(b testing.TB, args ...string) (platform, child) {
	b.Helper()
	dir := b.TempDir()
	debug := freeAddr(b)
	cmd := exec.Command(os.Args[0], append(append(testArgs(dir), "-debug-addr", debug), args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if os.Getenv("GODEBUG") != "" {
		cmd.Stderr = io.MultiWriter(logs, os.Stderr) // gctrace and the like
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	exited := make(chan error, 1)
	addrs := make(chan []string, 1)
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if f := strings.Fields(lines.Text()); len(f) == 3 && f[0] == "listening" {
				addrs <- f[1:]
			}
		}
		exited <- cmd.Wait()
	}()
	var got []string
	select {
	case got = <-addrs:
	case err := <-exited:
		b.Fatalf("sasd stopped at start: %v\n%s", err, logs)
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		b.Fatal("sasd did not start within a minute")
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				b.Errorf("sasd stop: %v\n%.4000s", err, logs)
			}
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			b.Errorf("sasd did not stop within 30 s")
		}
	})
	return connect(b, got[0], got[1], dir), child{pid: cmd.Process.Pid, debug: "http://" + debug}
}

// freeAddr returns a loopback address no one listens on.
func freeAddr(b testing.TB) string {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer lis.Close()
	return lis.Addr().String()
}

// usage is what a process has used since it started.
type usage struct {
	cpu     time.Duration
	alloc   uint64 // bytes allocated
	gcs     uint32
	heap    uint64 // bytes live or not yet swept
	objects uint64
}

// usage reads sasd's CPU time from /proc and its memory counters from its
// debug listener.
func (c child) usage(b testing.TB) usage {
	b.Helper()
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(c.pid) + "/stat")
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command name, which ends at the last ')': utime and
	// stime are the 12th and 13th, in clock ticks of 1/100 s.
	f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	resp, err := http.Get(c.debug + "/debug/vars")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var vars struct {
		Memstats struct {
			TotalAlloc, HeapAlloc, HeapObjects uint64
			NumGC                              uint32
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&vars); err != nil {
		b.Fatal(err)
	}
	m := vars.Memstats
	return usage{cpu: time.Duration(utime+stime) * 10 * time.Millisecond, alloc: m.TotalAlloc, gcs: m.NumGC, heap: m.HeapAlloc, objects: m.HeapObjects}
}

// selfCPU is the CPU time of this process, the load generator.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cost measures what a phase of n requests cost sasd and the load
// generator; call the function returned at the end of the phase.
func (c child) cost(b testing.TB) func(n int) string {
	u0, g0 := c.usage(b), selfCPU()
	return func(n int) string {
		u1, g1 := c.usage(b), selfCPU()
		n = max(n, 1)
		return fmt.Sprintf("sasd %d µs CPU and %d KB allocated a request, %d collections; load generator %d µs CPU a request",
			(u1.cpu-u0.cpu).Microseconds()/int64(n), (u1.alloc-u0.alloc)>>10/uint64(n), u1.gcs-u0.gcs, (g1-g0).Microseconds()/int64(n))
	}
}

// profile writes a CPU profile of sasd during a phase of the load runs to
// $SAS_BENCH_CPUPROFILE-<phase>.pprof, when that is set; it returns the
// function that waits for it.
func (c child) profile(b testing.TB, phase string, d time.Duration) (wait func()) {
	prefix := os.Getenv("SAS_BENCH_CPUPROFILE")
	if prefix == "" {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := c.save(c.debug+"/debug/pprof/profile?seconds="+strconv.Itoa(int(d.Seconds())), prefix+"-"+phase+".pprof"); err != nil {
			b.Errorf("profile %s: %v", phase, err)
		}
	}()
	return func() { <-done }
}

// save writes what url answers to file.
func (c child) save(url, file string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, resp.Body)
	return errors.Join(err, f.Close())
}
