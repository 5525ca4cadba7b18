package app

import (
	"context"
	"errors"
	"expvar"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// serveDebug serves the Go runtime's profiles and counters on DebugAddr,
// when it is set, until the process closes: what an operator reads to see
// where a replica spends its CPU and memory, and what the load runs of
// `make bench` read of sasd.
func (a *App) serveDebug() error {
	if a.DebugAddr == "" {
		return nil
	}
	lis, err := net.Listen("tcp", a.DebugAddr)
	if err != nil {
		return fmt.Errorf("listen debug: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/debug/vars", expvar.Handler())
	// No write timeout: a CPU profile streams for as long as it was asked.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(lis) }()
	a.Log.Info("debug listener", "addr", lis.Addr().String())
	a.OnClose("debug listener", func(ctx context.Context) error {
		err := srv.Close()
		if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
		return err
	})
	return nil
}
