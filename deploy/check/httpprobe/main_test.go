package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	if err := probe(srv.URL+"/readyz", time.Second); err != nil {
		t.Errorf("ready server: %v", err)
	}
	if err := probe(srv.URL+"/other", time.Second); err == nil {
		t.Error("503: want an error")
	}
	if err := probe("http://127.0.0.1:1/readyz", time.Second); err == nil {
		t.Error("nothing listening: want an error")
	}
}
