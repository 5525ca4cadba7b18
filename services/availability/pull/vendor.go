package pull

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// vendor is what a Puller keeps of a vendor between calls: its HTTP client,
// its breaker and the tokens of its batches in flight.
type vendor struct {
	name     string
	cfg      Config
	breaker  *breaker
	inflight chan struct{} // one token per batch in flight

	mu   sync.Mutex
	tls  *tls.Config // the Target.TLS the client was built with
	http *http.Client
}

// client returns the vendor's HTTP client.
func (v *vendor) client() *http.Client {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.http
}

// use makes the client speak with tc, building a new client when the
// target's TLS configuration is not the one the current client has.
func (v *vendor) use(tc *tls.Config) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.http != nil && v.tls == tc {
		return
	}
	if v.http != nil {
		v.http.CloseIdleConnections()
	}
	v.tls, v.http = tc, newClient(v.cfg, tc)
}

// close drops the client's idle connections.
func (v *vendor) close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.http != nil {
		v.http.CloseIdleConnections()
	}
}

// newClient returns an HTTP client of its own for one vendor: TLS with tc
// (the client certificate and the roots), every phase within cfg.Timeout,
// redirects within the same host only.
func newClient(cfg Config, tc *tls.Config) *http.Client {
	if tc != nil {
		tc = tc.Clone()
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       tc,
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   cfg.Concurrency,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: cfg.Timeout, CheckRedirect: sameHost}
}

// errRedirect refuses a redirect to another host, or too many.
var errRedirect = errors.New("redirect to another host, or more than 3")

// sameHost lets a client follow at most 3 redirects, within the same host.
func sameHost(req *http.Request, via []*http.Request) error {
	if len(via) > 3 || req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme {
		return errRedirect
	}
	return nil
}
