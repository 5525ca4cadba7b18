package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
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
