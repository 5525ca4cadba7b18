package gateway

import "net/http"

// recorder is an http.ResponseWriter that remembers the status code and,
// before the header is sent, keeps a single X-Request-Id value: the gateway
// sets one and the gRPC server may echo it as response metadata.
type recorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records code and sends the header.
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
		r.collapseRequestID()
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write sends b, with an implicit 200 status if none was written.
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	return r.ResponseWriter.Write(b)
}

// Flush sends buffered data to the client, for server-streaming methods.
func (r *recorder) Flush() {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (r *recorder) Unwrap() http.ResponseWriter {
	return r.ResponseWriter
}

// code returns the status sent, 200 when the handler wrote nothing.
func (r *recorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

// collapseRequestID keeps the last X-Request-Id value, the gRPC server's when
// it sent one.
func (r *recorder) collapseRequestID() {
	h := r.Header()
	if v := h.Values(requestIDHeader); len(v) > 1 {
		h.Set(requestIDHeader, v[len(v)-1])
	}
}
