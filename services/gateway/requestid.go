package gateway

import (
	"net/http"

	"github.com/sas-platform/sas/services/platform/requestid"
)

// withRequestID makes sure every request has a valid X-Request-Id: the
// client's when acceptable (requestid.Valid), else a new one. The id is set
// on the request, so it is forwarded to gRPC, and on the response.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestid.Header)
		if !requestid.Valid(id) {
			id = requestid.New()
		}
		r.Header.Set(requestid.Header, id)
		w.Header().Set(requestid.Header, id)
		next.ServeHTTP(w, r)
	})
}

// requestIDHeader is requestid.Header in canonical HTTP form ("X-Request-Id").
const requestIDHeader = "X-Request-Id"
