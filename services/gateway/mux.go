package gateway

import (
	"net/http"
	"net/textproto"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	_ "google.golang.org/genproto/googleapis/rpc/errdetails" // Registers google.rpc error details so they marshal into error bodies.
	"google.golang.org/protobuf/encoding/protojson"
)

// newMux returns a runtime.ServeMux with one JSON naming choice (lowerCamelCase,
// as in the OpenAPI document), strict decoding and explicit header allow-lists.
func newMux() *runtime.ServeMux {
	return runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, newJSONMarshaler(&runtime.JSONPb{
			MarshalOptions:   protojson.MarshalOptions{UseProtoNames: false, EmitUnpopulated: false},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		})),
		runtime.WithIncomingHeaderMatcher(incomingHeader),
		runtime.WithOutgoingHeaderMatcher(outgoingHeader),
		runtime.WithOutgoingTrailerMatcher(outgoingTrailer),
		runtime.WithMiddlewares(tagRoute),
	)
}

// incomingHeader forwards only X-Request-Id and the W3C trace context and
// baggage headers to gRPC metadata. Authorization is not listed because the
// runtime always forwards it; listing it would send it twice.
func incomingHeader(key string) (string, bool) {
	switch k := textproto.CanonicalMIMEHeaderKey(key); k {
	case requestIDHeader, "Traceparent", "Tracestate", "Baggage":
		return strings.ToLower(k), true
	}
	return "", false
}

// outgoingHeader forwards only the x-request-id response metadata as an HTTP header.
func outgoingHeader(key string) (string, bool) {
	if textproto.CanonicalMIMEHeaderKey(key) == requestIDHeader {
		return requestIDHeader, true
	}
	return "", false
}

// outgoingTrailer forwards no gRPC trailer.
func outgoingTrailer(string) (string, bool) {
	return "", false
}

// tagRoute records the matched route pattern for the access log and tracing.
func tagRoute(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if p, ok := runtime.HTTPPattern(r.Context()); ok {
			setRoute(r, p.String())
		}
		next(w, r, params)
	}
}
