package gateway

import (
	"crypto/rand"
	"net/http"
)

// requestIDHeader is the HTTP header, and in lower case the gRPC metadata key,
// of the request id.
const requestIDHeader = "X-Request-Id"

// maxRequestIDLen is the longest request id accepted from a client.
const maxRequestIDLen = 128

// withRequestID makes sure every request has a valid X-Request-Id: the
// client's when acceptable, else a new random one. The id is set on the
// request, so it is forwarded to gRPC, and on the response.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !validRequestID(id) {
			id = rand.Text()
		}
		r.Header.Set(requestIDHeader, id)
		w.Header().Set(requestIDHeader, id)
		next.ServeHTTP(w, r)
	})
}

// validRequestID reports whether id is 1 to 128 visible ASCII characters
// (0x21 to 0x7E: no space, no control character).
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := range len(id) {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}
