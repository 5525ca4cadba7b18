package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// rawClient posts to one HTTP/1.1 server over kept connections, one request
// at a time on each. The load runs share two cores with sasd: net/http's
// client spent about 25 µs of CPU a request handing it between its
// goroutines, a quarter of what sasd spends answering a hit, so it took
// from sasd the CPU the runs measure. This one writes the request and reads
// the response on the caller's goroutine.
type rawClient struct {
	addr string // host:port
	idle chan *rawConn
}

type rawConn struct {
	c  net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

// newRawClient returns a client of base ("http://host:port") keeping up to
// max idle connections.
func newRawClient(base string, max int) *rawClient {
	return &rawClient{addr: strings.TrimPrefix(base, "http://"), idle: make(chan *rawConn, max)}
}

// post sends body to path with the bearer token and returns the status and
// the first bytes of the answer's body when the status is not 200; the body
// is read to its end, as a browser does, so that the connection serves the
// next request.
func (rc *rawClient) post(path, token string, body []byte) (int, []byte, error) {
	conn, err := rc.conn()
	if err != nil {
		return 0, nil, err
	}
	status, msg, keep, err := conn.post(rc.addr, path, token, body)
	if err != nil || !keep {
		conn.c.Close()
		return status, msg, err
	}
	select {
	case rc.idle <- conn:
	default:
		conn.c.Close()
	}
	return status, msg, nil
}

// conn returns an idle connection, or a new one.
func (rc *rawClient) conn() (*rawConn, error) {
	select {
	case conn := <-rc.idle:
		return conn, nil
	default:
	}
	c, err := net.Dial("tcp", rc.addr)
	if err != nil {
		return nil, err
	}
	return &rawConn{c: c, br: bufio.NewReaderSize(c, 32<<10), bw: bufio.NewWriterSize(c, 4<<10)}, nil
}

func (conn *rawConn) post(host, path, token string, body []byte) (status int, msg []byte, keep bool, err error) {
	w := conn.bw
	w.WriteString("POST ")
	w.WriteString(path)
	w.WriteString(" HTTP/1.1\r\nHost: ")
	w.WriteString(host)
	w.WriteString("\r\nAuthorization: Bearer ")
	w.WriteString(token)
	w.WriteString("\r\nContent-Type: application/json\r\nContent-Length: ")
	w.WriteString(strconv.Itoa(len(body)))
	w.WriteString("\r\n\r\n")
	w.Write(body)
	if err := w.Flush(); err != nil {
		return 0, nil, false, err
	}
	resp, err := http.ReadResponse(conn.br, nil)
	if err != nil {
		return 0, nil, false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ = io.ReadAll(io.LimitReader(resp.Body, 120))
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, nil, false, err
	}
	return resp.StatusCode, msg, !resp.Close, nil
}

// TestRawClient checks the load runs' client against net/http's server: the
// request as sent, an error's first bytes, and one connection kept for
// successive requests.
func TestRawClient(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != "POST" || r.URL.Path != "/v1/x" || r.Header.Get("Authorization") != "Bearer tok" ||
			r.Header.Get("Content-Type") != "application/json" || string(body) != `{"a":1}` {
			http.Error(w, fmt.Sprintf("unexpected request %s %s %q %q", r.Method, r.URL.Path, r.Header, body), http.StatusBadRequest)
			return
		}
		if r.URL.Query().Get("fail") != "" {
			http.Error(w, strings.Repeat("refused ", 100), http.StatusTooManyRequests)
			return
		}
		w.Write(bytes.Repeat([]byte("x"), 100_000))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	rc := newRawClient(srv.URL, 4)
	for range 3 {
		if status, msg, err := rc.post("/v1/x", "tok", []byte(`{"a":1}`)); err != nil || status != 200 {
			t.Fatalf("post = %d %q %v", status, msg, err)
		}
	}
	status, msg, err := rc.post("/v1/x?fail=1", "tok", []byte(`{"a":1}`))
	if err != nil || status != http.StatusTooManyRequests || len(msg) != 120 || !strings.HasPrefix(string(msg), "refused") {
		t.Fatalf("refused post = %d %q %v", status, msg, err)
	}
	if _, _, err := rc.post("/v1/x", "tok", []byte(`{"a":1}`)); err != nil {
		t.Fatal(err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for five requests, want 1", n)
	}
}
