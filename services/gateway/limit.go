package gateway

import (
	"context"
	"net/http"
	"strings"

	"go.opentelemetry.io/otel/metric"
)

// DefaultMaxInFlight is how many API requests the gateway serves at once
// when Options.MaxInFlight is 0: as many as search serves before queueing
// (server.Settings.MaxInFlight), so that past saturation REST searches are
// refused at the door, for about 40 µs of CPU, instead of after their
// decoding, authentication and 20 ms in search's queue. In overload runs
// (a tenth of the national dataset, two each) it answered 2,800-2,870
// searches a second against 2,430-2,610 with 128, at a p99 of 91-114 ms
// against 135-152 ms.
const DefaultMaxInFlight = 64

// overloadBody is the JSON status of a request refused for overload, as the
// gateway writes gRPC errors (google.rpc.Status).
const overloadBody = `{"code":8,"message":"too many requests under way: retry shortly","details":[` +
	`{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"GATEWAY_OVERLOADED","domain":"sas.esante.gouv.fr"}]}`

// limitInFlight refuses an API request at once with 429 when max are
// already under way. Past saturation, a request that waits only adds to the
// latency of all the others: refusing the excess at the door keeps the
// answered ones fast and the goodput at the saturation rate. Probes are
// never refused. It is the outermost handler, so that a refusal costs no
// span, request id or access log line (overload is when they cost most);
// refusals are counted in rejected instead.
func limitInFlight(max int, rejected metric.Int64Counter, next http.Handler) http.Handler {
	slots := make(chan struct{}, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || strings.HasPrefix(r.URL.Path, "/dev/") {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
			next.ServeHTTP(w, r)
		default:
			rejected.Add(context.Background(), 1)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(overloadBody))
		}
	})
}
